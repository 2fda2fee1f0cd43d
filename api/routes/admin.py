"""Operations: health, readiness, metrics, and hot re-indexing without dropping requests."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import AdminDep, MetricsDep
from api.schemas import ErrorPublic, ReindexPublic

router = APIRouter(tags=["operations"])


@router.get("/healthz", responses={503: {"model": ErrorPublic}})
def healthz(request: Request) -> JSONResponse:
    """200 once the index is loaded; 503 (with how to build it) before."""
    pipeline = request.app.state.pipeline
    if pipeline is None:
        return JSONResponse({"status": "unavailable", "detail": request.app.state.index_error or "loading"}, 503)
    return JSONResponse({"status": "ok", "index_version": pipeline.data.manifest.get("version")})


@router.get("/readyz", responses={503: {"model": ErrorPublic}})
def readyz(request: Request) -> JSONResponse:
    """Ready to serve: index loaded and database reachable."""
    checks = {"index": request.app.state.pipeline is not None, "database": _database_ok(request.app.state.storage)}
    return JSONResponse({"ready": all(checks.values()), "checks": checks}, 200 if all(checks.values()) else 503)


def _database_ok(storage: Any) -> bool:
    try:
        storage.list_handoffs(status="open", language="__probe__")
        return True
    except Exception:  # noqa: BLE001 - readiness reports, never raises
        return False


@router.get("/metrics")
def metrics(m: MetricsDep) -> Response:
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)


@router.post("/v1/admin/reindex", response_model=ReindexPublic, status_code=202,
             responses={401: {"model": ErrorPublic}, 403: {"model": ErrorPublic}, 409: {"model": ErrorPublic}})
def reindex(request: Request, _admin: AdminDep) -> JSONResponse:
    """Build a new index version in the background and swap it in; requests keep being served."""
    state = request.app.state
    with state.reindex_lock:
        if state.reindex["status"] == "running":
            return JSONResponse({"detail": "A re-index is already running."}, 409)
        state.reindex = {"status": "running", "detail": "", "index_version": None}
    threading.Thread(target=_reindex_job, args=(state,), daemon=True, name="reindex").start()
    return JSONResponse(state.reindex, 202)


@router.get("/v1/admin/reindex", response_model=ReindexPublic, responses={401: {"model": ErrorPublic}})
def reindex_status(request: Request, _admin: AdminDep) -> dict[str, object]:
    return dict(request.app.state.reindex)


def _reindex_job(state: Any) -> None:
    from api.session_memory import StoredSessionMemory
    from bot.cli import _settings
    from bot.pipeline import Pipeline
    from retrieval.index import build_index

    cfg = state.config
    try:
        old = state.pipeline
        embedder = old.embedder if old is not None else None
        path, skipped = build_index(cfg.resolve(cfg.corpus.path), cfg.resolve(cfg.index.path),
                                    cfg.resolve(cfg.index.cache_path), embedder or _embedder(cfg), _settings(cfg))
        fresh = Pipeline(cfg, embedder=embedder, memory=StoredSessionMemory(state.storage))
        fresh.load()
        state.pipeline = fresh  # one reference swap: in-flight requests finish on the old pipeline
        state.index_error = None
        state.reindex = {"status": "done", "detail": f"{len(skipped)} file(s) skipped", "index_version": path.name}
        state.storage.append_audit("reindex", {"index_version": path.name, "skipped": [s.path for s in skipped]})
    except Exception as err:  # noqa: BLE001 - reported through the status endpoint
        state.reindex = {"status": "failed", "detail": str(err), "index_version": None}


def _embedder(cfg: Any) -> Any:
    from models.embedders import embedder_from_config

    return embedder_from_config(cfg.embedder, str(cfg.resolve(cfg.index.cache_path)))
