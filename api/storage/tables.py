"""SQLAlchemy 2 declarative models. The schema itself is created by the Alembic migrations in
``api/migrations``; ``tests/api/storage`` checks that the two agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

ID_LEN = 64  # ids are uuid4 hex (32) but callers may supply their own, up to 64 characters

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """``TIMESTAMP WITH TIME ZONE`` that always hands back tz-aware UTC datetimes.

    SQLite has no time zones, so values are stored there as naive UTC and re-tagged on the way out.
    Naive datetimes are refused on the way in: they are ambiguous.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a tz-aware one, e.g. datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[dict[str, Any]]: JSON()}


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index(None, "channel", "user_ref"),)

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    user_ref: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # the conversation's memory between turns (bot.session.SessionState as JSON), so a follow-up
    # resolves after a restart or on another worker
    state: Mapped[dict[str, Any] | None]


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (Index(None, "session_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(32))
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    citations: Mapped[list[dict[str, Any]] | None]
    created_at: Mapped[datetime]


class StaffRow(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex; never the token
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class HandoffRow(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        Index(None, "status", "language"),
        Index(None, "session_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    message_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    suggested_answer: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[dict[str, Any]]]
    claimed_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    claimed_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class FeedbackRow(Base):
    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class AuditRow(Base):
    """Hash-chained audit trail: ``hash = sha256(prev_hash + canonical JSON of the row)``."""

    __tablename__ = "audit"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(index=True)
    event: Mapped[str] = mapped_column(String(100), index=True)
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class InboundEventRow(Base):
    """Ids of inbound webhook events already handled (WhatsApp retries deliveries)."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


ALL_TABLES = ("sessions", "messages", "staff", "handoffs", "feedback", "audit", "inbound_events")
