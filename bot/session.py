"""Per-conversation memory so follow-ups resolve ("aur fee kitni hai?" after a passport question)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SessionState:
    language: str | None = None
    service_id: str | None = None
    section: str | None = None
    options: tuple[str, ...] = ()  # service ids offered by a clarifying question
    pending_section: str | None = None  # what the clarified question asked about
    turns: int = 0


class SessionMemory:
    """Bounded, thread-safe in-process store; the database keeps the durable transcript."""

    def __init__(self, max_sessions: int = 50_000) -> None:
        if max_sessions <= 0:
            raise ValueError(f"max_sessions must be greater than 0. Currently, it is {max_sessions}")
        self._data: OrderedDict[str, SessionState] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_sessions

    def get(self, session_id: str) -> SessionState:
        with self._lock:
            state = self._data.get(session_id)
            if state is not None:
                self._data.move_to_end(session_id)
            return state or SessionState()

    def put(self, session_id: str, state: SessionState) -> None:
        with self._lock:
            self._data[session_id] = state
            self._data.move_to_end(session_id)
            while len(self._data) > self._max:
                self._data.popitem(last=False)
