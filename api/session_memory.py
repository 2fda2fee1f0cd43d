"""Conversation memory in the database, beside the transcript: follow-ups ("aur fee kitni hai?")
resolve after a restart and whichever worker takes the next turn. One small read and one small write
per turn, on the session row the turn has already created."""

from __future__ import annotations

import logging
from typing import Any

from bot.session import SessionState

log = logging.getLogger(__name__)


class StoredSessionMemory:
    """``bot.session.Memory`` over ``api.storage.Storage``."""

    def __init__(self, storage: Any) -> None:
        self.storage = storage

    def get(self, session_id: str) -> SessionState:
        return SessionState.from_dict(self.storage.session_state(session_id))

    def put(self, session_id: str, state: SessionState) -> None:
        from api.storage import NotFound

        try:
            self.storage.save_session_state(session_id, state.to_dict())
        except NotFound:
            # a turn outside the API's session handling (no session row): nothing to remember it by
            log.warning("session %s has no row; its conversation memory is not kept", session_id)
