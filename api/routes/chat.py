"""Citizen endpoints: chat, session transcript, feedback."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from api.deps import PipelineDep, StorageDep
from api.schemas import ChatIn, ChatPublic, ErrorPublic, FeedbackIn, FeedbackPublic, SessionPublic
from api.turns import handle_turn

router = APIRouter(prefix="/v1", tags=["citizen"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic},
    422: {"model": ErrorPublic},
    503: {"model": ErrorPublic},
}


@router.post("/chat", response_model=ChatPublic, responses=ERRORS, summary="Ask a question")
def chat(body: ChatIn, request: Request, _pipeline: PipelineDep) -> dict[str, object]:
    """Answer one message. Every non-answer carries `handoff_reason`; every answer carries citations."""
    reply = handle_turn(request.app.state, body.message, body.session_id, body.channel)
    return reply.to_public()


@router.get("/sessions/{session_id}", response_model=SessionPublic, responses={404: {"model": ErrorPublic}})
def get_session(session_id: str, storage: StorageDep) -> dict[str, object]:
    """The conversation so far, including agent replies (the chat page polls this during a handoff)."""
    record = storage.get_session(session_id)  # type: ignore[attr-defined]
    if record is None:
        raise HTTPException(404, detail=f"No session {session_id!r}. Start one with POST /v1/chat.")
    return session_public(record)


@router.post("/feedback", response_model=FeedbackPublic, status_code=201, responses={404: {"model": ErrorPublic}})
def feedback(body: FeedbackIn, storage: StorageDep) -> dict[str, str]:
    """Helpful or not, per bot message, with an optional comment."""
    from api.storage import NotFound

    try:
        fid = storage.add_feedback(body.message_id, body.helpful, body.comment)  # type: ignore[attr-defined]
    except NotFound as err:
        raise HTTPException(404, detail=f"No message {body.message_id!r} to give feedback on.") from err
    return {"feedback_id": fid}


def message_public(m) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "message_id": m.message_id,
        "role": m.role,
        "text": m.text,
        "language": m.language,
        "created_at": m.created_at.isoformat(),
        "outcome": m.outcome,
        "handoff_reason": m.handoff_reason,
        "citations": list(m.citations or []),
    }


def session_public(record) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "session_id": record.session_id,
        "channel": record.channel,
        "language": record.language,
        "status": record.status,
        "messages": [message_public(m) for m in record.messages],
    }
