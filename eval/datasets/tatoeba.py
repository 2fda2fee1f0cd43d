"""Tatoeba urd-eng test pairs (LASER release): 1,000 line-aligned Urdu / English sentences.

``source`` is the Urdu sentence, ``target`` its English translation; ``pair_id`` is the 0-based line.
The usual task is bitext mining: find each sentence's translation among the 1,000 on the other side.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import DatasetError
from eval.datasets import TextPair, dataset_folder, read_lines

NAME = "tatoeba_urd_eng"
FILES = ("tatoeba.urd-eng.urd", "tatoeba.urd-eng.eng")


def tatoeba_files(folder: Path | None = None) -> list[Path]:
    """The Urdu and English files, in that order (the order the dataset hash uses)."""
    root = dataset_folder(NAME, folder)
    return [root / f for f in FILES]


def load_tatoeba(folder: Path | None = None, limit: int | None = None) -> list[TextPair]:
    """Urdu -> English pairs, in file order; at most ``limit`` pairs."""
    urd_path, eng_path = tatoeba_files(folder)
    urd, eng = read_lines(urd_path, limit), read_lines(eng_path, limit)
    if limit is None:
        urd, eng = _drop_final_empty(urd), _drop_final_empty(eng)
    if len(urd) != len(eng):
        raise DatasetError(
            f"{urd_path}: {len(urd)} lines but {eng_path.name} has {len(eng)}; the files must align"
        )
    for i, (u, e) in enumerate(zip(urd, eng, strict=True), start=1):
        if not u.strip() or not e.strip():
            bad = urd_path if not u.strip() else eng_path
            raise DatasetError(f"{bad}:{i}: empty sentence; every line must hold one sentence")
    return [TextPair(str(i), u, e) for i, (u, e) in enumerate(zip(urd, eng, strict=True))]


def _drop_final_empty(lines: list[str]) -> list[str]:
    return lines[:-1] if lines and lines[-1] == "" else lines
