"""From passage hits to ranked services, and per-service vocabularies for query-term coverage."""

from __future__ import annotations

from collections.abc import Sequence

from bot.types import ServiceCandidate
from retrieval.index import IndexData
from retrieval.roman import roman_key
from retrieval.tokenise import tokenise
from retrieval.types import Hit


def rank_services(hits: Sequence[Hit]) -> list[ServiceCandidate]:
    """Services ordered by their best passage's fused score (hits arrive best first)."""
    best: dict[str, ServiceCandidate] = {}
    for hit in hits:
        sid = hit.passage.service_id
        if sid not in best:
            best[sid] = ServiceCandidate(sid, hit.score, hit.passage.section, hit.passage.doc_id)
    return list(best.values())


class ServiceVocabulary:
    """Every lexical token and Roman spelling key each service's documents contain."""

    def __init__(self, data: IndexData) -> None:
        self._tokens: dict[str, set[str]] = {}
        for passage, bm25, roman in zip(data.passages, data.bm25_tokens, data.roman_tokens, strict=True):
            vocab = self._tokens.setdefault(passage.service_id, set())
            vocab.update(bm25)
            vocab.update(t for t in roman if "#" not in t)  # whole spelling keys, not n-grams

    def coverage(self, service_id: str, query: str) -> float:
        """Share of the query's content words found in the service's documents (Latin words may
        match by spelling key, so "tajdeed" finds the romanised "تجدید")."""
        words = tokenise(query)
        if not words:
            return 0.0
        vocab = self._tokens.get(service_id, set())
        found = sum(1 for w in words if w in vocab or (w.isascii() and roman_key(w) in vocab))
        return found / len(words)


def choose_section(asked: str | None, hits: Sequence[Hit], service_id: str, question: str) -> str:
    """The section to answer from: the one the question asks for; else, for a real question, the
    best-scoring section of the service other than the overview (whose keywords make it win
    retrieval for nearly everything); else the overview ("b form", "token tax")."""
    if asked:
        return asked
    if len(question.split()) > 3:
        for hit in hits:
            if hit.passage.service_id == service_id and hit.passage.section not in ("overview", "notes"):
                return hit.passage.section
    return "overview"
