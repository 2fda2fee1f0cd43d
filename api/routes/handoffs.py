"""Staff endpoints: the handoff queue, claim, reply, resolve, and corpus search (the assist tool)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from api.deps import AgentDep, PipelineDep, StorageDep
from api.routes.chat import message_public
from api.schemas import ErrorPublic, HandoffDetailPublic, HandoffPublic, ReplyIn, ReplyPublic, SearchHitPublic

router = APIRouter(prefix="/v1", tags=["staff"])
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorPublic}, 403: {"model": ErrorPublic}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorPublic}, **AUTH_ERRORS}


def handoff_public(h, storage) -> dict[str, object]:  # type: ignore[no-untyped-def]
    session = storage.get_session(h.session_id)
    messages = session.messages if session else []
    last = next((m.text for m in reversed(messages) if m.role == "citizen"), "")
    now = dt.datetime.now(dt.UTC)
    end = h.resolved_at if getattr(h, "resolved_at", None) else now
    return {
        "handoff_id": h.handoff_id,
        "session_id": h.session_id,
        "status": h.status,
        "reason": h.reason,
        "language": h.language,
        "created_at": h.created_at.isoformat(),
        "waiting_seconds": max(0.0, (end - h.created_at).total_seconds()),
        "claimed_by": h.claimed_by,
        "channel": session.channel if session else "web",
        "last_message": last,
        "suggested_answer": h.suggested_answer or "",
        "sources": list(h.sources or []),
    }


def _get(storage, handoff_id: str):  # type: ignore[no-untyped-def]
    h = storage.get_handoff(handoff_id)
    if h is None:
        raise HTTPException(404, detail=f"No handoff {handoff_id!r}.")
    return h


@router.get("/handoffs", response_model=list[HandoffPublic], responses=AUTH_ERRORS)
def list_handoffs(
    storage: StorageDep,
    _staff: AgentDep,
    status: Literal["open", "claimed", "resolved"] | None = Query(None),
    language: str | None = Query(None, max_length=10),
) -> list[dict[str, object]]:
    """The queue, oldest first, filtered by status and language."""
    return [handoff_public(h, storage) for h in storage.list_handoffs(status=status, language=language)]  # type: ignore[attr-defined]


@router.get("/handoffs/{handoff_id}", response_model=HandoffDetailPublic, responses=NOT_FOUND)
def get_handoff(handoff_id: str, storage: StorageDep, _staff: AgentDep) -> dict[str, object]:
    h = _get(storage, handoff_id)
    session = storage.get_session(h.session_id)  # type: ignore[attr-defined]
    return {
        **handoff_public(h, storage),
        "transcript": [message_public(m) for m in (session.messages if session else [])],
    }


@router.post(
    "/handoffs/{handoff_id}/claim", response_model=HandoffPublic, responses={409: {"model": ErrorPublic}, **NOT_FOUND}
)
def claim(handoff_id: str, storage: StorageDep, staff: AgentDep) -> dict[str, object]:
    from api.storage import Conflict

    _get(storage, handoff_id)
    try:
        h = storage.claim_handoff(handoff_id, staff.staff_id)  # type: ignore[attr-defined]
    except Conflict as err:
        raise HTTPException(409, detail=str(err)) from err
    storage.append_audit("handoff_claimed", {"handoff_id": handoff_id, "staff_id": staff.staff_id})  # type: ignore[attr-defined]
    return handoff_public(h, storage)


@router.post(
    "/handoffs/{handoff_id}/reply", response_model=ReplyPublic, responses={409: {"model": ErrorPublic}, **NOT_FOUND}
)
def reply(handoff_id: str, body: ReplyIn, request: Request, storage: StorageDep, staff: AgentDep) -> dict[str, object]:
    """Send the agent's text to the citizen, on their channel."""
    h = _get(storage, handoff_id)
    if h.status == "resolved":
        raise HTTPException(409, detail="This handoff is resolved; the citizen can start a new conversation.")
    if h.status == "open":
        from api.storage import Conflict

        try:
            storage.claim_handoff(handoff_id, staff.staff_id)  # type: ignore[attr-defined]
        except Conflict as err:
            raise HTTPException(409, detail=str(err)) from err
    session = storage.get_session(h.session_id)  # type: ignore[attr-defined]
    message_id = storage.add_message(h.session_id, "agent", body.text, language=h.language)  # type: ignore[attr-defined]
    delivery = "stored"
    if session is not None and session.channel == "whatsapp":
        delivery = _send_whatsapp(request, storage, h.session_id, body.text)
    storage.append_audit(  # type: ignore[attr-defined]
        "agent_reply",
        {
            "handoff_id": handoff_id,
            "staff_id": staff.staff_id,  # type: ignore[attr-defined]
            "message_id": message_id,
            "delivery": delivery,
        },
    )
    return {"message_id": message_id, "delivered": delivery != "failed", "delivery": delivery}


def _send_whatsapp(request: Request, storage, session_id: str, text: str) -> str:  # type: ignore[no-untyped-def]
    from api.channels.whatsapp import send_agent_reply

    client = getattr(request.app.state, "whatsapp_client", None)
    if client is None:
        return "failed"
    try:
        kind = send_agent_reply(storage, client, session_id, text, dt.datetime.now(dt.UTC))
    except Exception:  # noqa: BLE001 - the reply is stored; delivery failure is reported, not raised
        return "failed"
    return f"whatsapp:{kind}" if isinstance(kind, str) else "whatsapp"


@router.post(
    "/handoffs/{handoff_id}/resolve", response_model=HandoffPublic, responses={409: {"model": ErrorPublic}, **NOT_FOUND}
)
def resolve(handoff_id: str, storage: StorageDep, staff: AgentDep) -> dict[str, object]:
    from api.storage import Conflict

    _get(storage, handoff_id)
    try:
        h = storage.resolve_handoff(handoff_id, staff.staff_id)  # type: ignore[attr-defined]
    except Conflict as err:
        raise HTTPException(409, detail=str(err)) from err
    storage.append_audit("handoff_resolved", {"handoff_id": handoff_id, "staff_id": staff.staff_id})  # type: ignore[attr-defined]
    return handoff_public(h, storage)


@router.get("/search", response_model=list[SearchHitPublic], responses=AUTH_ERRORS)
def search(
    pipeline: PipelineDep,
    _staff: AgentDep,
    q: str = Query(..., min_length=1, max_length=500),
    k: int = Query(8, ge=1, le=50),
) -> list[dict[str, object]]:
    """Corpus search for staff composing a reply."""
    assert pipeline.retriever is not None
    return [
        {
            "doc_id": h.passage.doc_id,
            "service_id": h.passage.service_id,
            "title": h.passage.title,
            "section": h.passage.section,
            "lang": h.passage.lang,
            "url": h.passage.url,
            "snippet": h.passage.text[:400],
            "score": round(h.score, 4),
        }
        for h in pipeline.retriever.search(q, top_k=k)
    ]
