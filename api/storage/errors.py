"""Errors raised by :class:`api.storage.Storage`."""

from __future__ import annotations


class StorageError(Exception):
    """Base class for storage errors."""


class NotFound(StorageError):
    """The referenced row (session, message, handoff, staff member) does not exist."""


class Conflict(StorageError):
    """The change clashes with the current state (handoff claimed by someone else, duplicate id)."""
