"""NTREX-128 English -> Urdu news references, at segment or document level.

Three line-aligned files: ``newstest2019-src.eng.txt``, ``newstest2019-ref.urd.txt`` and
``DOCUMENT_IDS.tsv`` (one document id per line). ``source`` is English, ``target`` Urdu. Document
level concatenates a document's lines with newlines, in file order (123 documents).
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import DatasetError
from eval.datasets import TextPair, dataset_folder, read_lines

NAME = "ntrex128_eng_urd"
FILES = ("newstest2019-src.eng.txt", "newstest2019-ref.urd.txt", "DOCUMENT_IDS.tsv")


def ntrex_files(folder: Path | None = None) -> list[Path]:
    root = dataset_folder(NAME, folder)
    return [root / f for f in FILES]


def load_ntrex_segments(folder: Path | None = None, limit: int | None = None) -> list[TextPair]:
    """English -> Urdu segment pairs; ``group`` is the document id, ``pair_id`` the 0-based line."""
    eng_path, urd_path, ids_path = ntrex_files(folder)
    eng, urd, ids = read_lines(eng_path, limit), read_lines(urd_path, limit), read_lines(ids_path, limit)
    if limit is None:
        eng, urd, ids = (x[:-1] if x and x[-1] == "" else x for x in (eng, urd, ids))
    if not len(eng) == len(urd) == len(ids):
        raise DatasetError(
            f"{eng_path.parent}: line counts differ (eng {len(eng)}, urd {len(urd)}, document ids {len(ids)})"
        )
    pairs = []
    for i, (e, u, d) in enumerate(zip(eng, urd, ids, strict=True)):
        doc = d.split("\t")[0].strip()
        if not doc:
            raise DatasetError(f"{ids_path}:{i + 1}: empty document id")
        pairs.append(TextPair(str(i), e, u, doc))
    return pairs


def load_ntrex_documents(folder: Path | None = None, limit: int | None = None) -> list[TextPair]:
    """English -> Urdu document pairs (lines joined by DOCUMENT_IDS); at most ``limit`` documents."""
    segments = load_ntrex_segments(folder)
    docs: dict[str, tuple[list[str], list[str]]] = {}
    for seg in segments:
        if seg.group not in docs:
            if limit is not None and len(docs) >= limit:
                continue
            docs[seg.group] = ([], [])
        docs[seg.group][0].append(seg.source)
        docs[seg.group][1].append(seg.target)
    return [TextPair(doc, "\n".join(e), "\n".join(u), doc) for doc, (e, u) in docs.items()]
