"""Datasets an evaluator brings: SQuAD-format JSON or the Rahnuma JSONL schema.

JSONL (``*.jsonl``), one object a line::

    {"id": "q1", "question": "...", "context": "...", "answers": ["..."], "relevant_ids": ["nadra-cnic-new"],
     "lang": "ur", "meta": {...}}

``id`` and ``question`` are required; ``context`` (str), ``answers`` (list of str; ``[]`` = the
question has no answer and the bot should hand off), ``relevant_ids`` (list of doc or service ids),
``lang`` (str) and ``meta`` (object, ignored) are optional. Other fields are rejected, so a typo
("answer") is caught. SQuAD (``*.json``): ``data[].paragraphs[].context`` and
``qas[].{id, question, answers[].text, is_impossible}``; an impossible question gets ``answers=[]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DatasetError
from eval.datasets import field_error, iter_jsonl

JSONL_FIELDS = ("id", "question", "context", "answers", "relevant_ids", "lang", "meta")


@dataclass(frozen=True, slots=True)
class CustomItem:
    id: str
    question: str
    context: str | None = None
    answers: tuple[str, ...] | None = None  # None: not labelled; (): no answer
    relevant_ids: tuple[str, ...] = ()
    lang: str | None = None


def _str_list(value: object, path: Path, line: int | str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise field_error(path, line, field, f"must be a list of strings, got {value!r}")
    return tuple(value)


def _opt_str(value: object, path: Path, line: int | str, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise field_error(path, line, field, f"must be a string, got {type(value).__name__}")
    return value


def load_custom_jsonl(path: Path) -> list[CustomItem]:
    path = Path(path)
    items: list[CustomItem] = []
    seen: dict[str, int] = {}
    for line, obj in iter_jsonl(path):
        unknown = sorted(set(obj) - set(JSONL_FIELDS))
        if unknown:
            raise field_error(
                path, line, unknown[0], f"is not in the schema; allowed fields: {list(JSONL_FIELDS)}"
            )
        for field in ("id", "question"):
            if not isinstance(obj.get(field), str) or not str(obj[field]).strip():
                raise field_error(
                    path, line, field, f"is required and must be a non-empty string, got {obj.get(field)!r}"
                )
        item_id = str(obj["id"])
        if item_id in seen:
            raise field_error(path, line, "id", f"{item_id!r} repeats the id on line {seen[item_id]}")
        seen[item_id] = line
        if "meta" in obj and not isinstance(obj["meta"], dict):
            raise field_error(path, line, "meta", "must be a JSON object")
        items.append(
            CustomItem(
                id=item_id,
                question=str(obj["question"]),
                context=_opt_str(obj.get("context"), path, line, "context"),
                answers=_str_list(obj["answers"], path, line, "answers")
                if obj.get("answers") is not None
                else None,
                relevant_ids=_str_list(obj["relevant_ids"], path, line, "relevant_ids")
                if obj.get("relevant_ids") is not None
                else (),
                lang=_opt_str(obj.get("lang"), path, line, "lang"),
            )
        )
    if not items:
        raise DatasetError(f"{path}: no items (expected one JSON object per line)")
    return items


def load_squad(path: Path) -> list[CustomItem]:
    """SQuAD 1.1/2.0 JSON; positions in errors are JSON paths such as ``data[0].paragraphs[1].qas[2].id``."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise DatasetError(f"{path}: file not found") from err
    except json.JSONDecodeError as err:
        raise DatasetError(f"{path}:{err.lineno}: invalid JSON ({err.msg})") from err
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise field_error(path, "top level", "data", "must be a list of articles (SQuAD format)")
    items: list[CustomItem] = []
    seen: set[str] = set()
    for a, article in enumerate(doc["data"]):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise field_error(path, f"data[{a}]", "paragraphs", "must be a list")
        for p, para in enumerate(paragraphs):
            where = f"data[{a}].paragraphs[{p}]"
            if not isinstance(para, dict) or not isinstance(para.get("context"), str):
                raise field_error(path, where, "context", "must be a string")
            if not isinstance(para.get("qas"), list):
                raise field_error(path, where, "qas", "must be a list")
            for q, qa in enumerate(para["qas"]):
                qwhere = f"{where}.qas[{q}]"
                if not isinstance(qa, dict):
                    raise field_error(path, qwhere, "qas", "entries must be objects")
                for field in ("id", "question"):
                    if not isinstance(qa.get(field), str) or not qa[field].strip():
                        raise field_error(path, qwhere, field, "is required and must be a non-empty string")
                if qa["id"] in seen:
                    raise field_error(path, qwhere, "id", f"{qa['id']!r} is used twice")
                seen.add(qa["id"])
                answers = qa.get("answers", [])
                if not isinstance(answers, list) or not all(
                    isinstance(x, dict) and isinstance(x.get("text"), str) for x in answers
                ):
                    raise field_error(path, qwhere, "answers", 'must be a list of {"text": str, ...} objects')
                impossible = bool(qa.get("is_impossible", False))
                if not impossible and not answers:
                    raise field_error(path, qwhere, "answers", "is empty but is_impossible is not true")
                items.append(
                    CustomItem(
                        id=qa["id"],
                        question=qa["question"],
                        context=para["context"],
                        answers=() if impossible else tuple(x["text"] for x in answers),
                    )
                )
    if not items:
        raise DatasetError(f"{path}: no questions in data[].paragraphs[].qas[]")
    return items


def load_custom(path: Path) -> list[CustomItem]:
    """Load by file suffix: ``.json`` is SQuAD format, ``.jsonl`` the Rahnuma JSONL schema."""
    path = Path(path)
    if path.suffix == ".jsonl":
        return load_custom_jsonl(path)
    if path.suffix == ".json":
        return load_squad(path)
    raise DatasetError(
        f"{path}: unknown format {path.suffix!r}; use .jsonl (Rahnuma schema) or .json (SQuAD)"
    )
