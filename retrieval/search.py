"""Hybrid retrieval: BM25 + dense passage + dense sentence-window (+ Roman-Urdu shadow), fused.

Fusion is a weighted sum of z-scores: each signal is standardised over the candidate set, so a
signal that separates the candidates sharply counts for more than one that is flat. The weights and
the choice of z-score over RRF and convex fusion were measured on UQA (docs/adr/0002-fusion.md).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from models.embedders import Embedder
from retrieval.index import IndexData, candidate_index
from retrieval.roman import char_ngrams, roman_keys
from retrieval.tokenise import tokenise
from retrieval.types import Hit, Signals

_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class RetrievalSettings:
    candidates: int = 100
    top_k: int = 10
    w_bm25: float = 0.75
    w_dense: float = 1.0
    w_window: float = 1.0
    w_roman: float = 2.0
    w_sentence: float = 1.0
    w_sentence_bm25: float = 0.25
    roman_ngram: int = 3

    @classmethod
    def from_config(cls, section: object) -> RetrievalSettings:
        """From the config's [retrieval] section (any object with the same field names)."""
        return cls(**{f: getattr(section, f) for f in cls.__dataclass_fields__})

    def __post_init__(self) -> None:
        if self.top_k <= 0:
            raise ValueError(f"top_k must be greater than 0. Currently, the top_k is {self.top_k}")
        if self.candidates < self.top_k:
            raise ValueError(f"candidates ({self.candidates}) must be at least top_k ({self.top_k})")


class _Bm25:
    """bm25s over pre-tokenised text (our Urdu-aware tokeniser, not bm25s's English one)."""

    def __init__(self, docs: list[list[str]]) -> None:
        import bm25s

        self.empty = not any(docs)
        self._model = bm25s.BM25()
        if not self.empty:
            self._model.index([d or ["\x00"] for d in docs], show_progress=False)
        self._n = len(docs)

    def scores(self, tokens: list[str]) -> np.ndarray:
        if self.empty or not tokens:
            return np.zeros(self._n, np.float32)
        return np.asarray(self._model.get_scores(tokens), dtype=np.float32)


def _zscore(x: np.ndarray) -> np.ndarray:
    std = float(x.std())
    return (x - float(x.mean())) / std if std > 1e-9 else np.zeros_like(x)


class HybridRetriever:
    """Search an ``IndexData``. Cheap to construct; ``load()`` builds the in-memory indexes."""

    def __init__(self, data: IndexData, embedder: Embedder, settings: RetrievalSettings = RetrievalSettings()) -> None:
        self.data = data
        self.embedder = embedder
        self.settings = settings
        self._loaded = False

    def load(self) -> None:
        if self._loaded:
            return
        import faiss

        self.embedder.load()
        self._bm25 = _Bm25(self.data.bm25_tokens)
        self._roman = _Bm25(self.data.roman_tokens)
        self._faiss_passages = candidate_index(faiss, self.data.passage_vecs)
        self._faiss_windows = candidate_index(faiss, self.data.window_vecs)
        owner = self.data.window_owner
        # windows (and sentences) of one passage are contiguous: [start, end) per passage
        n = len(self.data.passages)
        self._window_start = np.searchsorted(owner, np.arange(n), side="left")
        self._window_end = np.searchsorted(owner, np.arange(n), side="right")
        d = self.data
        self._has_sentences = d.sentence_vecs is not None and d.sentence_owner is not None and len(d.sentence_owner) > 0
        if self._has_sentences:
            assert d.sentence_owner is not None and d.sentence_tokens is not None
            self._sentence_bm25 = _Bm25(d.sentence_tokens)
            self._sentence_start = np.searchsorted(d.sentence_owner, np.arange(n), side="left")
            self._sentence_end = np.searchsorted(d.sentence_owner, np.arange(n), side="right")
        self._passages_of: dict[str, list[int]] = {}
        for i, passage in enumerate(self.data.passages):
            self._passages_of.setdefault(passage.service_id, []).append(i)
        self._loaded = True

    def embed_query(self, query: str) -> np.ndarray:
        self.load()
        return self.embedder.embed_queries([query])[0]

    def search(self, query: str, query_vec: np.ndarray | None = None, top_k: int | None = None,
               services: Collection[str] = ()) -> list[Hit]:
        """The ``top_k`` best passages for ``query``, best first, with their signals; and, for each of
        ``services`` without a passage among them, that service's best passage after them (scored
        among the same candidates, so a service named by other evidence has a retrieval score)."""
        self.load()
        k = top_k or self.settings.top_k
        n = len(self.data.passages)
        if n == 0:
            return []
        s = self.settings
        q = self.embed_query(query) if query_vec is None else query_vec
        bm25 = self._bm25.scores(tokenise(query))
        use_roman = bool(_LATIN.search(query)) and not self._roman.empty and s.w_roman > 0
        roman = self._roman.scores(char_ngrams(roman_keys(query), s.roman_ngram)) if use_roman else None
        c = min(s.candidates, n)
        cands = set(np.argpartition(-bm25, c - 1)[:c].tolist()) if bm25.any() else set()
        _, pi = self._faiss_passages.search(q[None, :].astype(np.float32), c)
        cands.update(int(i) for i in pi[0] if i >= 0)
        if self.data.window_vecs.shape[0]:
            _, wi = self._faiss_windows.search(q[None, :].astype(np.float32), min(c, self.data.window_vecs.shape[0]))
            cands.update(int(self.data.window_owner[i]) for i in wi[0] if i >= 0)
        if roman is not None and roman.any():
            cands.update(np.argpartition(-roman, c - 1)[:c].tolist())
        for sid in services:
            cands.update(self._passages_of.get(sid, ()))
        idx = np.fromiter(sorted(cands), dtype=np.int64)
        dense = self.data.passage_vecs[idx] @ q
        window = self._window_max(idx, q, dense)
        fused = s.w_dense * _zscore(dense) + s.w_window * _zscore(window)
        if self._has_sentences:
            sentence, sentence_lex = self._sentence_signals(idx, q, query, dense)
            fused = fused + s.w_sentence * _zscore(sentence)
            if sentence_lex.any():
                fused = fused + s.w_sentence_bm25 * _zscore(sentence_lex)
        if bm25.any():
            fused = fused + s.w_bm25 * _zscore(bm25[idx])
        if roman is not None and roman.any():
            fused = fused + s.w_roman * _zscore(roman[idx])
        ranked = np.argsort(-fused, kind="stable")
        order = list(ranked[:k])
        wanted = set(services) - {self.data.passages[int(idx[j])].service_id for j in order} if services else set()
        for j in ranked[k:] if wanted else ():
            if not wanted:
                break
            sid = self.data.passages[int(idx[j])].service_id
            if sid in wanted:
                order.append(j)
                wanted.discard(sid)
        return [
            Hit(
                passage=self.data.passages[int(idx[j])],
                score=float(fused[j]),
                signals=Signals(
                    bm25=float(bm25[idx[j]]), dense=float(dense[j]), window=float(window[j]),
                    roman=float(roman[idx[j]]) if roman is not None else 0.0, fused=float(fused[j]),
                ),
            )
            for j in order
        ]

    def _sentence_signals(self, idx: np.ndarray, q: np.ndarray, query: str,
                          dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best single-sentence cosine and best single-sentence BM25 of each candidate passage."""
        vecs = self.data.sentence_vecs
        assert vecs is not None
        lexical = self._sentence_bm25.scores(tokenise(query))
        units, offsets, has = _units_of(idx, self._sentence_start, self._sentence_end)
        sim = dense.copy()
        lex = np.zeros(len(idx), np.float32)
        if len(units):
            sim[has] = np.maximum.reduceat(vecs[units] @ q, offsets)
            lex[has] = np.maximum.reduceat(lexical[units], offsets)
        return sim, lex

    def _window_max(self, idx: np.ndarray, q: np.ndarray, dense: np.ndarray) -> np.ndarray:
        """Best 2-sentence-window cosine of each candidate; a passage without windows scores as itself."""
        units, offsets, has = _units_of(idx, self._window_start, self._window_end)
        out = dense.copy()
        if len(units):
            out[has] = np.maximum.reduceat(self.data.window_vecs[units] @ q, offsets)
        return out


def _units_of(idx: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The unit rows (windows or sentences) of the candidate passages ``idx``, concatenated, with
    each non-empty candidate's offset into them and the mask of candidates that have any: a
    gather, one matrix-vector product and one ``reduceat`` instead of a Python loop."""
    lo, hi = start[idx], end[idx]
    lengths = hi - lo
    has = lengths > 0
    lengths, lo = lengths[has], lo[has]
    if not len(lengths):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), has
    offsets = np.zeros(len(lengths), np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    units = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(offsets - lo, lengths)
    return units, offsets, has
