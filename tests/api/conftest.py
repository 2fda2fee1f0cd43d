"""API fixtures: the real app on the fixture corpus (fake embedder), SQLite or PostgreSQL storage."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.helpers import build_fixture_index, make_config

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("DATABASE_URL_TEST") else [])


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    )
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url = os.environ["DATABASE_URL_TEST"]
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'db.sqlite'}"


@pytest.fixture()
def app_config(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    cfg = make_config(tmp_path, answer={"answer_threshold": 0.3, "clarify_margin": 0.0}, database={"url": db_url})
    build_fixture_index(cfg)
    return cfg


@pytest.fixture()
def client(app_config) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(app_config)) as c:
        yield c


@pytest.fixture()
def agent_token(client: TestClient) -> str:
    return client.app.state.storage.add_staff("Ayesha", "agent")[1]  # type: ignore[attr-defined]


@pytest.fixture()
def admin_token(client: TestClient) -> str:
    return client.app.state.storage.add_staff("Admin", "admin")[1]  # type: ignore[attr-defined]
