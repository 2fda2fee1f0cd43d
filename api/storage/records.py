"""Plain, frozen records returned by :class:`api.storage.Storage` (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MESSAGE_ROLES = ("citizen", "bot", "agent")
HANDOFF_STATUSES = ("open", "claimed", "resolved")
STAFF_ROLES = ("agent", "admin")
SESSION_STATUSES = ("active", "handoff")


@dataclass(frozen=True, slots=True)
class MessageRecord:
    message_id: str
    session_id: str
    role: str
    text: str
    created_at: datetime
    language: str | None = None
    outcome: str | None = None
    handoff_reason: str | None = None
    citations: list[dict[str, Any]] | None = None

    def to_public(self) -> dict[str, Any]:
        """The message object of ``GET /v1/sessions/{id}``; optional keys only when set."""
        out: dict[str, Any] = {
            "message_id": self.message_id,
            "role": self.role,
            "text": self.text,
            "language": self.language,
            "created_at": self.created_at.isoformat(),
        }
        if self.outcome is not None:
            out["outcome"] = self.outcome
        if self.handoff_reason is not None:
            out["handoff_reason"] = self.handoff_reason
        if self.citations is not None:
            out["citations"] = self.citations
        return out


@dataclass(frozen=True, slots=True)
class SessionRecord:
    session_id: str
    channel: str
    status: str
    created_at: datetime
    updated_at: datetime
    user_ref: str | None = None
    language: str | None = None
    messages: list[MessageRecord] = field(default_factory=list)

    def to_public(self) -> dict[str, Any]:
        """The body of ``GET /v1/sessions/{id}`` (``user_ref`` is deliberately left out)."""
        return {
            "session_id": self.session_id,
            "channel": self.channel,
            "language": self.language,
            "status": self.status,
            "messages": [m.to_public() for m in self.messages],
        }


@dataclass(frozen=True, slots=True)
class HandoffRecord:
    handoff_id: str
    session_id: str
    status: str
    reason: str
    created_at: datetime
    channel: str
    message_id: str | None = None
    language: str | None = None
    suggested_answer: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    last_message: str | None = None  # text of the session's latest citizen message

    def waiting_seconds(self, now: datetime | None = None) -> float:
        """Seconds the citizen has waited: until claimed (or resolved), else until ``now``."""
        end = self.claimed_at or self.resolved_at or now or datetime.now(UTC)
        return max(0.0, (end - self.created_at).total_seconds())

    def to_public(self, now: datetime | None = None) -> dict[str, Any]:
        """The handoff object of ``GET /v1/handoffs`` (without ``transcript``)."""
        return {
            "handoff_id": self.handoff_id,
            "session_id": self.session_id,
            "status": self.status,
            "reason": self.reason,
            "language": self.language,
            "created_at": self.created_at.isoformat(),
            "waiting_seconds": round(self.waiting_seconds(now), 1),
            "claimed_by": self.claimed_by,
            "channel": self.channel,
            "last_message": self.last_message or "",
            "suggested_answer": self.suggested_answer,
            "sources": self.sources,
        }


@dataclass(frozen=True, slots=True)
class StaffRecord:
    staff_id: str
    name: str
    role: str
    created_at: datetime
    active: bool = True
