"""Engine set-up: URL normalisation, SQLite pragmas, and the Alembic Config for ``api/migrations``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from alembic.config import Config

API_DIR = Path(__file__).resolve().parent.parent  # the installed ``api`` package
# pg_advisory_xact_lock key held while migrating, so two workers starting at once do not race.
PG_LOCK_MIGRATE = 0x52484E4D_0001


def normalise_url(url: str) -> str:
    """Pick the psycopg 3 driver for bare PostgreSQL URLs (``postgresql://``, ``postgres://``)."""
    url = url.strip()
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config for ``api/migrations`` built from the package directory, so it works from
    an installed package and from any working directory. ``url`` becomes ``sqlalchemy.url``."""
    from alembic.config import Config

    ini = API_DIR / "alembic.ini"
    cfg = Config(str(ini)) if ini.is_file() else Config()
    cfg.set_main_option("script_location", str(API_DIR / "migrations"))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")  # in-memory databases answer "memory"; harmless
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
    finally:
        cur.close()


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine for ``url``. SQLite: WAL + foreign keys on every connection, the file's directory
    created, one shared connection for in-memory databases. PostgreSQL: pre-pinged pooled
    connections (psycopg 3)."""
    u = make_url(normalise_url(url))
    if u.get_backend_name() != "sqlite":
        return create_engine(u, echo=echo, pool_pre_ping=True)
    db = u.database or ""
    if db in ("", ":memory:") or u.query.get("mode") == "memory":
        # One shared connection, or every pooled connection would see its own empty database.
        engine = create_engine(u, echo=echo, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        if not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_on_connect)
    return engine
