"""One citizen turn on any channel: store, answer (or pass to the agent), hand off, audit, count.

Web chat and WhatsApp both call ``handle_turn`` so that every channel records the same things.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from bot.pipeline import Pipeline, check_message, new_id
from bot.types import HandoffReason, Outcome, Reply

WAITING_FOR_AGENT = {
    "ur": "آپ کا پیغام نمائندے تک پہنچا دیا گیا ہے۔ وہ جلد اسی گفتگو میں جواب دیں گے۔",
    "en": "Your message has been passed to the agent handling your conversation. They will reply here.",
    "ur-Latn": "Aap ka paigham numainde tak pohncha diya gaya hai. Woh jald isi chat mein jawab denge.",
}


def handle_turn(state: Any, message: object, session_id: str | None, channel: str, user_ref: str | None = None) -> Reply:
    """Run one turn against ``app.state`` (storage, pipeline, metrics)."""
    storage, pipeline = state.storage, state.pipeline
    assert isinstance(pipeline, Pipeline)
    text = check_message(message, pipeline.config.limits.max_message_chars)  # before anything is stored
    started = time.perf_counter()
    sid = storage.ensure_session(session_id, channel, user_ref)
    open_handoff = storage.open_handoff_for(sid)
    if open_handoff is not None:
        reply = _to_agent(pipeline, text, sid, open_handoff)
        storage.add_message(sid, "citizen", text, language=reply.detected_language)
    else:
        reply = pipeline.answer(text, sid, channel)
        storage.add_message(sid, "citizen", text, language=reply.detected_language)
        storage.add_message(sid, "bot", reply.answer, language=reply.language, outcome=reply.outcome.value,
                            handoff_reason=reply.handoff_reason.value if reply.handoff_reason else None,
                            citations=[asdict(c) for c in reply.citations], message_id=reply.message_id)
        if reply.handoff and reply.handoff_reason is not None:
            storage.create_handoff(sid, reply.message_id, reply.handoff_reason.value,
                                   reply.detected_language or reply.language, reply.suggested_answer,
                                   [asdict(c) for c in reply.citations])
    storage.append_audit("turn", {
        "session_id": sid, "message_id": reply.message_id, "channel": channel, "message": text,
        "outcome": reply.outcome.value, "handoff_reason": reply.handoff_reason.value if reply.handoff_reason else None,
        "rule": reply.rule, "language": reply.language, "detected_language": reply.detected_language,
        "service_id": reply.service_id, "section": reply.section, "confidence": round(reply.confidence, 4),
        "citations": [c.doc_id for c in reply.citations],
        "index_version": str(pipeline.data.manifest.get("version", "")),
    })
    metrics = getattr(state, "metrics", None)
    if metrics is not None:
        metrics.outcomes.labels(reply.outcome.value, reply.handoff_reason.value if reply.handoff_reason else "",
                                reply.language, channel).inc()
        metrics.pipeline_latency.labels(reply.language).observe(time.perf_counter() - started)
    return reply


def _to_agent(pipeline: Pipeline, text: str, sid: str, handoff: Any) -> Reply:
    """A person already has this conversation: the bot stays quiet and says so."""
    from models.langid import detect_language

    guess = detect_language(text)
    lang = guess.lang if guess.lang in WAITING_FOR_AGENT else "ur"
    reason = HandoffReason(handoff.reason) if handoff.reason in HandoffReason._value2member_map_ else None
    return Reply(session_id=sid, message_id=new_id(), outcome=Outcome.HANDOFF, language=lang,
                 answer=WAITING_FOR_AGENT[lang], confidence=1.0, handoff_reason=reason,
                 detected_language=guess.lang, rule="handoff_open")

