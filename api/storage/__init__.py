"""Rahnuma's persistence layer (SQLAlchemy 2; SQLite by default, PostgreSQL via psycopg 3).

>>> from api.storage import Storage
>>> store = Storage("sqlite:///var/rahnuma.db")   # doctest: +SKIP
>>> store.create_schema()                          # doctest: +SKIP
"""

from api.storage.engine import alembic_config, normalise_url
from api.storage.errors import Conflict, NotFound, StorageError
from api.storage.records import HandoffRecord, MessageRecord, SessionRecord, StaffRecord
from api.storage.store import Storage

__all__ = [
    "Conflict",
    "HandoffRecord",
    "MessageRecord",
    "NotFound",
    "SessionRecord",
    "StaffRecord",
    "Storage",
    "StorageError",
    "alembic_config",
    "normalise_url",
]
