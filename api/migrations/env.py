"""Alembic environment. The database comes from the Config passed in, in this order:
``config.attributes["connection"]`` (set by ``Storage.create_schema``), the ``sqlalchemy.url``
main option (set in code by ``api.storage.store.alembic_config``), or ``-x url=...`` on the command
line. The ini file never names a database."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from api.storage.engine import make_engine, normalise_url
from api.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "no database URL: call Storage(url).create_schema(), or pass -x url=sqlite:///var/rahnuma.db"
        )
    return normalise_url(url)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), echo=False)  # same SQLite pragmas / directory creation
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
