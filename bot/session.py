"""Per-conversation memory so follow-ups resolve ("aur fee kitni hai?" after a passport question).

``SessionMemory`` keeps it in the process (the CLI, evaluation, a single worker); the API keeps it in
the database beside the transcript (``api/session_memory.py``), so a follow-up still resolves after
a restart or on another worker. Both satisfy ``Memory``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SessionState:
    language: str | None = None
    service_id: str | None = None
    section: str | None = None
    options: tuple[str, ...] = ()  # service ids offered by a clarifying question
    pending_section: str | None = None  # what the clarified question asked about
    turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the options tuple becomes a list)."""
        data = asdict(self)
        data["options"] = list(self.options)
        return data

    @classmethod
    def from_dict(cls, data: object) -> SessionState:
        """The state stored by ``to_dict``; unknown keys are ignored (written by a newer version), and
        a value of the wrong type starts the conversation afresh with a warning rather than failing
        the citizen's turn."""
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        try:
            state = cls(**{**values, "options": tuple(values.get("options") or ())})
            _check_types(state)
        except (TypeError, ValueError) as err:
            log.warning("stored session state %r is not usable (%s); starting the conversation afresh", data, err)
            return cls()
        return state


def _check_types(state: SessionState) -> None:
    for name in ("language", "service_id", "section", "pending_section"):
        value = getattr(state, name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name} must be a string or null, got {value!r}")
    if not all(isinstance(o, str) for o in state.options):
        raise ValueError(f"options must be service ids, got {state.options!r}")
    if not isinstance(state.turns, int) or state.turns < 0:
        raise ValueError(f"turns must be a non-negative integer, got {state.turns!r}")


class Memory(Protocol):
    """Where the pipeline keeps each conversation's state between turns."""

    def get(self, session_id: str) -> SessionState: ...

    def put(self, session_id: str, state: SessionState) -> None: ...


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
