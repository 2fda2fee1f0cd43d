"""Request (``*In``) and response (``*Public``) models. Inputs are strict; outputs document the contract."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["answered", "handoff", "clarify", "smalltalk"]
Reason = Literal[
    "low_confidence",
    "out_of_scope",
    "personal_case",
    "user_requested",
    "unsupported_language",
    "sensitive",
    "emergency",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChatIn(_In):
    message: str = Field(
        ..., description="The citizen's message, in any script.", examples=["passport ki fee kitni hai?"]
    )
    session_id: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Omit on the first message; send back the one returned.",
    )
    channel: Literal["web", "api"] = "web"


class CitationPublic(BaseModel):
    doc_id: str
    service_id: str
    department: str
    title: str
    section: str
    url: str
    lang: str
    snippet: str
    last_verified: str = ""


class ChatPublic(BaseModel):
    session_id: str
    message_id: str
    outcome: Outcome
    handoff: bool
    handoff_reason: Reason | None
    language: Literal["ur", "en", "ur-Latn"]
    detected_language: str
    answer: str
    confidence: float = Field(..., ge=0, le=1)
    service_id: str | None
    section: str | None
    options: list[str]
    candidates: list[str] = Field(default_factory=list, description="Top services retrieval ranked, best first.")
    citations: list[CitationPublic]


class ErrorPublic(BaseModel):
    detail: str


class FeedbackIn(_In):
    message_id: str = Field(..., min_length=1, max_length=64)
    helpful: bool
    comment: str | None = Field(None, max_length=2000)


class FeedbackPublic(BaseModel):
    feedback_id: str


class MessagePublic(BaseModel):
    message_id: str
    role: Literal["citizen", "bot", "agent"]
    text: str
    language: str | None = None
    created_at: str
    outcome: str | None = None
    handoff_reason: str | None = None
    citations: list[CitationPublic] = []


class SessionPublic(BaseModel):
    session_id: str
    channel: str
    language: str | None
    status: str
    messages: list[MessagePublic]


class ServicePublic(BaseModel):
    service_id: str
    department: str
    title_en: str
    title_ur: str
    url: str


class SectionPublic(BaseModel):
    key: str
    title: str
    text: str


class SourcePublic(BaseModel):
    doc_id: str
    service_id: str
    lang: str
    title: str
    url: str
    last_verified: str
    sections: list[SectionPublic]


class HandoffPublic(BaseModel):
    handoff_id: str
    session_id: str
    status: Literal["open", "claimed", "resolved"]
    reason: str
    language: str | None
    created_at: str
    waiting_seconds: float
    claimed_by: str | None
    channel: str
    last_message: str
    suggested_answer: str
    sources: list[CitationPublic]


class HandoffDetailPublic(HandoffPublic):
    transcript: list[MessagePublic]


class ReplyIn(_In):
    text: str = Field(..., min_length=1, max_length=4000)


class ReplyPublic(BaseModel):
    message_id: str
    delivered: bool = True
    delivery: str = "stored"


class SearchHitPublic(BaseModel):
    doc_id: str
    service_id: str
    title: str
    section: str
    lang: str
    url: str
    snippet: str
    score: float


class ReindexPublic(BaseModel):
    status: Literal["started", "running", "done", "failed", "idle"]
    detail: str = ""
    index_version: str | None = None
