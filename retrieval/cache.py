"""Embedding cache keyed by content hash: re-indexing unchanged text re-embeds nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np


class EmbeddingCache:
    """SQLite file of (sha256(embedder id, kind, text) -> float32 vector)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=120)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(embedder_id: str, kind: str, text: str) -> str:
        return hashlib.sha256(f"{embedder_id}\x00{kind}\x00{text}".encode()).hexdigest()

    def embed(
        self, embedder_id: str, kind: str, texts: list[str], compute: Callable[[list[str]], np.ndarray],
        batch: int = 64, progress: str = "",
    ) -> np.ndarray:
        """Vectors for ``texts``, computing (in batches) and storing only the ones not cached."""
        keys = [self.key(embedder_id, kind, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        self.hits += len(keys) - len([k for k in keys if k not in found])
        self.misses += len(todo)
        steps = range(0, len(todo), batch)
        if progress and todo:
            from tqdm import tqdm

            steps = tqdm(steps, desc=f"embedding {progress}", unit="batch", total=len(steps))
        for i in steps:
            part = todo[i : i + batch]
            vecs = compute([t for _, t in part])
            self._db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                [(k, np.asarray(v, np.float32).tobytes()) for (k, _), v in zip(part, vecs, strict=True)],
            )
            self._db.commit()
            found.update({k: np.asarray(v, np.float32) for (k, _), v in zip(part, vecs, strict=True)})
        if not keys:
            return np.zeros((0, 0), np.float32)
        return np.stack([found[k] for k in keys])

    def close(self) -> None:
        self._db.close()


class TextCache:
    """Same idea for derived text (romanisations): sha256(kind, text) -> text, in the same file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=120)
        self._db.execute("CREATE TABLE IF NOT EXISTS txt (key TEXT PRIMARY KEY, val TEXT NOT NULL)")

    def map(self, kind: str, texts: list[str], compute: Callable[[str], str]) -> list[str]:
        out: list[str] = []
        for text in texts:
            key = hashlib.sha256(f"{kind}\x00{text}".encode()).hexdigest()
            row = self._db.execute("SELECT val FROM txt WHERE key = ?", (key,)).fetchone()
            if row is None:
                val = compute(text)
                self._db.execute("INSERT OR REPLACE INTO txt VALUES (?, ?)", (key, val))
                out.append(val)
            else:
                out.append(row[0])
        self._db.commit()
        return out

    def close(self) -> None:
        self._db.close()
