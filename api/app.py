"""The FastAPI application factory: ``create_app(config)`` builds everything at the edge."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api.metrics import Metrics
from bot.config import Config, load_config
from bot.errors import IndexMissingError, InputError, RahnumaError

STATIC = Path(__file__).with_name("static")
log = logging.getLogger("rahnuma.api")


def create_app(config: Config | None = None, pipeline_factory: Callable[[Config], Any] | None = None,
               storage: Any = None, whatsapp_client: Any = None) -> FastAPI:
    """The app. Tests pass a fake ``pipeline_factory``, a ``storage`` and a ``whatsapp_client``."""
    cfg = config or load_config()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _init_state(app, cfg, pipeline_factory, storage, whatsapp_client)
        yield

    app = FastAPI(title="Rahnuma API", version="0.1.0", lifespan=lifespan,
                  description="Cited answers about Pakistani public services in Urdu, English and Roman Urdu, "
                              "with human handoff. Staff endpoints need `Authorization: Bearer <token>`.")
    _install_error_handlers(app)
    _install_metrics_middleware(app)
    from api.channels.whatsapp import router as whatsapp_router
    from api.routes import admin, catalogue, chat, handoffs

    for module in (chat, catalogue, handoffs, admin):
        app.include_router(module.router)
    app.include_router(whatsapp_router)
    _install_pages(app)
    return app


def _init_state(app: FastAPI, cfg: Config, pipeline_factory: Callable[[Config], Any] | None, storage: Any,
                whatsapp_client: Any) -> None:
    from bot.cli import database_url

    app.state.config = cfg
    app.state.metrics = Metrics.create()
    app.state.reindex = {"status": "idle", "detail": "", "index_version": None}
    app.state.reindex_lock = threading.Lock()
    if storage is None:
        from api.storage import Storage

        storage = Storage(database_url(cfg))
        storage.create_schema()
    app.state.storage = storage
    app.state.whatsapp_client = whatsapp_client or _whatsapp_client(cfg)
    app.state.pipeline, app.state.index_error = None, None
    try:
        if pipeline_factory is not None:
            app.state.pipeline = pipeline_factory(cfg)
        else:
            from bot.pipeline import build_pipeline

            app.state.pipeline = build_pipeline(cfg)
        _remember_in(app.state.pipeline, storage)
    except IndexMissingError as err:
        app.state.index_error = str(err)
        log.error("%s", err)


def _remember_in(pipeline: Any, storage: Any) -> None:
    """The pipeline keeps each conversation's memory in the database (not in this process)."""
    from bot.pipeline import Pipeline

    if isinstance(pipeline, Pipeline) and hasattr(storage, "session_state"):
        from api.session_memory import StoredSessionMemory

        pipeline.memory = StoredSessionMemory(storage)


def _whatsapp_client(cfg: Config) -> Any:
    if not cfg.whatsapp.enabled:
        return None
    from api.channels.whatsapp import WhatsAppClient

    return WhatsAppClient(cfg.whatsapp)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        if first.get("type") == "json_invalid":
            return JSONResponse({"detail": "Request body is not valid JSON (UTF-8). Send e.g. "
                                           '{"message": "passport ki fee?", "session_id": null}.'}, 400)
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse({"detail": f"{where or 'body'}: {first.get('msg', 'invalid')}"}, 422)

    @app.exception_handler(InputError)
    async def bad_input(_: Request, err: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, 422)

    @app.exception_handler(IndexMissingError)
    async def no_index(_: Request, err: IndexMissingError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, 503)

    @app.exception_handler(RahnumaError)
    async def other(_: Request, err: RahnumaError) -> JSONResponse:
        log.exception("request failed")
        return JSONResponse({"detail": str(err)}, 500)


def _install_metrics_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def count(request: Request, call_next: Callable[[Request], Any]) -> Any:
        started = time.perf_counter()
        response = await call_next(request)
        metrics = getattr(request.app.state, "metrics", None)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        if metrics is not None:
            metrics.requests.labels(request.method, path, str(response.status_code)).inc()
            metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response


def _install_pages(app: FastAPI) -> None:
    if not STATIC.exists():
        return
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/agent", include_in_schema=False)
    def agent_page() -> FileResponse:
        return FileResponse(STATIC / "agent.html")
