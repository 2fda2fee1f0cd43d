"""Dependencies as Annotated aliases: routes ask for what they need, tests override it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from api.metrics import Metrics
from bot.config import Config
from bot.pipeline import Pipeline


def get_config(request: Request) -> Config:
    return request.app.state.config  # type: ignore[no-any-return]


def get_storage(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.storage


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics  # type: ignore[no-any-return]


def get_pipeline(request: Request) -> Pipeline:
    pipeline = request.app.state.pipeline
    if pipeline is None:
        raise HTTPException(
            503, detail=request.app.state.index_error or "The search index is still loading; retry shortly."
        )
    return pipeline  # type: ignore[no-any-return]


def _staff(request: Request, authorization: str | None, roles: tuple[str, ...]):  # type: ignore[no-untyped-def]
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(
            401,
            detail="Staff endpoint: send 'Authorization: Bearer <token>' "
            "(create one with `rahnuma staff add --role agent`).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    staff = request.app.state.storage.staff_for_token(authorization[7:].strip())
    if staff is None:
        raise HTTPException(401, detail="Unknown or revoked staff token.", headers={"WWW-Authenticate": "Bearer"})
    if staff.role not in roles:
        raise HTTPException(403, detail=f"This needs the {' or '.join(roles)} role; your token is {staff.role}.")
    return staff


def require_agent(request: Request, authorization: Annotated[str | None, Header()] = None):  # type: ignore[no-untyped-def]
    return _staff(request, authorization, ("agent", "admin"))


def require_admin(request: Request, authorization: Annotated[str | None, Header()] = None):  # type: ignore[no-untyped-def]
    return _staff(request, authorization, ("admin",))


ConfigDep = Annotated[Config, Depends(get_config)]
StorageDep = Annotated[object, Depends(get_storage)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]
AgentDep = Annotated[object, Depends(require_agent)]
AdminDep = Annotated[object, Depends(require_admin)]
