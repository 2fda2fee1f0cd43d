"""One citizen turn on any channel: store, answer (or pass to the agent), hand off, audit, count.

``handle_turn`` is the web/API path; WhatsApp does its own session and handoff checks and then calls
``answer_and_record``, so every channel records the same things the same way.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from bot.errors import InputError
from bot.pipeline import check_message, new_id
from bot.types import HandoffReason, Outcome, Reply

WAITING_FOR_AGENT = {
    "ur": "آپ کا پیغام نمائندے تک پہنچا دیا گیا ہے۔ وہ جلد اسی گفتگو میں جواب دیں گے۔",
    "en": "Your message has been passed to the agent handling your conversation. They will reply here.",
    "ur-Latn": "Aap ka paigham numainde tak pohncha diya gaya hai. Woh jald isi chat mein jawab denge.",
}


def handle_turn(state: Any, message: object, session_id: str | None, channel: str, user_ref: str | None = None) -> Reply:
    """Run one turn against ``app.state`` (storage, pipeline, metrics)."""
    storage, pipeline = state.storage, state.pipeline
    text = check_message(message, pipeline.config.limits.max_message_chars)  # before anything is stored
    sid = _session(storage, session_id, channel, user_ref)
    open_handoff = storage.open_handoff_for(sid)
    if open_handoff is None:
        return answer_and_record(storage, pipeline, getattr(state, "metrics", None), text, sid, channel)
    reply = _to_agent(text, sid, open_handoff)
    storage.add_message(sid, "citizen", text, language=reply.detected_language)
    _audit(storage, reply, text, channel, pipeline)
    return reply


def answer_and_record(storage: Any, pipeline: Any, metrics: Any, text: str, sid: str, channel: str) -> Reply:
    """Answer ``text`` and record the turn: both messages, the handoff if any, audit row, metrics."""
    started = time.perf_counter()
    reply: Reply = pipeline.answer(text, sid, channel)
    storage.add_message(sid, "citizen", text, language=reply.detected_language or None)
    citations = [asdict(c) for c in reply.citations]
    storage.add_message(sid, "bot", reply.answer, language=reply.language, outcome=reply.outcome.value,
                        handoff_reason=reply.handoff_reason.value if reply.handoff_reason else None,
                        citations=citations, message_id=reply.message_id)
    if reply.handoff and reply.handoff_reason is not None:
        storage.create_handoff(sid, reply.message_id, reply.handoff_reason.value,
                               reply.detected_language or reply.language, reply.suggested_answer,
                               [asdict(c) for c in reply.staff_sources])
    _audit(storage, reply, text, channel, pipeline)
    if metrics is not None:
        metrics.outcomes.labels(reply.outcome.value, reply.handoff_reason.value if reply.handoff_reason else "",
                                reply.language, channel).inc()
        metrics.pipeline_latency.labels(reply.language).observe(time.perf_counter() - started)
    return reply


def _audit(storage: Any, reply: Reply, text: str, channel: str, pipeline: Any) -> None:
    manifest = getattr(getattr(pipeline, "data", None), "manifest", None) or {}
    storage.append_audit("turn", {
        "session_id": reply.session_id, "message_id": reply.message_id, "channel": channel, "message": text,
        "outcome": reply.outcome.value, "handoff_reason": reply.handoff_reason.value if reply.handoff_reason else None,
        "rule": reply.rule, "language": reply.language, "detected_language": reply.detected_language,
        "service_id": reply.service_id, "section": reply.section, "confidence": round(reply.confidence, 4),
        "citations": [c.doc_id for c in reply.citations], "index_version": str(manifest.get("version", "")),
    })


def _session(storage: Any, session_id: str | None, channel: str, user_ref: str | None) -> str:
    from api.storage import Conflict

    try:
        return str(storage.ensure_session(session_id, channel, user_ref))
    except Conflict as err:
        raise InputError(f"session_id {session_id!r} belongs to another channel; omit it to start a new session") from err
    except ValueError as err:
        raise InputError(f"session_id {session_id!r} is not valid ({err}); omit it to start a new session") from err


def _to_agent(text: str, sid: str, handoff: Any) -> Reply:
    """A person already has this conversation: the bot stays quiet and says so."""
    from models.langid import detect_language

    guess = detect_language(text)
    lang = guess.lang if guess.lang in WAITING_FOR_AGENT else "ur"
    reason = HandoffReason(handoff.reason) if handoff.reason in HandoffReason._value2member_map_ else None
    return Reply(session_id=sid, message_id=new_id(), outcome=Outcome.HANDOFF, language=lang,
                 answer=WAITING_FOR_AGENT[lang], confidence=0.0, handoff_reason=reason,
                 detected_language=guess.lang, rule="handoff_open")
