"""WhatsApp channel: webhook handshake and signatures, idempotent processing, outbound client, 24h window.

Everything runs offline: the pipeline and storage are in-memory fakes (plus one test on the real SQLite
storage), outbound Cloud API calls go to an httpx MockTransport or a local HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.channels.whatsapp import HUMAN_BUTTON_TITLES, router, send_agent_reply
from api.channels.whatsapp_client import (
    MAX_BUTTON_TITLE_CHARS,
    MAX_INTERACTIVE_BODY_CHARS,
    MAX_TEXT_CHARS,
    WhatsAppClient,
    WhatsAppSendError,
    buttons_payload,
)
from api.channels.whatsapp_payload import parse_payload
from api.storage.records import MessageRecord
from bot.config import Config, WhatsAppConfig
from bot.errors import ConfigError, InputError
from bot.types import Citation, HandoffReason, Outcome, Reply

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PHONE_NUMBER_ID = "1098765"
CITIZEN = "923001234567"


def wa_config(**overrides: Any) -> Config:
    values: dict[str, Any] = {
        "enabled": True,
        "verify_token": VERIFY_TOKEN,
        "app_secret": APP_SECRET,
        "access_token": "test-access-token",
        "phone_number_id": PHONE_NUMBER_ID,
        "api_base_url": "https://graph.invalid/v21.0",
        "max_retries": 2,
        "backoff_seconds": 0.0,
    }
    values.update(overrides)
    return Config(whatsapp=WhatsAppConfig(**values))


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def text_payload(body: str, message_id: str = "wamid.ONE", sender: str = CITIZEN) -> dict[str, Any]:
    return message_payload({"from": sender, "id": message_id, "timestamp": "1732600000", "type": "text",
                            "text": {"body": body}})


def message_payload(*messages: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "WABA",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
                    "contacts": [{"profile": {"name": "Citizen"}, "wa_id": CITIZEN}],
                    "messages": list(messages),
                },
            }],
        }],
    }


# -- in-memory storage implementing the parts of the api.storage.Storage contract the channel uses ----
@dataclass
class FakeSession:
    session_id: str
    channel: str
    user_ref: str | None
    language: str | None
    status: str = "active"
    messages: list[MessageRecord] = field(default_factory=list)


@dataclass
class FakeHandoff:
    handoff_id: str
    session_id: str
    message_id: str
    reason: str
    language: str | None
    suggested_answer: str
    sources: list[dict[str, Any]]
    status: str = "open"


class FakeStorage:
    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.clock = clock
        self.sessions: dict[str, FakeSession] = {}
        self.handoffs: dict[str, FakeHandoff] = {}
        self.seen: set[tuple[str, str]] = set()
        self.audit: list[tuple[str, dict[str, Any]]] = []

    def mark_inbound_seen(self, channel: str, external_id: str) -> bool:
        if (channel, external_id) in self.seen:
            return False
        self.seen.add((channel, external_id))
        return True

    def session_by_user(self, channel: str, user_ref: str) -> str | None:
        for s in self.sessions.values():
            if s.channel == channel and s.user_ref == user_ref:
                return s.session_id
        return None

    def ensure_session(self, session_id: str | None, channel: str = "web", user_ref: str | None = None,
                       language: str | None = None) -> str:
        if session_id in self.sessions:
            return session_id
        sid = session_id or uuid.uuid4().hex
        self.sessions[sid] = FakeSession(sid, channel, user_ref, language)
        return sid

    def add_message(self, session_id: str, role: str, text: str, language: str | None = None,
                    outcome: str | None = None, handoff_reason: str | None = None,
                    citations: list[dict[str, Any]] | None = None, message_id: str | None = None) -> str:
        assert role in ("citizen", "bot", "agent"), role
        session = self.sessions[session_id]
        mid = message_id or uuid.uuid4().hex
        session.messages.append(MessageRecord(mid, session_id, role, text, self.clock(), language, outcome,
                                            handoff_reason, citations))
        if language and role == "bot":
            session.language = language
        return mid

    def get_session(self, session_id: str) -> FakeSession | None:
        return self.sessions.get(session_id)

    def last_inbound_at(self, session_id: str) -> datetime | None:
        times = [m.created_at for m in self.sessions[session_id].messages if m.role == "citizen"]
        return max(times) if times else None

    def create_handoff(self, session_id: str, message_id: str, reason: str, language: str | None,
                       suggested_answer: str, sources: list[dict[str, Any]]) -> str:
        hid = uuid.uuid4().hex
        self.handoffs[hid] = FakeHandoff(hid, session_id, message_id, reason, language, suggested_answer,
                                         sources)
        self.sessions[session_id].status = "handoff"
        return hid

    def open_handoff_for(self, session_id: str) -> FakeHandoff | None:
        for h in self.handoffs.values():
            if h.session_id == session_id and h.status in ("open", "claimed"):
                return h
        return None

    def append_audit(self, event: str, data: dict[str, Any]) -> None:
        self.audit.append((event, data))

    # test helpers
    def messages(self, role: str | None = None) -> list[MessageRecord]:
        out = [m for s in self.sessions.values() for m in s.messages]
        return [m for m in out if role is None or m.role == role]


# -- a pipeline stand-in: answers with a citation, hands off on "talk to a person" ---------------------
class FakePipeline:
    def __init__(self, language: str = "en", answer: str = "Apply at a NADRA centre with a B-form.") -> None:
        self.language = language
        self.answer_text = answer
        self.calls: list[tuple[str, str | None, str]] = []
        self.fail: Exception | None = None

    def answer(self, message: str, session_id: str | None, channel: str = "web") -> Reply:
        self.calls.append((message, session_id, channel))
        if self.fail is not None:
            raise self.fail
        mid = uuid.uuid4().hex
        if "talk to a person" in message.lower():
            return Reply(session_id or "", mid, Outcome.HANDOFF, self.language,
                         "I am connecting you to a person. Please wait.", 1.0,
                         handoff_reason=HandoffReason.USER_REQUESTED, suggested_answer="(none)",
                         detected_language=self.language, rule="user_requested")
        cite = Citation("nadra-cnic-en", "nadra-cnic", "NADRA", "CNIC", "how_to_apply",
                        "https://www.nadra.gov.pk/cnic", "en", "Visit a NADRA centre")
        return Reply(session_id or "", mid, Outcome.ANSWERED, self.language, self.answer_text, 0.9,
                     citations=(cite,), service_id="nadra-cnic", section="how_to_apply",
                     detected_language=self.language, rule="answered")


class Outbox:
    """httpx MockTransport handler that records every outbound Cloud API request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((str(request.url), json.loads(request.content)))
        return httpx.Response(200, json={"messages": [{"id": f"wamid.out{len(self.requests)}"}]})

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [p for _, p in self.requests]


@dataclass
class Harness:
    client: TestClient
    app: FastAPI
    storage: Any
    pipeline: FakePipeline
    outbox: Outbox

    def post_raw(self, body: bytes, signature: str | bytes | None = "auto") -> httpx.Response:
        headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
        if signature == "auto":
            headers["X-Hub-Signature-256"] = sign(body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return self.client.post("/v1/channels/whatsapp/webhook", content=body, headers=headers)

    def post(self, payload: Any) -> httpx.Response:
        return self.post_raw(json.dumps(payload, ensure_ascii=False).encode())


def build_app(config: Config, storage: Any, pipeline: Any, outbox: Outbox) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.config = config
    app.state.storage = storage
    app.state.pipeline = pipeline
    app.state.whatsapp_client = WhatsAppClient(config.whatsapp, transport=httpx.MockTransport(outbox))
    return app


@pytest.fixture
def wa_harness() -> Iterator[Harness]:
    storage, pipeline, outbox = FakeStorage(), FakePipeline(), Outbox()
    app = build_app(wa_config(), storage, pipeline, outbox)
    with TestClient(app) as client:
        yield Harness(client, app, storage, pipeline, outbox)
    app.state.whatsapp_client.close()


WEBHOOK = "/v1/channels/whatsapp/webhook"


# -- GET handshake -----------------------------------------------------------------------------------
def handshake(h: Harness, **params: str) -> httpx.Response:
    return h.client.get(WEBHOOK, params=params)


def test_handshake_echoes_challenge_as_plain_text(wa_harness: Harness) -> None:
    r = handshake(wa_harness, **{"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                 "hub.challenge": "1158201444"})
    assert r.status_code == 200
    assert r.text == "1158201444"
    assert r.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "42"},
    {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"},
    {"hub.mode": "subscribe", "hub.challenge": "42"},
    {"hub.mode": "subscribe", "hub.verify_token": "ٹوکن", "hub.challenge": "42"},  # non-ASCII: no TypeError
    {},
])
def test_handshake_refused(wa_harness: Harness, params: dict[str, str]) -> None:
    r = handshake(wa_harness, **params)
    assert r.status_code == 403
    assert "42" not in r.text


def test_handshake_refused_when_no_verify_token_is_configured() -> None:
    app = build_app(wa_config(verify_token=""), FakeStorage(), FakePipeline(), Outbox())
    params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "7"}
    r = TestClient(app).get(WEBHOOK, params=params)
    assert r.status_code == 403


def test_disabled_channel_is_404() -> None:
    app = build_app(wa_config(enabled=False), FakeStorage(), FakePipeline(), Outbox())
    client = TestClient(app)
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "7"}
    r = client.get(WEBHOOK, params=params)
    assert r.status_code == 404
    body = json.dumps(text_payload("hi")).encode()
    assert client.post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body)}).status_code == 404


# -- POST signature ----------------------------------------------------------------------------------
def test_missing_signature_is_401(wa_harness: Harness) -> None:
    r = wa_harness.post_raw(json.dumps(text_payload("hi")).encode(), signature=None)
    assert r.status_code == 401
    assert wa_harness.pipeline.calls == [] and wa_harness.outbox.requests == []


@pytest.mark.parametrize("signature", [
    sign(b"something else"),
    "sha256=" + "0" * 64,
    "sha1=" + "0" * 40,
    "sha256=",
    "sha256=zz-not-hex-é".encode("latin-1"),  # non-ASCII header bytes: no TypeError in compare_digest
])
def test_wrong_signature_is_403(wa_harness: Harness, signature: str | bytes) -> None:
    r = wa_harness.post_raw(json.dumps(text_payload("hi")).encode(), signature=signature)
    assert r.status_code == 403
    assert wa_harness.pipeline.calls == [] and wa_harness.storage.seen == set()


def test_signature_with_another_secret_is_403(wa_harness: Harness) -> None:
    body = json.dumps(text_payload("hi")).encode()
    assert wa_harness.post_raw(body, signature=sign(body, "another-secret")).status_code == 403


def test_empty_app_secret_refuses_everything() -> None:
    app = build_app(wa_config(app_secret=""), FakeStorage(), FakePipeline(), Outbox())
    body = json.dumps(text_payload("hi")).encode()
    r = TestClient(app).post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body, "")})
    assert r.status_code == 403


def test_correct_signature_is_200_and_answered(wa_harness: Harness) -> None:
    r = wa_harness.post(text_payload("How do I get a CNIC?"))
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    [(message, session_id, channel)] = wa_harness.pipeline.calls
    assert (message, channel) == ("How do I get a CNIC?", "whatsapp")
    assert wa_harness.storage.get_session(session_id).user_ref == CITIZEN
    [(url, payload)] = wa_harness.outbox.requests
    assert url == f"https://graph.invalid/v21.0/{PHONE_NUMBER_ID}/messages"
    assert payload["to"] == CITIZEN and payload["type"] == "interactive"


def test_signature_covers_raw_bytes_not_reencoded_json(wa_harness: Harness) -> None:
    # Unusual spacing, escaped unicode and a key order json.dumps would not reproduce.
    body = (
        b'{ "entry" :[ {"changes":[{ "value":{"messages":[{"type":"text","text":{"body":'
        b'"\\u0634\\u0646\\u0627\\u062e\\u062a\\u06cc \\u06a9\\u0627\\u0631\\u0688 \\/ CNIC"},'
        b'"timestamp":"1732600000","id":"wamid.RAW","from":"923001234567"}],'
        b'"metadata":{"phone_number_id":"1098765"}} , "field":"messages"}]}],'
        b'\n\t"object":"whatsapp_business_account"}'
    )
    reencoded = json.dumps(json.loads(body)).encode()
    assert reencoded != body and sign(reencoded) != sign(body)  # the trap is real
    r = wa_harness.post_raw(body, signature=sign(body))
    assert r.status_code == 200
    assert [c[0] for c in wa_harness.pipeline.calls] == ["شناختی کارڈ / CNIC"]
    assert wa_harness.post_raw(body, signature=sign(reencoded)).status_code == 403


def test_uppercase_hex_signature_accepted(wa_harness: Harness) -> None:
    body = json.dumps(text_payload("hi")).encode()
    assert wa_harness.post_raw(body, signature="sha256=" + sign(body)[7:].upper()).status_code == 200


# -- idempotency -------------------------------------------------------------------------------------
def test_ten_replays_produce_one_reply(wa_harness: Harness) -> None:
    body = json.dumps(text_payload("How do I get a CNIC?", message_id="wamid.REPLAY")).encode()
    for _ in range(10):
        assert wa_harness.post_raw(body).status_code == 200
    assert len(wa_harness.pipeline.calls) == 1
    assert len(wa_harness.outbox.requests) == 1
    assert [m.role for m in wa_harness.storage.messages()] == ["citizen", "bot"]


def test_replay_after_restart_with_fake_storage_produces_one_reply() -> None:
    storage, outbox = FakeStorage(), Outbox()  # the storage object stands for the persisted database
    body = json.dumps(text_payload("hello", message_id="wamid.RESTART")).encode()
    for _ in range(2):  # two app lifetimes
        app = build_app(wa_config(), storage, FakePipeline(), outbox)
        with TestClient(app) as client:
            for _ in range(3):
                client.post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body)})
    assert len(outbox.requests) == 1


def test_replay_after_restart_on_real_sqlite_storage(tmp_path: Any) -> None:
    storage_mod = pytest.importorskip("api.storage", reason="api.storage is not written yet")
    url = f"sqlite:///{tmp_path / 'rahnuma.db'}"
    outbox = Outbox()
    body = json.dumps(text_payload("How do I get a CNIC?", message_id="wamid.SQLITE")).encode()
    pipelines = []
    for _ in range(2):  # a restart: new Storage, new app, same SQLite file
        storage = storage_mod.Storage(url)
        storage.create_schema()
        pipeline = FakePipeline()
        pipelines.append(pipeline)
        app = build_app(wa_config(), storage, pipeline, outbox)
        with TestClient(app) as client:
            for _ in range(10):
                r = client.post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body)})
                assert r.status_code == 200
        app.state.whatsapp_client.close()
    assert [len(p.calls) for p in pipelines] == [1, 0]
    assert len(outbox.requests) == 1
    session_id = storage.session_by_user("whatsapp", CITIZEN)
    record = storage.get_session(session_id)
    assert [m.role for m in record.messages] == ["citizen", "bot"]
    assert storage.last_inbound_at(session_id) is not None
    assert storage.verify_audit() == (True, 1)


def test_handoff_flow_on_real_sqlite_storage(tmp_path: Any) -> None:
    storage_mod = pytest.importorskip("api.storage", reason="api.storage is not written yet")
    storage = storage_mod.Storage(f"sqlite:///{tmp_path / 'rahnuma.db'}")
    storage.create_schema()
    outbox = Outbox()
    app = build_app(wa_config(), storage, FakePipeline(language="ur"), outbox)
    press = message_payload({"from": CITIZEN, "id": "wamid.H1", "timestamp": "1", "type": "interactive",
                             "interactive": {"type": "button_reply",
                                             "button_reply": {"id": "human", "title": "انسان سے بات کریں"}}})
    with TestClient(app) as client:
        for payload in (press, text_payload("koi hai?", "wamid.H2"), text_payload("jaldi", "wamid.H3")):
            body = json.dumps(payload).encode()
            r = client.post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body)})
            assert r.status_code == 200
    session_id = storage.session_by_user("whatsapp", CITIZEN)
    handoff = storage.open_handoff_for(session_id)
    assert handoff is not None and handoff.reason == "user_requested" and handoff.channel == "whatsapp"
    roles = [m.role for m in storage.get_session(session_id).messages]
    assert roles == ["citizen", "bot", "citizen", "bot", "citizen"]  # one acknowledgement only
    assert [p["type"] for p in outbox.payloads] == ["text", "text"]
    wa_client = app.state.whatsapp_client
    now = datetime.now(UTC)
    assert send_agent_reply(storage, wa_client, session_id, "Assalam o alaikum", now) == "text"
    assert send_agent_reply(storage, wa_client, session_id, "Later", now + timedelta(days=2)) == "template"
    assert outbox.payloads[-1]["template"]["components"][0]["parameters"][0]["text"] == "Later"
    wa_client.close()


# -- malformed payloads ------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    b"not json at all",
    b"\xff\xfe\x00garbage",
    b"",
    b"[1, 2, 3]",
    b'"a string"',
    b"{}",
    b'{"object": "whatsapp_business_account"}',
    b'{"entry": "nope"}',
    b'{"entry": [null, 1, {"changes": "x"},'
    b' {"changes": [null, {"value": []}, {"value": {"messages": "x"}}]}]}',
    b'{"entry": [{"changes": [{"value": {"messages":'
    b' [null, 5, {"id": 1}, {"from": "92300", "type": "text"}]}}]}]}',
    b'{"entry": [{"changes": [{"value": {"messages": [{"id": ["x"], "from": {}, "type": "text"}]}}]}]}',
    b"[" * 100_000 + b"]" * 100_000,
], ids=["text", "bad-utf8", "empty", "list", "string", "empty-object", "no-entry", "entry-str",
        "junk-shapes", "missing-fields", "wrong-types", "deep-nesting"])
def test_malformed_bodies_are_acknowledged_and_ignored(wa_harness: Harness, body: bytes) -> None:
    r = wa_harness.post_raw(body)
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert wa_harness.pipeline.calls == [] and wa_harness.outbox.requests == []


def test_statuses_only_callback_is_acknowledged(wa_harness: Harness) -> None:
    payload = message_payload()
    value = payload["entry"][0]["changes"][0]["value"]
    del value["messages"]
    value["statuses"] = [{"id": "wamid.out1", "status": "delivered", "timestamp": "1732600001",
                          "recipient_id": CITIZEN}]
    assert wa_harness.post(payload).status_code == 200
    assert wa_harness.pipeline.calls == [] and wa_harness.outbox.requests == []


def test_text_message_without_body_gets_the_text_please_reply(wa_harness: Harness) -> None:
    payload = message_payload({"from": CITIZEN, "id": "wamid.NOBODY", "timestamp": "1", "type": "text",
                               "text": "not an object"})
    assert wa_harness.post(payload).status_code == 200
    assert wa_harness.pipeline.calls == []
    [sent] = wa_harness.outbox.payloads
    assert sent["type"] == "text" and "Please type your question" in sent["text"]["body"]


def test_image_message_gets_a_polite_text_request(wa_harness: Harness) -> None:
    payload = message_payload({"from": CITIZEN, "id": "wamid.IMG", "timestamp": "1", "type": "image",
                               "image": {"id": "media1", "mime_type": "image/jpeg"}})
    assert wa_harness.post(payload).status_code == 200
    assert wa_harness.pipeline.calls == []
    [sent] = wa_harness.outbox.payloads
    assert sent["type"] == "text" and sent["to"] == CITIZEN
    body = sent["text"]["body"]
    assert "براہ کرم اپنا سوال لکھ کر بھیجیں" in body and "Please type your question" in body
    assert [(m.role, m.text) for m in wa_harness.storage.messages()][0] == ("citizen", "[image]")


def test_pipeline_crash_is_logged_and_apologised_for(wa_harness: Harness) -> None:
    wa_harness.pipeline.fail = RuntimeError("index missing")
    assert wa_harness.post(text_payload("hello")).status_code == 200
    [sent] = wa_harness.outbox.payloads
    assert "something went wrong" in sent["text"]["body"]


def test_outbound_failure_never_reaches_the_webhook_response() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": "bad"}})

    config = wa_config()
    app = build_app(config, FakeStorage(), FakePipeline(), Outbox())
    app.state.whatsapp_client = WhatsAppClient(config.whatsapp, transport=httpx.MockTransport(refuse))
    body = json.dumps(text_payload("hello")).encode()
    r = TestClient(app).post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body)})
    assert r.status_code == 200


def test_message_over_the_length_limit_is_not_sent_to_the_pipeline(wa_harness: Harness) -> None:
    assert wa_harness.post(text_payload("x" * 2001)).status_code == 200
    assert wa_harness.pipeline.calls == []
    [sent] = wa_harness.outbox.payloads
    assert "2000" in sent["text"]["body"]


# -- processing: answers, buttons, handoffs ----------------------------------------------------------
def test_answer_carries_sources_and_a_talk_to_a_person_button(wa_harness: Harness) -> None:
    wa_harness.post(text_payload("How do I get a CNIC?"))
    [sent] = wa_harness.outbox.payloads
    inter = sent["interactive"]
    assert sent["messaging_product"] == "whatsapp" and inter["type"] == "button"
    assert inter["body"]["text"].startswith("Apply at a NADRA centre")
    assert "https://www.nadra.gov.pk/cnic" in inter["body"]["text"]
    assert inter["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "human", "title": "Talk to a person"}}]
    citizen, bot = wa_harness.storage.messages()
    assert (citizen.role, citizen.text, citizen.language) == ("citizen", "How do I get a CNIC?", "en")
    assert (bot.role, bot.outcome, bot.language) == ("bot", "answered", "en")
    assert bot.citations and bot.citations[0]["doc_id"] == "nadra-cnic-en"
    assert wa_harness.storage.handoffs == {}
    [(event, data)] = wa_harness.storage.audit
    assert event == "turn" and data["channel"] == "whatsapp" and data["message_id"] == bot.message_id
    assert data["outcome"] == "answered" and data["citations"] == ["nadra-cnic-en"]


@pytest.mark.parametrize("language,title", [
    ("ur", "انسان سے بات کریں"), ("en", "Talk to a person"), ("ur-Latn", "Insaan se baat karen"),
])
def test_button_title_follows_the_reply_language(language: str, title: str) -> None:
    outbox = Outbox()
    app = build_app(wa_config(), FakeStorage(), FakePipeline(language=language), outbox)
    body = json.dumps(text_payload("cnic")).encode()
    TestClient(app).post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body)})
    [sent] = outbox.payloads
    assert sent["interactive"]["action"]["buttons"][0]["reply"]["title"] == title


def test_button_titles_fit_whatsapps_20_character_limit() -> None:
    assert all(len(t) <= MAX_BUTTON_TITLE_CHARS for t in HUMAN_BUTTON_TITLES.values())
    payload = buttons_payload(CITIZEN, "body", [("human", "A title that is far too long")])
    assert len(payload["interactive"]["action"]["buttons"][0]["reply"]["title"]) == MAX_BUTTON_TITLE_CHARS


def test_long_answer_goes_as_text_then_a_short_button_prompt() -> None:
    outbox = Outbox()
    pipeline = FakePipeline(answer="لمبا جواب " * 150, language="ur")
    app = build_app(wa_config(), FakeStorage(), pipeline, outbox)
    body = json.dumps(text_payload("cnic")).encode()
    TestClient(app).post(WEBHOOK, content=body, headers={"X-Hub-Signature-256": sign(body)})
    text, prompt = outbox.payloads
    assert text["type"] == "text" and len(text["text"]["body"]) > MAX_INTERACTIVE_BODY_CHARS
    assert prompt["type"] == "interactive" and prompt["interactive"]["body"]["text"] == "مزید مدد چاہیے؟"


def test_human_button_hands_off_and_later_messages_wait_for_the_agent(wa_harness: Harness) -> None:
    press = message_payload({"from": CITIZEN, "id": "wamid.BTN", "timestamp": "2", "type": "interactive",
                             "interactive": {"type": "button_reply",
                                             "button_reply": {"id": "human", "title": "Talk to a person"}}})
    assert wa_harness.post(press).status_code == 200
    assert [c[0] for c in wa_harness.pipeline.calls] == ["talk to a person"]
    [handoff] = wa_harness.storage.handoffs.values()
    assert handoff.reason == "user_requested" and handoff.suggested_answer == "(none)"
    [sent] = wa_harness.outbox.payloads
    assert sent["type"] == "text" and "connecting you to a person" in sent["text"]["body"]
    bot_msg = wa_harness.storage.messages("bot")[0]
    assert handoff.message_id == bot_msg.message_id and bot_msg.handoff_reason == "user_requested"

    # While the handoff is open: stored for the agent, no bot, one acknowledgement at most.
    wa_harness.post(text_payload("are you there?", message_id="wamid.W1"))
    wa_harness.post(text_payload("hello??", message_id="wamid.W2"))
    assert len(wa_harness.pipeline.calls) == 1
    assert [m.text for m in wa_harness.storage.messages("citizen")][-2:] == ["are you there?", "hello??"]
    assert len(wa_harness.outbox.payloads) == 2
    assert "An agent will reply" in wa_harness.outbox.payloads[1]["text"]["body"]


def test_other_buttons_send_their_title_to_the_pipeline(wa_harness: Harness) -> None:
    press = message_payload({"from": CITIZEN, "id": "wamid.B2", "timestamp": "2", "type": "interactive",
                             "interactive": {"type": "button_reply",
                                             "button_reply": {"id": "svc-1", "title": "Passport"}}})
    wa_harness.post(press)
    assert [c[0] for c in wa_harness.pipeline.calls] == ["Passport"]


def test_same_citizen_keeps_one_session(wa_harness: Harness) -> None:
    wa_harness.post(text_payload("one", message_id="wamid.A"))
    wa_harness.post(text_payload("two", message_id="wamid.B"))
    wa_harness.post(text_payload("three", message_id="wamid.C", sender="923009999999"))
    sessions = [c[1] for c in wa_harness.pipeline.calls]
    assert sessions[0] == sessions[1] != sessions[2]
    assert wa_harness.storage.get_session(sessions[0]).user_ref == CITIZEN


def test_several_messages_in_one_delivery_are_all_processed(wa_harness: Harness) -> None:
    payload = message_payload(
        {"from": CITIZEN, "id": "wamid.M1", "timestamp": "1", "type": "text", "text": {"body": "first"}},
        {"from": CITIZEN, "id": "wamid.M2", "timestamp": "2", "type": "sticker", "sticker": {}},
        {"from": CITIZEN, "id": "wamid.M3", "timestamp": "3", "type": "text", "text": {"body": "third"}},
    )
    wa_harness.post(payload)
    assert [c[0] for c in wa_harness.pipeline.calls] == ["first", "third"]
    assert len(wa_harness.outbox.requests) == 3


# -- parsing -----------------------------------------------------------------------------------------
def test_parse_payload_reads_the_standard_fields() -> None:
    parsed = parse_payload(message_payload(
        {"from": CITIZEN, "id": "wamid.P", "timestamp": "1732600000", "type": "text",
         "text": {"body": " hi "}},
    ))
    [msg] = parsed.messages
    assert (msg.message_id, msg.sender, msg.kind, msg.text, msg.timestamp, msg.phone_number_id) == (
        "wamid.P", CITIZEN, "text", " hi ", "1732600000", PHONE_NUMBER_ID)
    assert parsed.skipped == 0


# -- outbound client against a local HTTP server -----------------------------------------------------
class ScriptedServer:
    """A tiny HTTP server on 127.0.0.1 answering POSTs with scripted status codes."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.calls: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                outer.calls.append((self.path, dict(self.headers), body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                data = json.dumps({"messages": [{"id": "wamid.SENT"}]} if status == 200
                                  else {"error": {"message": f"status {status}"}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v21.0"


@pytest.fixture
def scripted_server() -> Iterator[Callable[[list[int]], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(statuses: list[int]) -> ScriptedServer:
        server = ScriptedServer(statuses)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()


def local_client(base_url: str, sleeps: list[float], **overrides: Any) -> WhatsAppClient:
    values: dict[str, Any] = {"api_base_url": base_url, "max_retries": 4, "backoff_seconds": 0.25}
    values.update(overrides)
    return WhatsAppClient(wa_config(**values).whatsapp, timeout=5.0, sleep=sleeps.append)


def test_client_retries_5xx_with_exponential_backoff(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = scripted_server([500, 500, 200])
    sleeps: list[float] = []
    with local_client(server.base_url, sleeps) as client:
        assert client.send_text(CITIZEN, "hello") == "wamid.SENT"
    assert len(server.calls) == 3
    assert sleeps == [0.25, 0.5]
    path, headers, body = server.calls[-1]
    assert path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert headers["Authorization"] == "Bearer test-access-token"
    assert body == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": CITIZEN,
                    "type": "text", "text": {"body": "hello", "preview_url": False}}


def test_client_retries_429(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = scripted_server([429, 200])
    with local_client(server.base_url, []) as client:
        client.send_text(CITIZEN, "hello")
    assert len(server.calls) == 2


def test_client_does_not_retry_400(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = scripted_server([400, 200])
    sleeps: list[float] = []
    with local_client(server.base_url, sleeps) as client, pytest.raises(WhatsAppSendError) as err:
        client.send_text(CITIZEN, "hello")
    assert len(server.calls) == 1 and sleeps == []
    assert err.value.status_code == 400 and "not retried" in str(err.value)


def test_client_gives_up_after_max_retries(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = scripted_server([503] * 10)
    with local_client(server.base_url, [], max_retries=2) as client, pytest.raises(WhatsAppSendError) as err:
        client.send_text(CITIZEN, "hello")
    assert len(server.calls) == 3
    assert err.value.status_code == 503 and "after 3 attempts" in str(err.value)


def test_client_retries_network_errors() -> None:
    with socket.socket() as s:  # a loopback port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps: list[float] = []
    with local_client(f"http://127.0.0.1:{port}", sleeps, max_retries=2) as client:
        with pytest.raises(WhatsAppSendError, match="network error"):
            client.send_text(CITIZEN, "hello")
    assert sleeps == [0.25, 0.5]


def test_client_message_kinds(scripted_server: Callable[..., ScriptedServer]) -> None:
    server = scripted_server([])
    with local_client(server.base_url, [], template_name="agent_reply", template_language="ur") as client:
        client.send_text(CITIZEN, "x" * 5000)
        client.send_buttons(CITIZEN, "Answer", [("human", "Talk to a person")])
        client.send_template(CITIZEN, "Line one\nline\ttwo      spaced")
    text, buttons, template = (c[2] for c in server.calls)
    assert len(text["text"]["body"]) == MAX_TEXT_CHARS
    reply_button = buttons["interactive"]["action"]["buttons"][0]["reply"]
    assert reply_button == {"id": "human", "title": "Talk to a person"}
    assert template["type"] == "template"
    assert template["template"]["name"] == "agent_reply"
    assert template["template"]["language"] == {"code": "ur"}
    assert template["template"]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": "Line one line two spaced"}]}]


def test_client_names_missing_config() -> None:
    with WhatsAppClient(WhatsAppConfig(access_token="t")) as client:
        with pytest.raises(ConfigError, match="phone_number_id"):
            client.send_text(CITIZEN, "hi")
    with WhatsAppClient(WhatsAppConfig(phone_number_id="1")) as client:
        with pytest.raises(ConfigError, match="access_token"):
            client.send_text(CITIZEN, "hi")


# -- agent replies and the 24-hour window ------------------------------------------------------------
NOW = datetime(2025, 11, 26, 12, 0, tzinfo=UTC)


def whatsapp_session(storage: FakeStorage, last_inbound: datetime | None) -> str:
    sid = storage.ensure_session(None, "whatsapp", user_ref=CITIZEN)
    if last_inbound is not None:
        storage.clock = lambda: last_inbound
        storage.add_message(sid, "citizen", "help")
    return sid


@pytest.mark.parametrize("last_inbound,kind", [
    (NOW - timedelta(minutes=5), "text"),
    (NOW - timedelta(hours=23, minutes=59), "text"),
    (NOW - timedelta(hours=24), "template"),
    (NOW - timedelta(hours=30), "template"),
    (None, "template"),
])
def test_agent_reply_respects_the_24_hour_window(last_inbound: datetime | None, kind: str) -> None:
    storage, outbox = FakeStorage(), Outbox()
    sid = whatsapp_session(storage, last_inbound)
    client = WhatsAppClient(wa_config().whatsapp, transport=httpx.MockTransport(outbox))
    assert send_agent_reply(storage, client, sid, "Your form is ready.", NOW) == kind
    [sent] = outbox.payloads
    assert sent["type"] == kind and sent["to"] == CITIZEN
    if kind == "text":
        assert sent["text"]["body"] == "Your form is ready."
    else:
        assert sent["template"]["name"] == "agent_reply"
        assert sent["template"]["components"][0]["parameters"][0]["text"] == "Your form is ready."


def test_agent_reply_refuses_non_whatsapp_sessions() -> None:
    storage, outbox = FakeStorage(), Outbox()
    sid = storage.ensure_session(None, "web")
    client = WhatsAppClient(wa_config().whatsapp, transport=httpx.MockTransport(outbox))
    with pytest.raises(InputError, match="channel 'web'"):
        send_agent_reply(storage, client, sid, "hi", NOW)
    with pytest.raises(InputError, match="No session"):
        send_agent_reply(storage, client, "missing", "hi", NOW)
    assert outbox.requests == []
