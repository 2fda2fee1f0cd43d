"""Loaders for the benchmark data in ../shared/benchmarks and for evaluator-supplied files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from bot.errors import DatasetError


def benchmarks_root() -> Path:
    """$RAHNUMA_BENCHMARKS, else ../shared/benchmarks next to the repository."""
    env = os.environ.get("RAHNUMA_BENCHMARKS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"


# ---- shared helpers for the loaders (eval/datasets/*.py) ----


@dataclass(frozen=True, slots=True)
class TextPair:
    """Two aligned texts (a translation or transliteration pair); each loader says which side is which."""

    pair_id: str
    source: str
    target: str
    group: str = ""  # split / topic / document id, when the dataset has one


def dataset_folder(name: str, folder: Path | None = None) -> Path:
    """``folder`` or benchmarks_root()/name, with a clear error when it is missing."""
    path = Path(folder) if folder is not None else benchmarks_root() / name
    if not path.is_dir():
        raise DatasetError(
            f"{path}: benchmark folder not found. Set RAHNUMA_BENCHMARKS to the folder holding {name}/ "
            "(see ../shared/benchmarks/INDEX.md)"
        )
    return path


def read_lines(path: Path, limit: int | None = None) -> list[str]:
    """The lines of a UTF-8 text file without their newlines; at most ``limit`` lines (None = all)."""
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")

    def lines() -> Iterator[str]:
        with open(path, encoding="utf-8", newline="") as f:
            for line in f:
                yield line.rstrip("\r\n")

    return list(islice(lines(), limit)) if limit is not None else list(lines())


def sha256_files(paths: Iterable[Path]) -> str:
    """sha256 of the files' bytes concatenated in the given order (how SOURCE.md files state checksums)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    """(1-based line number, object) for each non-blank line; errors name the file and line."""
    import json

    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise DatasetError(
                    f"{path}:{line_no}: invalid JSON ({err.msg} at column {err.colno})"
                ) from err
            if not isinstance(obj, dict):
                raise DatasetError(f"{path}:{line_no}: expected a JSON object, got {type(obj).__name__}")
            yield line_no, obj


def field_error(path: Path | str, line: int | str, field: str, problem: str) -> DatasetError:
    """A DatasetError in the house format: ``file:line: field 'x' <problem>``."""
    return DatasetError(f"{path}:{line}: field {field!r} {problem}")
