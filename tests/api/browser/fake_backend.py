"""A fake Rahnuma API for the browser tests: the contract endpoints with canned answers, in memory.

It serves the real static files the way the real app does (``/`` -> index.html, ``/agent`` ->
agent.html, ``/static`` -> api/static/) so the pages under test are the shipped ones; only the
answers are canned. Response shapes follow /tmp/api_contract.md and ``api.schemas``.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

STATIC_DIR = Path(__file__).resolve().parents[3] / "api" / "static"
STAFF_TOKEN = "test-staff-token"
STAFF_ID = "staff-agent-1"
MAX_MESSAGE_CHARS = 1000

_ARABIC = range(0x0600, 0x0700)
_ROMAN_URDU_WORDS = {
    "hai",
    "hain",
    "karni",
    "karna",
    "kaise",
    "kya",
    "mujhe",
    "se",
    "baat",
    "insaan",
    "ki",
    "ka",
}
_HANDOFF_WORDS = ("insaan", "person", "human", "انسان", "نمائندے")
_EMERGENCY_WORDS = ("emergency", "accident", "ایمرجنسی", "حادثہ")
_LICENCE_WORDS = ("licence", "license", "لائسنس")

CITATION_UR = {
    "doc_id": "nadra-cnic-renewal-ur",
    "service_id": "nadra.cnic_renewal",
    "department": "نادرا",
    "title": "شناختی کارڈ کی تجدید",
    "section": "طریقۂ کار",
    "url": "https://www.nadra.gov.pk/",
    "lang": "ur",
    "snippet": "شناختی کارڈ کی میعاد ختم ہونے پر قریبی نادرا مرکز سے تجدید کروائیں۔",
    "last_verified": "2025-01-15",
}
CITATION_EN = {
    "doc_id": "nadra-cnic-renewal-en",
    "service_id": "nadra.cnic_renewal",
    "department": "NADRA",
    "title": "CNIC renewal",
    "section": "How to apply",
    "url": "https://www.nadra.gov.pk/",
    "lang": "en",
    "snippet": "Renew an expired CNIC at any NADRA Registration Centre or through the Pak ID app.",
    "last_verified": "2025-01-15",
}

ANSWER_UR = (
    "شناختی کارڈ کی تجدید کے لیے:\n"
    "1. قریبی نادرا مرکز جائیں یا Pak ID ایپ استعمال کریں۔\n"
    "2. پرانا شناختی کارڈ ساتھ رکھیں۔\n"
    "3. فیس ادا کریں اور تصویر بنوائیں۔\n"
    "\n"
    "نیا کارڈ عام طور پر پندرہ دن میں مل جاتا ہے۔"
)
ANSWER_EN = (
    "To renew your CNIC:\n"
    "1. Visit a NADRA Registration Centre or use the Pak ID app.\n"
    "2. Bring your old CNIC.\n"
    "3. Pay the fee and have your photo taken.\n"
    "\n"
    "The new card usually arrives within fifteen days."
)
HANDOFF_ANSWERS = {
    "ur": "ٹھیک ہے، میں آپ کو ایک نمائندے سے ملا رہا ہوں۔ تھوڑا انتظار کریں۔",
    "ur-Latn": "Theek hai, main aap ko ek numainday se mila raha hoon. Thora intezar karein.",
    "en": "Okay, I am connecting you to a person. Please wait a moment.",
}
EMERGENCY_ANSWERS = {
    "ur": "یہ ہنگامی صورتحال لگتی ہے۔ فوراً 1122 (ریسکیو) یا 15 (پولیس) پر کال کریں۔",
    "ur-Latn": "Yeh emergency lagti hai. Foran 1122 (Rescue) ya 15 (Police) par call karein.",
    "en": "This sounds like an emergency. Call 1122 (Rescue) or 15 (Police) now.",
}
CLARIFY = {
    "ur": ("آپ کس لائسنس کے بارے میں پوچھ رہے ہیں؟", ["ڈرائیونگ لائسنس کی تجدید", "لرنر پرمٹ"]),
    "ur-Latn": (
        "Aap kis licence ke baare mein pooch rahe hain?",
        ["Driving licence renewal", "Learner permit"],
    ),
    "en": ("Which licence do you mean?", ["Driving licence renewal", "Learner permit"]),
}
SEARCH_HITS = [
    {
        **{k: CITATION_UR[k] for k in ("doc_id", "service_id", "title", "section", "lang", "url", "snippet")},
        "score": 0.91,
    },
    {
        **{k: CITATION_EN[k] for k in ("doc_id", "service_id", "title", "section", "lang", "url", "snippet")},
        "score": 0.87,
    },
]


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str
    session_id: str | None = None
    channel: str = "web"


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message_id: str
    helpful: bool
    comment: str | None = None


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


def detect_language(text: str) -> str:
    """'ur' for Arabic script, 'ur-Latn' for Latin text with Roman-Urdu words, else 'en'."""
    if any(ord(ch) in _ARABIC for ch in text):
        return "ur"
    words = {w.strip("?.!,").lower() for w in text.split()}
    return "ur-Latn" if words & _ROMAN_URDU_WORDS else "en"


def _contains(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


class FakeStore:
    """Sessions, handoffs and feedback in memory, guarded by one lock (uvicorn runs in a thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.handoffs: dict[str, dict[str, Any]] = {}
        self.feedback: list[dict[str, Any]] = []

    def message(
        self, session: dict[str, Any], role: str, text: str, language: str | None, **extra: Any
    ) -> dict[str, Any]:
        record = {
            "message_id": _new_id(),
            "role": role,
            "text": text,
            "language": language,
            "created_at": _now().isoformat(),
            "outcome": None,
            "handoff_reason": None,
            "citations": [],
            **extra,
        }
        session["messages"].append(record)
        return record

    def session(self, session_id: str | None, language: str) -> dict[str, Any]:
        if session_id and session_id in self.sessions:
            return self.sessions[session_id]
        sid = session_id or _new_id()
        self.sessions[sid] = {
            "session_id": sid,
            "channel": "web",
            "language": language,
            "status": "active",
            "messages": [],
        }
        return self.sessions[sid]

    def open_handoff(
        self,
        session: dict[str, Any],
        reason: str,
        language: str,
        suggested: str,
        sources: list[dict[str, Any]],
    ) -> None:
        for handoff in self.handoffs.values():
            if handoff["session_id"] == session["session_id"] and handoff["status"] in ("open", "claimed"):
                return
        hid = _new_id()
        self.handoffs[hid] = {
            "handoff_id": hid,
            "session_id": session["session_id"],
            "status": "open",
            "reason": reason,
            "language": language,
            "created": _now(),
            "claimed_by": None,
            "channel": session["channel"],
            "suggested_answer": suggested,
            "sources": sources,
        }
        session["status"] = "handoff"

    def public_handoff(self, handoff: dict[str, Any], transcript: bool = False) -> dict[str, Any]:
        session = self.sessions[handoff["session_id"]]
        citizen = [m for m in session["messages"] if m["role"] == "citizen"]
        data = {k: v for k, v in handoff.items() if k != "created"}
        data["created_at"] = handoff["created"].isoformat()
        data["waiting_seconds"] = max(0.0, (_now() - handoff["created"]).total_seconds())
        data["last_message"] = citizen[-1]["text"] if citizen else ""
        if transcript:
            data["transcript"] = [dict(m) for m in session["messages"]]
        return data


def _answer(message: str, language: str) -> dict[str, Any]:
    """The canned pipeline: emergency, handoff on request, clarify for 'licence', else the CNIC answer."""
    base: dict[str, Any] = {
        "outcome": "answered",
        "handoff": False,
        "handoff_reason": None,
        "options": [],
        "citations": [],
        "confidence": 0.9,
        "service_id": None,
        "section": None,
    }
    if _contains(message, _EMERGENCY_WORDS):
        return {
            **base,
            "outcome": "handoff",
            "handoff": True,
            "handoff_reason": "emergency",
            "answer": EMERGENCY_ANSWERS[language],
            "confidence": 1.0,
        }
    if _contains(message, _HANDOFF_WORDS):
        return {
            **base,
            "outcome": "handoff",
            "handoff": True,
            "handoff_reason": "user_requested",
            "answer": HANDOFF_ANSWERS[language],
            "confidence": 1.0,
        }
    if _contains(message, _LICENCE_WORDS):
        question, options = CLARIFY[language]
        return {**base, "outcome": "clarify", "answer": question, "options": options, "confidence": 0.5}
    urdu = language == "ur"
    return {
        **base,
        "answer": ANSWER_UR if urdu else ANSWER_EN,
        "citations": [CITATION_UR if urdu else CITATION_EN],
        "service_id": "nadra.cnic_renewal",
        "section": "how_to_apply",
    }


def create_app(static_dir: Path = STATIC_DIR, store: FakeStore | None = None):  # noqa: C901 - one route table
    """Build the fake app; ``app.state.store`` is the in-memory store (tests may inspect it)."""
    from fastapi import Depends, FastAPI, Header, HTTPException
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    store = store or FakeStore()
    app = FastAPI(title="Rahnuma fake API (browser tests)")
    app.state.store = store

    def staff(authorization: str | None = Header(default=None)) -> str:
        if authorization != f"Bearer {STAFF_TOKEN}":
            raise HTTPException(
                401,
                "missing or invalid staff token; send 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return STAFF_ID

    def handoff_or_404(handoff_id: str) -> dict[str, Any]:
        handoff = store.handoffs.get(handoff_id)
        if handoff is None:
            raise HTTPException(404, f"handoff {handoff_id!r} does not exist")
        return handoff

    @app.post("/v1/chat")
    def chat(body: ChatIn) -> dict[str, Any]:
        message = body.message.strip()
        if not message:
            raise HTTPException(422, "message is empty; type a question")
        if len(body.message) > MAX_MESSAGE_CHARS:
            raise HTTPException(
                422, f"message has {len(body.message)} characters; the limit is {MAX_MESSAGE_CHARS}"
            )
        language = detect_language(message)
        reply = _answer(message, language)
        with store.lock:
            session = store.session(body.session_id, language)
            store.message(session, "citizen", message, language)
            bot = store.message(
                session,
                "bot",
                reply["answer"],
                language,
                outcome=reply["outcome"],
                handoff_reason=reply["handoff_reason"],
                citations=reply["citations"],
            )
            if reply["handoff"]:
                suggested = ANSWER_UR if language == "ur" else ANSWER_EN
                sources = [CITATION_UR if language == "ur" else CITATION_EN]
                store.open_handoff(session, reply["handoff_reason"], language, suggested, sources)
        return {
            "session_id": session["session_id"],
            "message_id": bot["message_id"],
            "language": language,
            "detected_language": language,
            **reply,
        }

    @app.get("/v1/sessions/{session_id}")
    def get_session(session_id: str) -> dict[str, Any]:
        with store.lock:
            session = store.sessions.get(session_id)
            if session is None:
                raise HTTPException(404, f"session {session_id!r} does not exist")
            return {**session, "messages": [dict(m) for m in session["messages"]]}

    @app.post("/v1/feedback", status_code=201)
    def feedback(body: FeedbackIn) -> dict[str, str]:
        with store.lock:
            known = any(
                m["message_id"] == body.message_id for s in store.sessions.values() for m in s["messages"]
            )
            if not known:
                raise HTTPException(404, f"message {body.message_id!r} does not exist")
            feedback_id = _new_id()
            store.feedback.append({"feedback_id": feedback_id, **body.model_dump()})
        return {"feedback_id": feedback_id}

    @app.get("/v1/handoffs")
    def list_handoffs(
        status: str | None = None, language: str | None = None, _staff: str = Depends(staff)
    ) -> list[dict[str, Any]]:
        if status is not None and status not in ("open", "claimed", "resolved"):
            raise HTTPException(422, f"status {status!r} is not one of open, claimed, resolved")
        with store.lock:
            rows = [
                h
                for h in store.handoffs.values()
                if (status is None or h["status"] == status)
                and (language is None or h["language"] == language)
            ]
            rows.sort(key=lambda h: h["created"])
            return [store.public_handoff(h) for h in rows]

    @app.get("/v1/handoffs/{handoff_id}")
    def get_handoff(handoff_id: str, _staff: str = Depends(staff)) -> dict[str, Any]:
        with store.lock:
            return store.public_handoff(handoff_or_404(handoff_id), transcript=True)

    @app.post("/v1/handoffs/{handoff_id}/claim")
    def claim(handoff_id: str, staff_id: str = Depends(staff)) -> dict[str, Any]:
        with store.lock:
            handoff = handoff_or_404(handoff_id)
            if handoff["status"] == "resolved" or handoff["claimed_by"] not in (None, staff_id):
                raise HTTPException(
                    409, f"handoff {handoff_id} is {handoff['status']} by {handoff['claimed_by']}"
                )
            handoff.update(status="claimed", claimed_by=staff_id)
            return store.public_handoff(handoff)

    @app.post("/v1/handoffs/{handoff_id}/reply")
    def reply(handoff_id: str, body: ReplyIn, _staff: str = Depends(staff)) -> dict[str, Any]:
        if not body.text.strip():
            raise HTTPException(422, "reply text is empty")
        with store.lock:
            handoff = handoff_or_404(handoff_id)
            session = store.sessions[handoff["session_id"]]
            language = detect_language(body.text)
            message = store.message(session, "agent", body.text, language)
            return {"message_id": message["message_id"], "delivered": True, "delivery": "stored"}

    @app.post("/v1/handoffs/{handoff_id}/resolve")
    def resolve(handoff_id: str, _staff: str = Depends(staff)) -> dict[str, Any]:
        with store.lock:
            handoff = handoff_or_404(handoff_id)
            handoff["status"] = "resolved"
            store.sessions[handoff["session_id"]]["status"] = "active"
            return store.public_handoff(handoff)

    @app.get("/v1/search")
    def search(q: str = "", _staff: str = Depends(staff)) -> list[dict[str, Any]]:
        if not q.strip():
            raise HTTPException(422, "q is empty; pass ?q=words")
        return [dict(hit) for hit in SEARCH_HITS]

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static_dir / "index.html", media_type="text/html")

    @app.get("/agent", include_in_schema=False)
    def agent() -> FileResponse:
        return FileResponse(static_dir / "agent.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    return app
