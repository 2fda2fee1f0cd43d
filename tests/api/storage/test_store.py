"""Storage behaviour on every backend (SQLite always; PostgreSQL when DATABASE_URL_TEST is set)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from api.storage import Conflict, NotFound, SessionRecord, Storage, normalise_url

CITATION = {
    "doc_id": "nadra-cnic-en",
    "service_id": "nadra-cnic",
    "department": "NADRA",
    "title": "CNIC renewal",
    "section": "fees",
    "url": "https://www.nadra.gov.pk/",
    "lang": "en",
    "snippet": "شناختی کارڈ کی تجدید",
    "last_verified": "2024-05-01",
}


class FrozenClock:
    """A settable clock, so tests never depend on real time passing."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def _session_with_message(store: Storage, text_: str = "CNIC kaise banwaun?") -> tuple[str, str]:
    sid = store.ensure_session(None, channel="web", language="ur-Latn")
    mid = store.add_message(sid, "citizen", text_, language="ur-Latn")
    return sid, mid


# -- sessions and messages -------------------------------------------------------------------------


def test_session_and_message_round_trip(store: Storage) -> None:
    sid = store.ensure_session(None, channel="web", language="en")
    assert len(sid) == 32 and int(sid, 16) >= 0
    assert store.ensure_session(sid, channel="web") == sid  # existing: same id, nothing new

    given = "a" * 32
    mid_citizen = store.add_message(
        sid, "citizen", "How do I renew my CNIC?", language="en", message_id=given
    )
    mid_bot = store.add_message(
        sid, "bot", "Visit a NADRA centre.", language="en", outcome="answered", citations=[CITATION]
    )
    assert mid_citizen == given and len(mid_bot) == 32 and mid_bot != given

    record = store.get_session(sid)
    assert isinstance(record, SessionRecord)
    assert (record.session_id, record.channel, record.status, record.language) == (sid, "web", "active", "en")
    citizen, bot = record.messages
    assert (citizen.role, citizen.text, citizen.outcome, citizen.citations) == (
        "citizen",
        "How do I renew my CNIC?",
        None,
        None,
    )
    assert (bot.role, bot.outcome, bot.citations) == ("bot", "answered", [CITATION])
    for message in record.messages:
        assert message.created_at.tzinfo is not None and message.created_at.utcoffset() == timedelta(0)

    public = record.to_public()
    assert set(public) == {"session_id", "channel", "language", "status", "messages"}
    assert "citations" not in public["messages"][0] and public["messages"][1]["citations"] == [CITATION]
    assert datetime.fromisoformat(public["messages"][1]["created_at"]) == bot.created_at
    assert store.get_message(mid_bot) == bot


def test_session_state_is_stored_on_the_session(store: Storage) -> None:
    sid = store.ensure_session(None, "web")
    assert store.session_state(sid) is None
    state = {"service_id": "dgip-passport-renewal", "options": ["a", "b"], "turns": 2}
    store.save_session_state(sid, state)
    assert store.session_state(sid) == state
    store.save_session_state(sid, {"turns": 3})
    assert store.session_state(sid) == {"turns": 3}
    assert store.session_state("no-such-session") is None
    with pytest.raises(NotFound, match="ensure_session"):
        store.save_session_state("no-such-session", state)
    with pytest.raises(ValueError, match="JSON object"):
        store.save_session_state(sid, ["not", "an", "object"])  # type: ignore[arg-type]


def test_session_created_with_callers_id_and_unknown_session_is_none(store: Storage) -> None:
    assert store.get_session("f" * 32) is None
    assert store.ensure_session("f" * 32, channel="web") == "f" * 32
    assert store.get_session("f" * 32) is not None
    with pytest.raises(ValueError, match="session_id"):
        store.ensure_session("../etc/passwd")


def test_add_message_errors(store: Storage) -> None:
    with pytest.raises(NotFound, match="ensure_session"):
        store.add_message("0" * 32, "citizen", "hello")
    sid, mid = _session_with_message(store)
    with pytest.raises(ValueError, match=r"'robot' is not one of citizen, bot, agent"):
        store.add_message(sid, "robot", "hello")
    with pytest.raises(Conflict, match=mid):
        store.add_message(sid, "bot", "again", message_id=mid)
    assert len(store.get_session(sid).messages) == 1  # the failed insert left nothing behind


def test_transcript_keeps_insertion_order_even_when_the_clock_stands_still(make_store: Callable) -> None:
    clock = FrozenClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    store = make_store(clock=clock)
    store.create_schema()
    sid = store.ensure_session(None)
    roles = ["citizen", "bot", "citizen", "bot", "agent", "citizen"]
    ids = [store.add_message(sid, role, f"message {i}") for i, role in enumerate(roles)]
    clock.now -= timedelta(hours=1)  # a clock stepping backwards must not reorder either
    ids.append(store.add_message(sid, "agent", "late"))

    messages = store.get_session(sid).messages
    assert [m.message_id for m in messages] == ids
    assert [m.text for m in messages][:2] == ["message 0", "message 1"]
    stamps = [m.created_at for m in messages]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_session_by_user_and_channel_mismatch(store: Storage) -> None:
    assert store.session_by_user("whatsapp", "+923001234567") is None
    sid = store.ensure_session(None, channel="whatsapp", user_ref="+923001234567")
    other = store.ensure_session(None, channel="whatsapp", user_ref="+923007654321")
    assert store.session_by_user("whatsapp", "+923001234567") == sid
    assert store.session_by_user("whatsapp", "+923007654321") == other
    assert store.session_by_user("web", "+923001234567") is None
    with pytest.raises(Conflict, match="whatsapp"):
        store.ensure_session(sid, channel="web")


def test_last_inbound_at_is_the_last_citizen_message(make_store: Callable) -> None:
    t0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    clock = FrozenClock(t0)
    store = make_store(clock=clock)
    store.create_schema()
    sid = store.ensure_session(None, channel="whatsapp", user_ref="+923001234567")
    assert store.last_inbound_at(sid) is None
    store.add_message(sid, "citizen", "salam")
    clock.now = t0 + timedelta(minutes=5)
    store.add_message(sid, "citizen", "CNIC fee?")
    clock.now = t0 + timedelta(hours=3)
    store.add_message(sid, "agent", "Rs 750")
    assert store.last_inbound_at(sid) == t0 + timedelta(minutes=5)
    assert store.last_inbound_at("0" * 32) is None


def test_naive_clock_is_refused(make_store: Callable) -> None:
    store = make_store(clock=lambda: datetime(2025, 1, 1))
    store.create_schema()
    with pytest.raises(ValueError, match="tz-aware"):
        store.ensure_session(None)


# -- handoffs --------------------------------------------------------------------------------------


def test_handoff_lifecycle(store: Storage) -> None:
    sid, mid = _session_with_message(store, "mera case court mein hai")
    agent_a, _ = store.add_staff("Ayesha", "agent")
    agent_b, _ = store.add_staff("Bilal", "agent")

    hid = store.create_handoff(
        sid, mid, "personal_case", "ur-Latn", "Yeh aap ka zaati maamla hai.", [CITATION]
    )
    assert store.get_session(sid).status == "handoff"
    opened = store.open_handoff_for(sid)
    assert opened is not None and opened.handoff_id == hid
    assert (opened.status, opened.reason, opened.language, opened.message_id) == (
        "open",
        "personal_case",
        "ur-Latn",
        mid,
    )
    assert (opened.channel, opened.last_message, opened.sources) == (
        "web",
        "mera case court mein hai",
        [CITATION],
    )
    assert opened.suggested_answer == "Yeh aap ka zaati maamla hai." and opened.claimed_by is None

    claimed = store.claim_handoff(hid, agent_a)
    assert (claimed.status, claimed.claimed_by) == ("claimed", agent_a) and claimed.claimed_at is not None
    assert store.claim_handoff(hid, agent_a).claimed_at == claimed.claimed_at  # re-claim: no-op
    with pytest.raises(Conflict, match=f"claimed by staff {agent_a}"):
        store.claim_handoff(hid, agent_b)
    with pytest.raises(Conflict, match="claimed by staff"):
        store.resolve_handoff(hid, agent_b)
    assert store.get_handoff(hid).claimed_by == agent_a

    resolved = store.resolve_handoff(hid, agent_a)
    assert (resolved.status, resolved.resolved_by) == (
        "resolved",
        agent_a,
    ) and resolved.resolved_at is not None
    assert store.resolve_handoff(hid, agent_a).resolved_at == resolved.resolved_at  # again: no-op
    assert store.open_handoff_for(sid) is None
    assert store.get_session(sid).status == "active"
    with pytest.raises(Conflict, match="already resolved"):
        store.claim_handoff(hid, agent_a)
    with pytest.raises(Conflict, match="already resolved"):
        store.resolve_handoff(hid, agent_b)


def test_handoff_not_found_cases(store: Storage) -> None:
    sid, mid = _session_with_message(store)
    other_sid, other_mid = _session_with_message(store)
    staff, _ = store.add_staff("Ayesha", "agent")
    missing = "0" * 32
    assert store.get_handoff(missing) is None
    assert store.open_handoff_for(sid) is None
    with pytest.raises(NotFound, match="handoff"):
        store.claim_handoff(missing, staff)
    with pytest.raises(NotFound, match="handoff"):
        store.resolve_handoff(missing, staff)
    with pytest.raises(NotFound, match="session"):
        store.create_handoff(missing, None, "low_confidence", "en", "", [])
    with pytest.raises(NotFound, match=other_mid):
        store.create_handoff(sid, other_mid, "low_confidence", "en", "", [])
    hid = store.create_handoff(sid, None, "user_requested", "en", "", [])
    with pytest.raises(NotFound, match="staff"):
        store.claim_handoff(hid, missing)
    assert store.get_handoff(hid).status == "open"


def test_admin_may_resolve_a_handoff_claimed_by_someone_else(store: Storage) -> None:
    sid, mid = _session_with_message(store)
    agent, _ = store.add_staff("Ayesha", "agent")
    admin, _ = store.add_staff("Zara", "admin")
    hid = store.create_handoff(sid, mid, "sensitive", "ur", "", [])
    store.claim_handoff(hid, agent)
    assert store.resolve_handoff(hid, admin).resolved_by == admin


def test_session_stays_in_handoff_while_another_handoff_is_open(store: Storage) -> None:
    sid, mid = _session_with_message(store)
    agent, _ = store.add_staff("Ayesha", "agent")
    first = store.create_handoff(sid, mid, "low_confidence", "en", "", [])
    second = store.create_handoff(sid, None, "user_requested", "en", "", [])
    store.resolve_handoff(first, agent)
    assert store.get_session(sid).status == "handoff"
    assert store.open_handoff_for(sid).handoff_id == second
    store.resolve_handoff(second, agent)
    assert store.get_session(sid).status == "active"


def test_list_handoffs_filters_by_status_and_language(store: Storage) -> None:
    staff, _ = store.add_staff("Ayesha", "agent")
    made: dict[str, str] = {}
    for name, language in [("ur1", "ur"), ("en1", "en"), ("ur2", "ur"), ("rl1", "ur-Latn")]:
        sid, mid = _session_with_message(store, name)
        made[name] = store.create_handoff(sid, mid, "low_confidence", language, "", [])
    store.claim_handoff(made["ur2"], staff)
    store.resolve_handoff(made["en1"], staff)

    def ids(**filters: str) -> list[str]:
        return [h.handoff_id for h in store.list_handoffs(**filters)]

    assert ids() == [made["ur1"], made["en1"], made["ur2"], made["rl1"]]  # oldest first
    assert ids(status="open") == [made["ur1"], made["rl1"]]
    assert ids(language="ur") == [made["ur1"], made["ur2"]]
    assert ids(status="open", language="ur") == [made["ur1"]]
    assert ids(status="claimed", language="ur") == [made["ur2"]]
    assert ids(status="resolved") == [made["en1"]]
    assert ids(status="open", language="sd") == []
    assert [h.last_message for h in store.list_handoffs(language="ur")] == ["ur1", "ur2"]
    with pytest.raises(ValueError, match="'closed' is not one of open, claimed, resolved"):
        store.list_handoffs(status="closed")


def test_concurrent_claims_have_exactly_one_winner(store: Storage, make_store: Callable) -> None:
    sid, mid = _session_with_message(store)
    hid = store.create_handoff(sid, mid, "low_confidence", "ur", "", [])
    staff = [store.add_staff(f"agent {i}", "agent")[0] for i in range(6)]
    other = make_store()  # a second process's Storage on the same database
    winners: list[str] = []
    conflicts: list[str] = []
    barrier = threading.Barrier(len(staff))

    def claim(i: int, staff_id: str) -> None:
        barrier.wait()
        try:
            winners.append((store if i % 2 else other).claim_handoff(hid, staff_id).claimed_by)
        except Conflict:
            conflicts.append(staff_id)

    threads = [threading.Thread(target=claim, args=(i, s)) for i, s in enumerate(staff)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1 and len(conflicts) == len(staff) - 1
    assert store.get_handoff(hid).claimed_by == winners[0]


# -- feedback --------------------------------------------------------------------------------------


def test_feedback(store: Storage) -> None:
    sid, mid = _session_with_message(store)
    fid = store.add_feedback(mid, True, "shukriya")
    assert len(fid) == 32
    assert store.add_feedback(mid, False, None) != fid
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT helpful, comment FROM feedback ORDER BY created_at")).all()
    assert [(bool(h), c) for h, c in rows] == [(True, "shukriya"), (False, None)]
    with pytest.raises(NotFound, match="message '0+' does not exist"):
        store.add_feedback("0" * 32, True, None)


# -- staff -----------------------------------------------------------------------------------------


def test_staff_tokens_are_stored_hashed(store: Storage) -> None:
    staff_id, token = store.add_staff("Ayesha Khan", "agent")
    admin_id, admin_token = store.add_staff("Zara", "admin")
    assert len(token) >= 40 and token != admin_token

    with store.engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT id, token_hash FROM staff")).all())
        dumped = " ".join(str(v) for row in conn.execute(text("SELECT * FROM staff")).all() for v in row)
    assert stored[staff_id] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in dumped and admin_token not in dumped

    found = store.staff_for_token(token)
    assert found is not None and (found.staff_id, found.name, found.role) == (
        staff_id,
        "Ayesha Khan",
        "agent",
    )
    assert store.staff_for_token(admin_token).role == "admin"
    assert store.get_staff(admin_id).name == "Zara"
    assert store.staff_for_token(token + "x") is None
    assert store.staff_for_token(token[:-1]) is None
    assert store.staff_for_token("") is None
    assert store.staff_for_token(stored[staff_id]) is None  # the hash itself is not a token


def test_add_staff_rejects_unknown_role(store: Storage) -> None:
    with pytest.raises(ValueError, match=r"'superuser'.*agent, admin"):
        store.add_staff("Mallory", "superuser")
    with pytest.raises(ValueError, match="staff name"):
        store.add_staff("   ", "agent")


# -- inbound webhook replays -----------------------------------------------------------------------


def test_inbound_replays_are_detected_across_restarts(store: Storage, make_store: Callable) -> None:
    assert store.mark_inbound_seen("whatsapp", "wamid.HBgM001") is True
    assert store.mark_inbound_seen("whatsapp", "wamid.HBgM001") is False
    assert store.mark_inbound_seen("whatsapp", "wamid.HBgM002") is True

    restarted = make_store()  # a second Storage on the same database, as after a restart
    restarted.create_schema()  # already at head: a no-op
    assert restarted.mark_inbound_seen("whatsapp", "wamid.HBgM001") is False
    assert restarted.mark_inbound_seen("whatsapp", "wamid.HBgM003") is True
    store.close()
    assert make_store().mark_inbound_seen("whatsapp", "wamid.HBgM003") is False
    assert restarted.mark_inbound_seen("sms", "wamid.HBgM001") is True  # ids are per channel


# -- engine set-up ---------------------------------------------------------------------------------


def test_normalise_url_picks_psycopg3() -> None:
    assert normalise_url("postgresql://u:p@db/x") == "postgresql+psycopg://u:p@db/x"
    assert normalise_url("postgres://u:p@db/x") == "postgresql+psycopg://u:p@db/x"
    assert normalise_url("postgresql+psycopg://u:p@db/x") == "postgresql+psycopg://u:p@db/x"
    assert normalise_url("sqlite:///var/rahnuma.db") == "sqlite:///var/rahnuma.db"
    store = Storage("postgresql://u:p@127.0.0.1:1/x")  # engines connect lazily: nothing is dialled
    try:
        assert store.engine.dialect.driver == "psycopg" and store.dialect == "postgresql"
    finally:
        store.close()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path) -> None:
    path = tmp_path / "deep" / "er" / "rahnuma.db"
    store = Storage(f"sqlite:///{path}")
    try:
        store.create_schema()
        assert path.parent.is_dir() and path.exists()
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.close()


def test_in_memory_sqlite_is_shared_between_threads() -> None:
    store = Storage("sqlite://")
    try:
        store.create_schema()
        sid = store.ensure_session(None)
        seen: list[SessionRecord | None] = []
        worker = threading.Thread(target=lambda: seen.append(store.get_session(sid)))
        worker.start()
        worker.join()
        assert seen[0] is not None and seen[0].session_id == sid
    finally:
        store.close()
