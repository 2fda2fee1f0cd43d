"""Belebele multiple-choice reading comprehension (FLORES passages), ``urd_Arab`` and ``urd_Latn``.

Not shipped in ../shared/benchmarks: the evaluator passes the JSONL file (``--file``), one object a
line with the standard Belebele fields ``link, question_number, flores_passage, question,
mc_answer1..mc_answer4, correct_answer_num, dialect, ds``. ``correct_answer_num`` is "1".."4" (string
in the release; an integer is accepted too). A folder may be given instead of a file: its
``urd_Arab.jsonl`` is read (or ``<dialect>.jsonl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import DatasetError
from eval.datasets import field_error, iter_jsonl

DIALECTS = ("urd_Arab", "urd_Latn")
TEXT_FIELDS = ("link", "flores_passage", "question", "mc_answer1", "mc_answer2", "mc_answer3", "mc_answer4")


@dataclass(frozen=True, slots=True)
class BelebeleItem:
    link: str
    question_number: int
    passage: str
    question: str
    options: tuple[str, str, str, str]
    correct: int  # 1..4
    dialect: str
    ds: str = ""

    @property
    def item_id(self) -> str:
        """Unique per question: the passage link plus the question number."""
        return f"{self.link}#{self.question_number}"

    @property
    def answer(self) -> str:
        return self.options[self.correct - 1]


def belebele_path(path: Path, dialect: str = "urd_Arab") -> Path:
    """The JSONL file for ``path`` (a file, or a folder holding ``<dialect>.jsonl``)."""
    path = Path(path)
    if path.is_dir():
        candidate = path / f"{dialect}.jsonl"
        if not candidate.is_file():
            raise DatasetError(f"{path}: no {dialect}.jsonl here; pass the Belebele JSONL file with --file")
        return candidate
    if not path.is_file():
        raise DatasetError(f"{path}: file not found; pass the Belebele {dialect}.jsonl file with --file")
    return path


def _int(value: object, path: Path, line: int, field: str, lo: int, hi: int | None = None) -> int:
    try:
        number = int(str(value).strip())
    except ValueError as err:
        raise field_error(path, line, field, f"must be an integer, got {value!r}") from err
    if number < lo or (hi is not None and number > hi):
        raise field_error(path, line, field, f"must be in {lo}..{hi if hi is not None else ''}, got {number}")
    return number


def load_belebele(path: Path, dialect: str = "urd_Arab", limit: int | None = None) -> list[BelebeleItem]:
    """Items in file order, validated; errors name the file, line and field."""
    file = belebele_path(path, dialect)
    items: list[BelebeleItem] = []
    for line, obj in iter_jsonl(file):
        if limit is not None and len(items) >= limit:
            break
        for field in (*TEXT_FIELDS, "question_number", "correct_answer_num"):
            if field not in obj or obj[field] is None:
                raise field_error(
                    file, line, field, "is missing (see the Belebele schema in docs/evaluation.md)"
                )
        for field in TEXT_FIELDS:
            if not isinstance(obj[field], str) or (field != "link" and not str(obj[field]).strip()):
                raise field_error(file, line, field, f"must be a non-empty string, got {obj[field]!r}")
        options = tuple(str(obj[f"mc_answer{i}"]) for i in range(1, 5))
        items.append(
            BelebeleItem(
                link=str(obj["link"]),
                question_number=_int(obj["question_number"], file, line, "question_number", 0),
                passage=str(obj["flores_passage"]),
                question=str(obj["question"]),
                options=(options[0], options[1], options[2], options[3]),
                correct=_int(obj["correct_answer_num"], file, line, "correct_answer_num", 1, 4),
                dialect=str(obj.get("dialect") or dialect),
                ds=str(obj.get("ds") or ""),
            )
        )
    if not items:
        raise DatasetError(f"{file}: no items")
    return items
