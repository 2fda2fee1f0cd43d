"""Storage fixtures, parametrised over SQLite (always) and PostgreSQL (when DATABASE_URL_TEST is set).

Each PostgreSQL test gets a fresh schema (dropped with CASCADE afterwards, alembic_version included),
selected through libpq's ``options=-csearch_path=...`` so every connection of the Storage uses it.
Start a local server with:  eval "$(.ci/postgres.sh | tail -n 1)"
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.storage import Storage, normalise_url

PG_ENV = "DATABASE_URL_TEST"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        # A missing parent directory on purpose: Storage must create it.
        yield f"sqlite:///{tmp_path / 'var' / 'rahnuma.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(
            f"{PG_ENV} is not set; PostgreSQL storage tests skipped. Start one with "
            f'eval "$(.ci/postgres.sh | tail -n 1)"'
        )
    schema = f"rahnuma_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def make_store(db_url: str) -> Iterator[Callable[..., Storage]]:
    """Open extra Storage instances on the test database (as a restarted process would)."""
    opened: list[Storage] = []

    def make(**kwargs: object) -> Storage:
        store = Storage(db_url, **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., Storage]) -> Storage:
    s = make_store()
    s.create_schema()
    return s
