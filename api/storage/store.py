"""The persistence layer: one engine per :class:`Storage`, a short transaction per method.

SQLite (default; WAL journal, foreign keys on) or PostgreSQL through ``postgresql+psycopg://``.
Methods return frozen records from :mod:`api.storage.records`, never ORM objects, so one
``Storage`` can be shared by all of FastAPI's worker threads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Select, and_, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api.storage.engine import PG_LOCK_MIGRATE, alembic_config, make_engine, normalise_url
from api.storage.errors import Conflict, NotFound
from api.storage.records import (
    HANDOFF_STATUSES,
    MESSAGE_ROLES,
    STAFF_ROLES,
    HandoffRecord,
    MessageRecord,
    SessionRecord,
    StaffRecord,
)
from api.storage.tables import (
    AuditRow,
    FeedbackRow,
    HandoffRow,
    InboundEventRow,
    MessageRow,
    SessionRow,
    StaffRow,
)

GENESIS_HASH = "0" * 64
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# pg_advisory_xact_lock keys (any fixed bigint; these spell "RHNM" plus a counter).
_PG_LOCK_AUDIT = 0x52484E4D_0002
# One audit lock per database, shared by every Storage in this process on that database.
_AUDIT_LOCKS: dict[str, threading.Lock] = {}
_AUDIT_LOCKS_GUARD = threading.Lock()


def new_id() -> str:
    return uuid.uuid4().hex


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def audit_hash(prev_hash: str, seq: int, created_at: datetime, event: str, data: dict[str, Any]) -> str:
    """``sha256(prev_hash + canonical JSON of {seq, created_at, event, data})`` as hex."""
    body = canonical_json(
        {"seq": seq, "created_at": created_at.astimezone(UTC).isoformat(), "event": event, "data": data}
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        raise ValueError(f"{what} must be 1-64 characters of A-Z a-z 0-9 _ -, got {value!r}")
    return value


def _check_choice(value: object, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _check_text(value: object, what: str, max_len: int = 255) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise ValueError(f"{what} must be a non-empty string of at most {max_len} characters, got {value!r}")
    return value


def _message_record(row: MessageRow) -> MessageRecord:
    return MessageRecord(
        message_id=row.id,
        session_id=row.session_id,
        role=row.role,
        text=row.text,
        created_at=row.created_at,
        language=row.language,
        outcome=row.outcome,
        handoff_reason=row.handoff_reason,
        citations=row.citations,
    )


def _staff_record(row: StaffRow) -> StaffRecord:
    return StaffRecord(
        staff_id=row.id, name=row.name, role=row.role, created_at=row.created_at, active=row.active
    )


def _handoff_record(row: HandoffRow, channel: str, last_message: str | None) -> HandoffRecord:
    return HandoffRecord(
        handoff_id=row.id,
        session_id=row.session_id,
        status=row.status,
        reason=row.reason,
        created_at=row.created_at,
        channel=channel,
        message_id=row.message_id,
        language=row.language,
        suggested_answer=row.suggested_answer,
        sources=list(row.sources or []),
        claimed_by=row.claimed_by,
        claimed_at=row.claimed_at,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        last_message=last_message,
    )


def _handoff_select() -> Select[Any]:
    """Handoffs with their session's channel and latest citizen message, in one query."""
    last_message = (
        select(MessageRow.text)
        .where(MessageRow.session_id == HandoffRow.session_id, MessageRow.role == "citizen")
        .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
        .limit(1)
        .correlate(HandoffRow)
        .scalar_subquery()
    )
    return select(HandoffRow, SessionRow.channel, last_message.label("last_message")).join(
        SessionRow, SessionRow.id == HandoffRow.session_id
    )


def _record_from_row(row: Any) -> HandoffRecord:
    # row = (HandoffRow, channel, last_message) from _handoff_select()
    return _handoff_record(row[0], row[1], row[2])


class Storage:
    """Sessions, messages, handoffs, feedback, staff, the audit chain and webhook de-duplication.

    >>> store = Storage("sqlite://")
    >>> store.create_schema()
    >>> sid = store.ensure_session(None)
    >>> store.get_session(sid).status
    'active'
    """

    def __init__(self, url: str, *, echo: bool = False, clock: Callable[[], datetime] | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, echo)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._clock = clock or (lambda: datetime.now(UTC))
        key = self.engine.url.render_as_string(hide_password=True)
        with _AUDIT_LOCKS_GUARD:
            self._audit_lock = _AUDIT_LOCKS.setdefault(key, threading.Lock())

    # -- lifecycle ---------------------------------------------------------------------------------

    def create_schema(self) -> None:
        """Run the Alembic migrations in ``api/migrations`` up to head (a no-op when current)."""
        from alembic import command

        cfg = alembic_config(self.url)
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":  # two workers starting at once must not race
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_MIGRATE})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Storage({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError(f"clock returned naive datetime {now!r}; it must be tz-aware")
        return now.astimezone(UTC)

    # -- sessions and messages ---------------------------------------------------------------------

    def ensure_session(
        self,
        session_id: str | None,
        channel: str = "web",
        user_ref: str | None = None,
        language: str | None = None,
    ) -> str:
        """Return ``session_id``, creating the session when it does not exist (a new uuid4 hex id
        when None). Raises Conflict when the id belongs to a session on another channel."""
        _check_text(channel, "channel", 32)
        sid = new_id() if session_id is None else _check_id(session_id, "session_id")
        now = self._now()
        try:
            with self._tx() as s:
                row = s.get(SessionRow, sid)
                if row is None:
                    s.add(
                        SessionRow(
                            id=sid,
                            channel=channel,
                            user_ref=user_ref,
                            language=language,
                            status="active",
                            created_at=now,
                            updated_at=now,
                        )
                    )
                    return sid
                if row.channel != channel:
                    raise Conflict(f"session {sid} belongs to channel {row.channel!r}, not {channel!r}")
                if language and row.language != language:
                    row.language = language
                    row.updated_at = now
                if user_ref and row.user_ref is None:
                    row.user_ref = user_ref
        except IntegrityError:  # created by a concurrent request between our get and insert
            return sid
        return sid

    def session_by_user(self, channel: str, user_ref: str) -> str | None:
        """The most recently active session of ``user_ref`` (e.g. a WhatsApp number) on ``channel``."""
        with self._sessions() as s:
            return s.scalar(
                select(SessionRow.id)
                .where(SessionRow.channel == channel, SessionRow.user_ref == user_ref)
                .order_by(SessionRow.updated_at.desc(), SessionRow.created_at.desc())
                .limit(1)
            )

    def add_message(
        self,
        session_id: str,
        role: str,
        text: str,
        language: str | None = None,
        outcome: str | None = None,
        handoff_reason: str | None = None,
        citations: list[dict[str, Any]] | None = None,
        message_id: str | None = None,
    ) -> str:
        """Append a message; returns its id (``message_id`` when given, else a new uuid4 hex).
        Timestamps within a session strictly increase, so the transcript order is insertion order."""
        _check_choice(role, MESSAGE_ROLES, "role")
        if not isinstance(text, str):
            raise ValueError(f"text must be a string, got {type(text).__name__}")
        mid = new_id() if message_id is None else _check_id(message_id, "message_id")
        try:
            with self._tx() as s:
                session = s.get(SessionRow, session_id)
                if session is None:
                    raise NotFound(f"session {session_id!r} does not exist; call ensure_session first")
                now = self._now()
                last = s.scalar(
                    select(func.max(MessageRow.created_at)).where(MessageRow.session_id == session_id)
                )
                if last is not None and now <= last:
                    now = last + timedelta(microseconds=1)
                s.add(
                    MessageRow(
                        id=mid,
                        session_id=session_id,
                        role=role,
                        text=text,
                        language=language,
                        outcome=outcome,
                        handoff_reason=handoff_reason,
                        citations=None if citations is None else list(citations),
                        created_at=now,
                    )
                )
                session.updated_at = max(session.updated_at, now)
                if language and role in ("citizen", "bot"):
                    session.language = language
                s.flush()
        except IntegrityError as exc:
            raise Conflict(f"message id {mid!r} already exists; pass a fresh message_id or none") from exc
        return mid

    def get_session(self, session_id: str) -> SessionRecord | None:
        with self._sessions() as s:
            row = s.get(SessionRow, session_id)
            if row is None:
                return None
            messages = s.scalars(
                select(MessageRow)
                .where(MessageRow.session_id == session_id)
                .order_by(MessageRow.created_at, MessageRow.id)
            ).all()
            return SessionRecord(
                session_id=row.id,
                channel=row.channel,
                status=row.status,
                created_at=row.created_at,
                updated_at=row.updated_at,
                user_ref=row.user_ref,
                language=row.language,
                messages=[_message_record(m) for m in messages],
            )

    def session_state(self, session_id: str) -> dict[str, Any] | None:
        """The conversation memory stored for ``session_id`` (None: none yet, or no such session)."""
        with self._sessions() as s:
            return s.scalar(select(SessionRow.state).where(SessionRow.id == session_id))

    def save_session_state(self, session_id: str, state: dict[str, Any]) -> None:
        """Store the conversation memory of an existing session; NotFound names an unknown id."""
        if not isinstance(state, dict):
            raise ValueError(f"session state must be a JSON object, got {type(state).__name__}")
        with self._tx() as s:
            row = s.get(SessionRow, _check_id(session_id, "session_id"))
            if row is None:
                raise NotFound(f"session {session_id!r} does not exist; create it with ensure_session() first")
            row.state = state

    def get_message(self, message_id: str) -> MessageRecord | None:
        with self._sessions() as s:
            row = s.get(MessageRow, message_id)
            return None if row is None else _message_record(row)

    def last_inbound_at(self, session_id: str) -> datetime | None:
        """When the citizen last wrote in this session (WhatsApp's 24-hour reply window)."""
        with self._sessions() as s:
            return s.scalar(
                select(func.max(MessageRow.created_at)).where(
                    MessageRow.session_id == session_id, MessageRow.role == "citizen"
                )
            )

    # -- handoffs ----------------------------------------------------------------------------------

    def create_handoff(
        self,
        session_id: str,
        message_id: str | None,
        reason: str,
        language: str | None,
        suggested_answer: str,
        sources: list[dict[str, Any]],
    ) -> str:
        """Queue a handoff for staff; the session's status becomes ``handoff``."""
        _check_text(reason, "reason", 32)
        with self._tx() as s:
            session = s.get(SessionRow, session_id)
            if session is None:
                raise NotFound(f"session {session_id!r} does not exist")
            if message_id is not None:
                msg = s.get(MessageRow, message_id)
                if msg is None or msg.session_id != session_id:
                    raise NotFound(f"message {message_id!r} does not exist in session {session_id!r}")
            hid = new_id()
            now = self._now()
            s.add(
                HandoffRow(
                    id=hid,
                    session_id=session_id,
                    message_id=message_id,
                    reason=reason,
                    language=language,
                    status="open",
                    suggested_answer=suggested_answer or "",
                    sources=list(sources or []),
                    created_at=now,
                )
            )
            session.status = "handoff"
            session.updated_at = max(session.updated_at, now)
        return hid

    def get_handoff(self, handoff_id: str) -> HandoffRecord | None:
        with self._sessions() as s:
            row = s.execute(_handoff_select().where(HandoffRow.id == handoff_id)).first()
            return None if row is None else _record_from_row(row)

    def open_handoff_for(self, session_id: str) -> HandoffRecord | None:
        """The session's newest handoff that is still open or claimed."""
        with self._sessions() as s:
            row = s.execute(
                _handoff_select()
                .where(HandoffRow.session_id == session_id, HandoffRow.status.in_(("open", "claimed")))
                .order_by(HandoffRow.created_at.desc())
                .limit(1)
            ).first()
            return None if row is None else _record_from_row(row)

    def list_handoffs(self, status: str | None = None, language: str | None = None) -> list[HandoffRecord]:
        """Handoffs, oldest first (longest waiting at the top), optionally filtered."""
        query = _handoff_select().order_by(HandoffRow.created_at, HandoffRow.id)
        if status is not None:
            query = query.where(HandoffRow.status == _check_choice(status, HANDOFF_STATUSES, "status"))
        if language is not None:
            query = query.where(HandoffRow.language == language)
        with self._sessions() as s:
            return [_record_from_row(r) for r in s.execute(query)]

    def _active_staff(self, s: Session, staff_id: str) -> StaffRow:
        staff = s.get(StaffRow, staff_id)
        if staff is None or not staff.active:
            raise NotFound(f"staff member {staff_id!r} does not exist or is inactive")
        return staff

    def claim_handoff(self, handoff_id: str, staff_id: str) -> HandoffRecord:
        """Claim an open handoff. Claiming one you already hold is a no-op; Conflict when another
        staff member holds it or it is resolved; NotFound for an unknown handoff or staff id."""
        with self._tx() as s:
            self._active_staff(s, staff_id)
            # One conditional UPDATE: the database decides races, not a read-then-write in Python.
            claimed: CursorResult[Any] = s.execute(  # type: ignore[assignment]
                update(HandoffRow)
                .where(HandoffRow.id == handoff_id, HandoffRow.status == "open")
                .values(status="claimed", claimed_by=staff_id, claimed_at=self._now())
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount == 0:
                row = s.get(HandoffRow, handoff_id)
                if row is None:
                    raise NotFound(f"handoff {handoff_id!r} does not exist")
                if row.status == "resolved":
                    raise Conflict(f"handoff {handoff_id} is already resolved")
                if row.claimed_by != staff_id:
                    raise Conflict(f"handoff {handoff_id} is already claimed by staff {row.claimed_by}")
        record = self.get_handoff(handoff_id)
        assert record is not None
        return record

    def resolve_handoff(self, handoff_id: str, staff_id: str) -> HandoffRecord:
        """Resolve a handoff that is open, claimed by ``staff_id``, or (for admins) claimed by anyone.
        Resolving again as the same staff member is a no-op; the session returns to ``active`` when
        it has no other open handoff."""
        with self._tx() as s:
            staff = self._active_staff(s, staff_id)
            allowed = or_(
                HandoffRow.status == "open",
                and_(HandoffRow.status == "claimed", HandoffRow.claimed_by == staff_id),
            )
            if staff.role == "admin":
                allowed = HandoffRow.status.in_(("open", "claimed"))
            done: CursorResult[Any] = s.execute(  # type: ignore[assignment]
                update(HandoffRow)
                .where(HandoffRow.id == handoff_id, allowed)
                .values(status="resolved", resolved_by=staff_id, resolved_at=self._now())
                .execution_options(synchronize_session=False)
            )
            row = s.get(HandoffRow, handoff_id)
            if row is None:
                raise NotFound(f"handoff {handoff_id!r} does not exist")
            if done.rowcount == 0:
                if row.status == "resolved" and row.resolved_by == staff_id:
                    pass
                elif row.status == "resolved":
                    raise Conflict(f"handoff {handoff_id} was already resolved by staff {row.resolved_by}")
                else:
                    raise Conflict(f"handoff {handoff_id} is claimed by staff {row.claimed_by}")
            still_open = s.scalar(
                select(func.count())
                .select_from(HandoffRow)
                .where(HandoffRow.session_id == row.session_id, HandoffRow.status.in_(("open", "claimed")))
            )
            if not still_open:
                s.execute(
                    update(SessionRow)
                    .where(SessionRow.id == row.session_id)
                    .values(status="active")
                    .execution_options(synchronize_session=False)
                )
        record = self.get_handoff(handoff_id)
        assert record is not None
        return record

    # -- feedback ----------------------------------------------------------------------------------

    def add_feedback(self, message_id: str, helpful: bool, comment: str | None = None) -> str:
        if not isinstance(helpful, bool):
            raise ValueError(f"helpful must be true or false, got {helpful!r}")
        with self._tx() as s:
            if s.get(MessageRow, message_id) is None:
                raise NotFound(f"message {message_id!r} does not exist")
            fid = new_id()
            s.add(
                FeedbackRow(
                    id=fid, message_id=message_id, helpful=helpful, comment=comment, created_at=self._now()
                )
            )
        return fid

    # -- staff -------------------------------------------------------------------------------------

    def add_staff(self, name: str, role: str) -> tuple[str, str]:
        """Create a staff member; returns ``(staff_id, token)``. The token is shown only here: the
        database keeps its sha256."""
        if role not in STAFF_ROLES:
            raise ValueError(f"staff role {role!r} is not allowed; use one of: {', '.join(STAFF_ROLES)}")
        _check_text(name, "staff name", 200)
        sid, token = new_id(), secrets.token_urlsafe(32)
        with self._tx() as s:
            s.add(
                StaffRow(
                    id=sid,
                    name=name.strip(),
                    role=role,
                    token_hash=token_hash(token),
                    active=True,
                    created_at=self._now(),
                )
            )
        return sid, token

    def get_staff(self, staff_id: str) -> StaffRecord | None:
        with self._sessions() as s:
            row = s.get(StaffRow, staff_id)
            return None if row is None else _staff_record(row)

    def staff_for_token(self, token: str) -> StaffRecord | None:
        """The active staff member whose token this is, else None. Looked up by sha256 (an indexed,
        unique column), then compared in constant time."""
        if not isinstance(token, str) or not token:
            return None
        digest = token_hash(token)
        with self._sessions() as s:
            row = s.scalar(select(StaffRow).where(StaffRow.token_hash == digest))
            if row is None or not row.active or not hmac.compare_digest(row.token_hash, digest):
                return None
            return _staff_record(row)

    # -- inbound webhook de-duplication ------------------------------------------------------------

    def mark_inbound_seen(self, channel: str, external_id: str) -> bool:
        """True the first time ``(channel, external_id)`` is seen, False on every replay (also after a
        restart or from another worker: a unique constraint decides)."""
        _check_text(channel, "channel", 32)
        _check_text(external_id, "external_id", 255)
        try:
            with self._tx() as s:
                s.add(InboundEventRow(channel=channel, external_id=external_id, created_at=self._now()))
        except IntegrityError:
            return False
        return True

    # -- audit -------------------------------------------------------------------------------------

    def append_audit(self, event: str, data: dict[str, Any]) -> None:
        """Append a hash-chained audit row; every string inside ``data`` is redacted first."""
        from bot.redact import redact_data

        _check_text(event, "audit event", 100)
        if not isinstance(data, dict):
            raise ValueError(f"audit data must be a dict, got {type(data).__name__}")
        try:
            # A JSON round trip fixes the exact value that is stored and later re-hashed.
            clean: dict[str, Any] = json.loads(canonical_json(redact_data(data)))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"audit data must be JSON-serialisable: {exc}") from exc
        with self._audit_lock:
            for attempt in range(8):
                try:
                    self._append_audit_once(event, clean)
                    return
                except (IntegrityError, OperationalError):
                    # Another writer won the seq (e.g. a database without our locks) or SQLite stayed busy.
                    if attempt == 7:
                        raise

    def _append_audit_once(self, event: str, data: dict[str, Any]) -> None:
        with self.engine.connect() as conn:
            # Take the database's write lock *before* reading the chain's tail, so another process
            # cannot append in between: BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL.
            if self.dialect == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_AUDIT})
            last = conn.execute(
                select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
            ).first()
            seq, prev = (last.seq + 1, last.hash) if last is not None else (1, GENESIS_HASH)
            now = self._now()
            conn.execute(
                insert(AuditRow).values(
                    seq=seq,
                    created_at=now,
                    event=event,
                    data=data,
                    prev_hash=prev,
                    hash=audit_hash(prev, seq, now, event, data),
                )
            )
            conn.commit()

    def verify_audit(self) -> tuple[bool, int]:
        """Recompute the chain. Returns ``(True, rows)`` when intact, else ``(False, n)`` where row
        ``n`` (1-based, in seq order) is the first that does not check out."""
        prev, checked = GENESIS_HASH, 0
        with self._sessions() as s:
            rows = s.execute(
                select(
                    AuditRow.seq,
                    AuditRow.created_at,
                    AuditRow.event,
                    AuditRow.data,
                    AuditRow.prev_hash,
                    AuditRow.hash,
                )
                .order_by(AuditRow.seq)
                .execution_options(yield_per=1000)
            )
            try:
                for row in rows:
                    checked += 1
                    expected = audit_hash(prev, row.seq, row.created_at, row.event, row.data)
                    if (
                        row.seq != checked
                        or row.prev_hash != prev
                        or not hmac.compare_digest(row.hash, expected)
                    ):
                        return False, checked
                    prev = row.hash
            finally:
                rows.close()  # a server-side cursor on PostgreSQL when we stop early
        return True, checked
