"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import configparser
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from api.storage import Storage, alembic_config
from api.storage.tables import ALL_TABLES, Base


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migration_creates_every_table(
    make_store: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the migrations must be found from any working directory
    store = make_store()
    assert inspect(store.engine).get_table_names() == []
    store.create_schema()
    store.create_schema()  # idempotent

    inspector = inspect(store.engine)
    assert set(inspector.get_table_names()) == {*ALL_TABLES, "alembic_version"}
    assert {ix["name"] for ix in inspector.get_indexes("handoffs")} >= {"ix_handoffs_status_language"}
    assert {ix["name"] for ix in inspector.get_indexes("messages")} >= {"ix_messages_session_id_created_at"}
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == _head()
        assert compare_metadata(context, Base.metadata) == []


def test_alembic_command_line_config_takes_the_url_from_the_config(db_url: str) -> None:
    command.upgrade(alembic_config(db_url), "head")  # env.py opens its own engine from sqlalchemy.url
    store = Storage(db_url)
    try:
        assert set(inspect(store.engine).get_table_names()) >= set(ALL_TABLES)
        command.downgrade(alembic_config(db_url), "base")
        assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    finally:
        store.close()


def test_an_existing_database_upgrades_and_keeps_its_sessions(make_store: Callable, db_url: str) -> None:
    """A database made by 0001 gains sessions.state on start-up; its sessions survive, without state."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from api.storage.tables import SessionRow

    command.upgrade(alembic_config(db_url), "0001_initial")
    store = make_store()
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        conn.execute(insert(SessionRow.__table__).values(id="old", channel="web", status="active", created_at=now,
                                                         updated_at=now))
    store.create_schema()
    assert "state" in {c["name"] for c in inspect(store.engine).get_columns("sessions")}
    assert store.get_session("old") is not None and store.session_state("old") is None
    store.save_session_state("old", {"service_id": "dgip-passport-renewal"})
    assert store.session_state("old") == {"service_id": "dgip-passport-renewal"}


def test_alembic_ini_names_no_database() -> None:
    ini = Path(alembic_config().config_file_name)
    assert ini.name == "alembic.ini" and ini.is_file()
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini)
    assert parser["alembic"]["script_location"] == "%(here)s/migrations"
    assert "sqlalchemy.url" not in parser["alembic"]
    assert alembic_config().get_main_option("script_location") == str(ini.parent / "migrations")
