"""Dakshina v1.0 Urdu: Roman Urdu <-> Urdu-script sentences and the word romanisation lexicon.

Sentences: ``ur.romanized.rejoined.{dev,test}.{native,roman}.txt`` (line-aligned). As pairs,
``source`` is the Roman Urdu sentence and ``target`` the Urdu-script original.
Lexicon: ``ur.translit.sampled.{dev,test}.tsv`` rows ``native<TAB>roman<TAB>attestation_count``;
a word has several romanisations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import DatasetError
from eval.datasets import TextPair, dataset_folder, read_lines

NAME = "dakshina_ur_romanized"
SPLITS = ("dev", "test")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    native: str
    roman: str
    count: int


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise DatasetError(f"Dakshina split {split!r} unknown; choose from {list(SPLITS)}")


def dakshina_files(split: str = "dev", folder: Path | None = None) -> list[Path]:
    _check_split(split)
    root = dataset_folder(NAME, folder)
    return [root / f"ur.romanized.rejoined.{split}.{side}.txt" for side in ("roman", "native")]


def load_dakshina_sentences(
    split: str = "dev", folder: Path | None = None, limit: int | None = None
) -> list[TextPair]:
    """Roman Urdu -> Urdu-script sentence pairs; ``pair_id`` is the 0-based line, ``group`` the split."""
    roman_path, native_path = dakshina_files(split, folder)
    roman, native = read_lines(roman_path, limit), read_lines(native_path, limit)
    if limit is None:
        roman, native = (x[:-1] if x and x[-1] == "" else x for x in (roman, native))
    if len(roman) != len(native):
        raise DatasetError(f"{roman_path}: {len(roman)} lines but {native_path.name} has {len(native)}")
    return [TextPair(str(i), r, n, split) for i, (r, n) in enumerate(zip(roman, native, strict=True))]


def load_dakshina_lexicon(
    split: str = "dev", folder: Path | None = None, limit: int | None = None
) -> list[LexiconEntry]:
    """Lexicon rows in file order."""
    _check_split(split)
    path = dataset_folder(NAME, folder) / f"ur.translit.sampled.{split}.tsv"
    entries = []
    for i, line in enumerate(read_lines(path, limit), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise DatasetError(f"{path}:{i}: expected native<TAB>roman<TAB>count, got {len(parts)} field(s)")
        try:
            count = int(parts[2])
        except ValueError as err:
            raise DatasetError(f"{path}:{i}: field count {parts[2]!r} is not an integer") from err
        entries.append(LexiconEntry(parts[0], parts[1], count))
    return entries


def lexicon_map(entries: list[LexiconEntry]) -> dict[str, list[str]]:
    """Urdu word -> its romanisations, most attested first (ties keep file order)."""
    grouped: dict[str, list[LexiconEntry]] = {}
    for e in entries:
        grouped.setdefault(e.native, []).append(e)
    return {w: [e.roman for e in sorted(es, key=lambda e: -e.count)] for w, es in grouped.items()}
