"""WhatsApp Cloud API channel: webhook routes, inbound processing and agent replies.

Mount with ``app.include_router(api.channels.whatsapp.router)``. Dependencies come from
``request.app.state``: ``config`` (bot.config.Config), ``storage`` (api.storage.Storage),
``pipeline`` (bot.pipeline.Pipeline) and ``whatsapp_client`` (WhatsAppClient or a fake).

Flow: the POST webhook checks ``X-Hub-Signature-256`` over the raw body bytes, acknowledges at once
and processes messages in a background task. Each WhatsApp message id is processed once, ever
(``storage.mark_inbound_seen``), so Meta's redeliveries and restarts never produce a second reply.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.channels.whatsapp_client import (
    MAX_INTERACTIVE_BODY_CHARS,
    MAX_TEXT_CHARS,
    WhatsAppClient,
    WhatsAppSendError,
    clip,
)
from api.channels.whatsapp_payload import HUMAN_BUTTON_ID, InboundMessage, parse_payload
from api.turns import answer_and_record
from bot.errors import InputError

__all__ = ["WhatsAppClient", "WhatsAppSendError", "process_messages", "router", "send_agent_reply"]

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
HANDOFF_ACK_CHANNEL = "whatsapp-handoff-ack"  # mark_inbound_seen key space: one ack per handoff
SERVICE_WINDOW = timedelta(hours=24)
MAX_BODY_BYTES = 1_000_000
MAX_SOURCES = 3

# -- reply texts (ur, en, ur-Latn) --------------------------------------------------------------------
# WhatsApp limits reply-button titles to 20 characters; "Insaan se baat karein" is 21, so Roman Urdu
# uses the equally common spelling "karen".
HUMAN_BUTTON_TITLES = {"ur": "انسان سے بات کریں", "en": "Talk to a person", "ur-Latn": "Insaan se baat karen"}
NON_TEXT_REPLY = {
    "ur": "معذرت، میں صرف تحریری پیغامات پڑھ سکتا ہوں۔ براہ کرم اپنا سوال لکھ کر بھیجیں۔",
    "en": "Sorry, I can only read text messages. Please type your question.",
    "ur-Latn": "Maazrat, main sirf likhe hue paighamat parh sakta hoon. Apna sawal likh kar bhejein.",
}
TOO_LONG_REPLY = {
    "ur": "آپ کا پیغام بہت لمبا ہے۔ براہ کرم {n} حروف تک مختصر سوال بھیجیں۔",
    "en": "Your message is too long. Please send a shorter question (up to {n} characters).",
    "ur-Latn": "Aap ka paigham bohat lamba hai. Meharbani kar ke {n} huroof tak mukhtasar sawal bhejein.",
}
ERROR_REPLY = {
    "ur": "معذرت، ہماری طرف کوئی خرابی ہوئی۔ براہ کرم تھوڑی دیر بعد دوبارہ کوشش کریں۔",
    "en": "Sorry, something went wrong on our side. Please try again in a moment.",
    "ur-Latn": "Maazrat, hamari taraf koi kharabi hui. Thori der baad dobara koshish karein.",
}
AGENT_ACK_REPLY = {
    "ur": "آپ کا پیغام عملے تک پہنچا دیا گیا ہے۔ ایک نمائندہ جلد جواب دے گا۔",
    "en": "Your message has been passed to our staff. An agent will reply here soon.",
    "ur-Latn": "Aap ka paigham staff tak pohancha diya gaya hai. Ek numainda jald yahan jawab dega.",
}
MORE_HELP_PROMPT = {"ur": "مزید مدد چاہیے؟", "en": "Need more help?", "ur-Latn": "Mazeed madad chahiye?"}
SOURCES_LABEL = {"ur": "ماخذ", "en": "Sources", "ur-Latn": "Hawala"}
_LANG_ORDER = ("ur", "ur-Latn", "en")


def localized(table: Mapping[str, str], language: str | None, **fmt: object) -> str:
    """The text in ``language``; all three (Urdu, Roman Urdu, English) when the language is unknown."""
    if language is not None and language in table:
        return table[language].format(**fmt)
    return "\n\n".join(table[lang].format(**fmt) for lang in _LANG_ORDER)


def human_button(language: str | None) -> tuple[str, str]:
    return HUMAN_BUTTON_ID, HUMAN_BUTTON_TITLES.get(language or "", HUMAN_BUTTON_TITLES["ur"])


# -- what this module needs from its collaborators ----------------------------------------------------
class StorageLike(Protocol):
    def mark_inbound_seen(self, channel: str, external_id: str) -> bool: ...
    def session_by_user(self, channel: str, user_ref: str) -> str | None: ...
    def ensure_session(
        self, session_id: str | None, channel: str = ..., user_ref: str | None = ...,
        language: str | None = ...,
    ) -> str: ...
    def add_message(self, session_id: str, role: str, text: str, **kwargs: Any) -> str: ...
    def get_session(self, session_id: str) -> Any: ...
    def last_inbound_at(self, session_id: str) -> datetime | None: ...
    def open_handoff_for(self, session_id: str) -> Any: ...
    def create_handoff(
        self, session_id: str, message_id: str | None, reason: str, language: str | None,
        suggested_answer: str, sources: list[dict[str, Any]],
    ) -> str: ...
    def append_audit(self, event: str, data: dict[str, Any]) -> None: ...


class PipelineLike(Protocol):
    def answer(self, message: str, session_id: str | None, channel: str = ...) -> Any: ...


class ClientLike(Protocol):
    def send_text(self, to: str, body: str, *, phone_number_id: str | None = None) -> str | None: ...
    def send_buttons(
        self, to: str, body: str, buttons: list[tuple[str, str]], *, phone_number_id: str | None = None
    ) -> str | None: ...
    def send_template(self, to: str, body_text: str, *, phone_number_id: str | None = None) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Deps:
    storage: StorageLike
    pipeline: PipelineLike
    client: ClientLike
    max_message_chars: int
    metrics: Any = None  # api.metrics.Metrics when the app has one


def mask(user_ref: str) -> str:
    """A phone number fit for logs: only the last 4 digits."""
    return "…" + user_ref[-4:] if len(user_ref) > 4 else "…"


# -- inbound processing (runs in a background task) ---------------------------------------------------
def process_messages(messages: Iterable[InboundMessage], deps: Deps) -> None:
    """Process each message; a failure is logged and never stops the others or reaches the server."""
    for msg in messages:
        try:
            process_message(msg, deps)
        except Exception:
            log.exception("whatsapp: processing message %s from %s failed", msg.message_id, mask(msg.sender))


def process_message(msg: InboundMessage, deps: Deps) -> None:
    storage, client = deps.storage, deps.client
    if not storage.mark_inbound_seen(CHANNEL, msg.message_id):
        log.info("whatsapp: duplicate delivery of %s ignored", msg.message_id)
        return
    to, pnid = msg.sender, msg.phone_number_id
    session_id = storage.session_by_user(CHANNEL, to) or storage.ensure_session(None, CHANNEL, user_ref=to)
    text = (msg.text or "").strip()

    if not text:  # image, audio, sticker, location, empty text...
        storage.add_message(session_id, "citizen", f"[{msg.kind}]")
        _reply(deps, session_id, to, pnid, localized(NON_TEXT_REPLY, _session_language(storage, session_id)))
        return

    handoff = storage.open_handoff_for(session_id)
    if handoff is not None:  # a person has taken over: keep the message for them, the bot stays quiet
        language = getattr(handoff, "language", None)
        storage.add_message(session_id, "citizen", text, language=language)
        if storage.mark_inbound_seen(HANDOFF_ACK_CHANNEL, str(handoff.handoff_id)):
            _reply(deps, session_id, to, pnid, localized(AGENT_ACK_REPLY, language), language)
        return

    if len(text) > deps.max_message_chars:
        storage.add_message(session_id, "citizen", clip(text, deps.max_message_chars))
        lang = _session_language(storage, session_id)
        _reply(deps, session_id, to, pnid, localized(TOO_LONG_REPLY, lang, n=deps.max_message_chars), lang)
        return

    try:
        reply = answer_and_record(storage, deps.pipeline, deps.metrics, text, session_id, CHANNEL)
    except Exception as err:
        storage.add_message(session_id, "citizen", text)
        lang = _session_language(storage, session_id)
        if isinstance(err, InputError):
            log.info("whatsapp: pipeline refused message %s: %s", msg.message_id, err)
            canned = localized(TOO_LONG_REPLY, lang, n=deps.max_message_chars)
        else:
            log.exception("whatsapp: pipeline failed on message %s", msg.message_id)
            canned = localized(ERROR_REPLY, lang)
        _reply(deps, session_id, to, pnid, canned, lang)
        return
    if reply.handoff:
        client.send_text(to, reply.answer, phone_number_id=pnid)
        return
    citations = [{"url": c.url, "title": c.title} for c in reply.citations]
    body = answer_text(reply.answer, citations, reply.language)
    send_answer(client, to, body, reply.language, pnid)


def answer_text(answer: str, citations: list[dict[str, Any]], language: str | None) -> str:
    """The answer with up to MAX_SOURCES distinct source links below it."""
    lines: list[str] = []
    seen: set[str] = set()
    for cit in citations:
        url = str(cit.get("url") or "")
        if not url or url in seen or url in answer or len(lines) >= MAX_SOURCES:  # already in the source line
            continue
        seen.add(url)
        title = str(cit.get("title") or "").strip()
        lines.append(f"• {title}: {url}" if title else f"• {url}")
    if not lines:
        return answer
    label = SOURCES_LABEL.get(language or "", SOURCES_LABEL["en"])
    return clip(answer, MAX_TEXT_CHARS - 200) + f"\n\n{label}:\n" + "\n".join(lines)


def send_answer(client: ClientLike, to: str, body: str, language: str | None, pnid: str | None) -> None:
    """A bot answer with the "talk to a person" button; long answers go as text plus a short prompt."""
    button = human_button(language)
    if len(body) <= MAX_INTERACTIVE_BODY_CHARS:
        client.send_buttons(to, body, [button], phone_number_id=pnid)
    else:
        client.send_text(to, body, phone_number_id=pnid)
        client.send_buttons(to, localized(MORE_HELP_PROMPT, language or "ur"), [button], phone_number_id=pnid)


def _reply(
    deps: Deps, session_id: str, to: str, pnid: str | None, text: str, language: str | None = None
) -> None:
    """A canned bot message: stored in the transcript, then sent as plain text."""
    deps.storage.add_message(session_id, "bot", text, language=language)
    deps.client.send_text(to, text, phone_number_id=pnid)


def _session_language(storage: StorageLike, session_id: str) -> str | None:
    record = storage.get_session(session_id)
    return getattr(record, "language", None) if record is not None else None


# -- agent replies (used by POST /v1/handoffs/{id}/reply) ---------------------------------------------
def send_agent_reply(
    storage: StorageLike, client: ClientLike, session_id: str, text: str, now: datetime
) -> Literal["text", "template"]:
    """Send an agent's reply: free text inside the 24-hour customer-service window, else the template.

    The window opens at the citizen's last inbound message (``storage.last_inbound_at``). Storing the
    agent message is the caller's job. Naive datetimes are taken as UTC. Blocking (sync httpx).
    """
    record = storage.get_session(session_id)
    if record is None:
        raise InputError(f"No session {session_id!r}: cannot send a WhatsApp reply to an unknown session.")
    if getattr(record, "channel", None) != CHANNEL or not getattr(record, "user_ref", None):
        raise InputError(
            f"Session {session_id!r} is on channel {getattr(record, 'channel', None)!r} with no WhatsApp "
            "number: only sessions started on WhatsApp can be answered there."
        )
    last = storage.last_inbound_at(session_id)
    if last is not None and _utc(now) - _utc(last) < SERVICE_WINDOW:
        client.send_text(record.user_ref, text)
        return "text"
    client.send_template(record.user_ref, text)
    return "template"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# -- routes -------------------------------------------------------------------------------------------
router = APIRouter(prefix="/v1/channels/whatsapp", tags=["whatsapp"])

_DISABLED = {"detail": "The WhatsApp channel is disabled: set [whatsapp] enabled = true in rahnuma.toml."}


def _config(request: Request) -> Any:
    config = getattr(request.app.state, "config", None)
    if config is None:
        raise RuntimeError("app.state.config is not set: the app factory must set it before serving.")
    return config


@router.get("/webhook", response_class=PlainTextResponse)
def verify_webhook(request: Request) -> Response:
    """Meta's subscription handshake: echo ``hub.challenge`` when the verify token matches."""
    wa = _config(request).whatsapp
    if not wa.enabled:
        return JSONResponse(_DISABLED, status_code=404)
    params = request.query_params
    mode = params.get("hub.mode", "")
    token = params.get("hub.verify_token", "")
    challenge = params.get("hub.challenge", "")
    token_ok = bool(wa.verify_token) and hmac.compare_digest(
        token.encode("utf-8", "surrogatepass"), wa.verify_token.encode("utf-8")
    )
    if mode == "subscribe" and token_ok and challenge:
        return PlainTextResponse(challenge, status_code=200)
    log.warning("whatsapp: webhook verification refused (mode=%r)", mode)
    return PlainTextResponse("Forbidden", status_code=403)


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """True when ``header`` is ``sha256=<hex HMAC-SHA256 of body with secret>`` (constant time)."""
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest().encode("ascii")
    given = header[len("sha256="):].strip().lower().encode("utf-8", "surrogatepass")
    return hmac.compare_digest(expected, given)


@router.post("/webhook")
async def receive_webhook(request: Request, background: BackgroundTasks) -> Response:
    """Signed delivery from Meta: verify, acknowledge with 200 at once, process in the background."""
    config = _config(request)
    if not config.whatsapp.enabled:
        return JSONResponse(_DISABLED, status_code=404)
    header = request.headers.get("x-hub-signature-256")
    if not header:
        return JSONResponse({"detail": "Missing X-Hub-Signature-256 header."}, status_code=401)
    body = await request.body()  # the raw bytes: the signature covers exactly these
    if len(body) > MAX_BODY_BYTES:
        return JSONResponse({"detail": f"Body over {MAX_BODY_BYTES} bytes."}, status_code=413)
    if not signature_ok(config.whatsapp.app_secret, body, header):
        if not config.whatsapp.app_secret:
            log.error("whatsapp: whatsapp.app_secret is empty; set WHATSAPP_APP_SECRET to accept webhooks")
        return JSONResponse({"detail": "Invalid X-Hub-Signature-256 signature."}, status_code=403)

    state = request.app.state
    needed = ("storage", "pipeline", "whatsapp_client")
    missing = [name for name in needed if getattr(state, name, None) is None]
    if missing:  # a deployment fault: 503 so Meta redelivers once it is fixed
        log.error("whatsapp: app.state lacks %s; webhook deliveries cannot be processed", ", ".join(missing))
        return JSONResponse({"detail": "WhatsApp channel not ready."}, status_code=503)

    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as err:
        log.warning("whatsapp: signed body is not JSON (%s); acknowledged and dropped", type(err).__name__)
        return JSONResponse({"status": "ok"})
    parsed = parse_payload(payload)
    if parsed.skipped:
        log.warning("whatsapp: %d malformed part(s) in webhook payload skipped", parsed.skipped)
    if parsed.messages:
        deps = Deps(state.storage, state.pipeline, state.whatsapp_client, config.limits.max_message_chars,
                    getattr(state, "metrics", None))
        background.add_task(process_messages, parsed.messages, deps)
    return JSONResponse({"status": "ok"})
