"""UQA (Urdu SQuAD 2.0) validation split from the raw per-article CSVs.

Quirks (see SOURCE.md): the answer span is wrapped in a pair of ``••`` markers; every row carries
its own translation of the paragraph, so one source paragraph (data_num, paragraph_num) has several
Urdu versions; ``review=True`` rows lost their markers and are excluded, as in the released split.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DatasetError

MARK = "••"


@dataclass(frozen=True, slots=True)
class UqaItem:
    qid: str
    paragraph_key: str  # "data_num/paragraph_num": the source paragraph
    question: str
    context: str  # this row's cleaned paragraph
    answer: str  # "" for unanswerable
    answer_start: int  # -1 for unanswerable
    answerable: bool


def strip_markers(context: str) -> tuple[str, str, int]:
    """(clean context, answer text, answer start) from a ``••``-marked paragraph."""
    first = context.find(MARK)
    second = context.find(MARK, first + len(MARK)) if first >= 0 else -1
    if first < 0 or second < 0:
        return context.replace(MARK, ""), "", -1
    answer = context[first + len(MARK) : second]
    clean = context[:first] + answer + context[second + len(MARK) :]
    return clean, answer.strip(), first


def load_uqa(folder: Path) -> list[UqaItem]:
    """Rows with review=False, one per question id (the first seen), in file order 0..N."""
    files = sorted(folder.glob("*.csv"), key=lambda p: int(p.stem))
    if not files:
        raise DatasetError(f"{folder}: no UQA CSV files (expected 0.csv ... 34.csv)")
    items: list[UqaItem] = []
    seen: set[str] = set()
    for path in files:
        with open(path, encoding="utf-8", newline="") as f:
            for line_no, row in enumerate(csv.DictReader(f), start=2):
                try:
                    if row["review"].strip() == "True" or row["id"] in seen:
                        continue
                    clean, answer, start = strip_markers(row["context"])
                    impossible = row["is_impossible"].strip() == "True"
                    seen.add(row["id"])
                    items.append(UqaItem(
                        qid=row["id"], paragraph_key=f"{row['data_num']}/{row['paragraph_num']}",
                        question=row["question"].strip(), context=clean,
                        answer="" if impossible else answer, answer_start=-1 if impossible else start,
                        answerable=not impossible,
                    ))
                except KeyError as err:
                    raise DatasetError(f"{path}:{line_no}: missing column {err}") from err
    return items


def paragraph_corpus(items: list[UqaItem]) -> dict[str, str]:
    """One cleaned version per source paragraph: the first row's (deterministic)."""
    corpus: dict[str, str] = {}
    for it in items:
        corpus.setdefault(it.paragraph_key, it.context)
    return corpus
