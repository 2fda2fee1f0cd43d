"""FLORES-200 Urdu / English sentences as released with SIB-200 topic labels.

Files: ``{urd_Arab,eng_Latn}/{train,dev,test}.tsv`` with header ``index_id, category, text``. Pairs are
joined on ``index_id`` (the FLORES sentence index), not on line number. ``source`` is Urdu, ``target``
English, ``pair_id`` the index_id and ``group`` ``"<split>/<category>"``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from bot.errors import DatasetError
from eval.datasets import TextPair, dataset_folder

NAME = "sib200_flores_urd_eng"
SPLITS = ("train", "dev", "test")
COLUMNS = ("index_id", "category", "text")


def flores_files(folder: Path | None = None, splits: Sequence[str] = SPLITS) -> list[Path]:
    """Urdu then English TSV for each split, in split order (the order the dataset hash uses)."""
    root = dataset_folder(NAME, folder)
    return [root / lang / f"{s}.tsv" for s in splits for lang in ("urd_Arab", "eng_Latn")]


def _read_tsv(path: Path, limit: int | None) -> dict[str, tuple[str, str]]:
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    rows: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DatasetError(f"{path}:1: header lacks {missing}; expected {list(COLUMNS)}")
        for line_no, row in enumerate(reader, start=2):
            if limit is not None and len(rows) >= limit:
                break
            idx = (row["index_id"] or "").strip()
            if not idx or row["text"] is None:
                raise DatasetError(f"{path}:{line_no}: field index_id or text is empty")
            if idx in rows:
                raise DatasetError(f"{path}:{line_no}: duplicate index_id {idx!r}")
            rows[idx] = ((row["category"] or "").strip(), row["text"].strip())
    return rows


def load_flores(
    folder: Path | None = None, splits: Sequence[str] = SPLITS, limit: int | None = None
) -> list[TextPair]:
    """Urdu -> English pairs from the given splits (default all three), Urdu file order.

    ``limit`` caps the rows read per split and file; with a limit the English side is read in full so
    that the join still finds every partner.
    """
    bad = [s for s in splits if s not in SPLITS]
    if bad:
        raise DatasetError(f"FLORES split(s) {bad} unknown; choose from {list(SPLITS)}")
    root = dataset_folder(NAME, folder)
    pairs: list[TextPair] = []
    for split in splits:
        urd_path, eng_path = root / "urd_Arab" / f"{split}.tsv", root / "eng_Latn" / f"{split}.tsv"
        urd, eng = _read_tsv(urd_path, limit), _read_tsv(eng_path, None)
        missing = [i for i in urd if i not in eng]
        if missing:
            raise DatasetError(f"{eng_path}: index_id {missing[:5]} present in {urd_path.name} but not here")
        for idx, (category, text) in urd.items():
            pairs.append(TextPair(idx, text, eng[idx][1], f"{split}/{category}"))
    return pairs
