"""The citizen dev set ``eval/data/citizen_questions.jsonl``: real-style questions with expected routing.

Fields: ``id``, ``text``, ``lang`` (ur, en, ur-Latn, mixed, sd, pa, ps), ``split`` (tune | test, or
validation in the independently written eval/data/citizen_validation.jsonl),
``expected_services`` (list of service ids; empty for must-not-answer items), ``expected_section``
(str or null) and ``expected_handoff`` (null, or the handoff reason the bot should give).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import DatasetError
from bot.types import HandoffReason
from eval.datasets import field_error, iter_jsonl

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "citizen_questions.jsonl"
SPLITS = ("tune", "test", "validation")
SPLIT_CHOICES = ("test", "tune", "validation", "all")
FIELDS = ("id", "text", "lang", "split", "expected_services", "expected_section", "expected_handoff")


@dataclass(frozen=True, slots=True)
class CitizenItem:
    id: str
    text: str
    lang: str
    split: str
    expected_services: tuple[str, ...]
    expected_section: str | None
    expected_handoff: str | None

    @property
    def must_not_answer(self) -> bool:
        """The bot should hand this one to a person (``expected_handoff`` is set)."""
        return self.expected_handoff is not None

    @property
    def department(self) -> str:
        """Department of the first expected service (the service_id prefix), "(none)" if there is none."""
        return self.expected_services[0].split("-", 1)[0] if self.expected_services else "(none)"


def load_citizen(path: Path | None = None, split: str = "all") -> list[CitizenItem]:
    """Items of ``split`` ("test", "tune" or "all"), in file order, validated."""
    if split not in SPLIT_CHOICES:
        raise DatasetError(f"split {split!r} unknown; choose one of {list(SPLIT_CHOICES)}")
    path = Path(path) if path is not None else DEFAULT_PATH
    reasons = {r.value for r in HandoffReason}
    items: list[CitizenItem] = []
    seen: dict[str, int] = {}
    for line, obj in iter_jsonl(path):
        for field in FIELDS:
            if field not in obj:
                raise field_error(path, line, field, "is missing")
        for field in ("id", "text", "lang", "split"):
            if not isinstance(obj[field], str) or not str(obj[field]).strip():
                raise field_error(path, line, field, f"must be a non-empty string, got {obj[field]!r}")
        if obj["split"] not in SPLITS:
            raise field_error(path, line, "split", f"must be one of {list(SPLITS)}, got {obj['split']!r}")
        services = obj["expected_services"]
        if not isinstance(services, list) or not all(isinstance(s, str) and s for s in services):
            raise field_error(
                path, line, "expected_services", f"must be a list of service ids, got {services!r}"
            )
        section = obj["expected_section"]
        if section is not None and not isinstance(section, str):
            raise field_error(path, line, "expected_section", f"must be a string or null, got {section!r}")
        handoff = obj["expected_handoff"]
        if handoff is not None and handoff not in reasons:
            raise field_error(
                path, line, "expected_handoff", f"must be null or one of {sorted(reasons)}, got {handoff!r}"
            )
        if handoff is None and not services:
            raise field_error(
                path, line, "expected_services", "is empty but expected_handoff is null; give one"
            )
        item_id = str(obj["id"])
        if item_id in seen:
            raise field_error(path, line, "id", f"{item_id!r} repeats the id on line {seen[item_id]}")
        seen[item_id] = line
        if split != "all" and obj["split"] != split:
            continue
        items.append(
            CitizenItem(
                item_id,
                str(obj["text"]),
                str(obj["lang"]),
                str(obj["split"]),
                tuple(services),
                section,
                handoff,
            )
        )
    return items
