"""Retrieval benchmarks on ../shared/benchmarks: UQA open-domain, Dakshina Roman->Urdu, Tatoeba.

``make eval-retrieval`` runs ``python -m eval.retrieval_bench`` and writes reports/retrieval.json.
Embeddings are cached by content hash under var/cache, so a second run is fast.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from eval.datasets import benchmarks_root
from eval.datasets.uqa import load_uqa, paragraph_corpus
from eval.metrics import ranks_summary
from models.embedders import Embedder, embedder_from_config
from retrieval.cache import EmbeddingCache, TextCache
from retrieval.index import IndexSettings, build_data
from retrieval.roman import UrduRomaniser, char_ngrams, roman_keys, romaniser_id
from retrieval.search import HybridRetriever, RetrievalSettings
from retrieval.types import Document, Section


def cached_queries(embedder: Embedder, texts: list[str], cache_dir: Path) -> np.ndarray:
    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    try:
        return cache.embed(embedder.id, "query", texts, embedder.embed_queries)
    finally:
        cache.close()


def ranking_metrics(ranks: list[int | None], ks: tuple[int, ...] = (1, 5, 10)) -> dict[str, float]:
    """R@k and MRR from 1-based ranks of the relevant item (None = not retrieved)."""
    return ranks_summary(ranks, ks)


def uqa_retrieval(
    embedder: Embedder, cache_dir: Path, settings: RetrievalSettings, limit: int = 0
) -> dict[str, float]:
    items = [it for it in load_uqa(benchmarks_root() / "uqa_squad2_ur_dev") if it.answerable]
    corpus = paragraph_corpus(load_uqa(benchmarks_root() / "uqa_squad2_ur_dev"))
    keys = list(corpus)
    docs = [Document(doc_id=k, service_id=k, lang="ur", title="", sections=(Section("overview", corpus[k]),))
            for k in keys]
    data = build_data(docs, embedder, cache_dir, IndexSettings(max_passage_words=10_000, roman_shadow=False))
    if limit:
        items = items[:limit]
    qvecs = cached_queries(embedder, [it.question for it in items], cache_dir)
    retriever = HybridRetriever(data, embedder, settings)
    ranks: list[int | None] = []
    for it, qv in zip(items, qvecs, strict=True):
        hits = retriever.search(it.question, query_vec=qv, top_k=10)
        ids = [h.passage.doc_id for h in hits]
        ranks.append(ids.index(it.paragraph_key) + 1 if it.paragraph_key in ids else None)
    return ranking_metrics(ranks)


def _dakshina_pairs(n: int = 1000, words: int = 12) -> tuple[list[str], list[str]]:
    folder = benchmarks_root() / "dakshina_ur_romanized"
    native = (folder / "ur.romanized.rejoined.dev.native.txt").read_text(encoding="utf-8").split("\n")[:n]
    roman = (folder / "ur.romanized.rejoined.dev.roman.txt").read_text(encoding="utf-8").split("\n")[:n]
    cut = lambda s: " ".join(s.split()[:words])  # noqa: E731
    return [cut(s) for s in roman], [cut(s) for s in native]


def dakshina_roman_to_urdu(cache_dir: Path, ngram: int = 3) -> dict[str, float]:
    """Roman Urdu sentence -> its Urdu-script original among 1,000, via the romanised shadow."""
    import bm25s

    roman, native = _dakshina_pairs()
    cache = TextCache(cache_dir / "embeddings.sqlite")
    try:
        shadow = cache.map(romaniser_id(), native, UrduRomaniser().romanise)
    finally:
        cache.close()
    model = bm25s.BM25()
    model.index([char_ngrams(roman_keys(s), ngram) for s in shadow], show_progress=False)
    hits = sum(
        int(np.argmax(model.get_scores(char_ngrams(roman_keys(q), ngram))) == i) for i, q in enumerate(roman)
    )
    return {"top1": round(hits / len(roman), 4)}


def csls(sims: np.ndarray, k: int = 4) -> np.ndarray:
    """Cross-domain similarity local scaling (Conneau et al. 2018): cosine minus each side's mean
    similarity to its k nearest neighbours, which discounts "hub" sentences close to everything.
    The margin criterion LASER uses for bitext mining."""
    r_rows = np.sort(sims, axis=1)[:, -k:].mean(1)
    r_cols = np.sort(sims, axis=0)[-k:, :].mean(0)
    return 2 * sims - r_rows[:, None] - r_cols[None, :]


def tatoeba(embedder: Embedder, cache_dir: Path) -> dict[str, dict[str, float]]:
    folder = benchmarks_root() / "tatoeba_urd_eng"
    urd = (folder / "tatoeba.urd-eng.urd").read_text(encoding="utf-8").strip("\n").split("\n")
    eng = (folder / "tatoeba.urd-eng.eng").read_text(encoding="utf-8").strip("\n").split("\n")
    # bitext mining is symmetric: both sides embedded as queries, as MTEB does for e5
    u = cached_queries(embedder, urd, cache_dir)
    e = cached_queries(embedder, eng, cache_dir)
    cosine = u @ e.T
    margin = csls(cosine)
    idx = np.arange(len(urd))

    def top1(s: np.ndarray, axis: int) -> float:
        return round(float((s.argmax(axis) == idx).mean()), 4)

    return {
        "tatoeba_urd_eng": {"top1": top1(margin, 1), "top1_cosine": top1(cosine, 1)},
        "tatoeba_eng_urd": {"top1": top1(margin, 0), "top1_cosine": top1(cosine, 0)},
    }


def main(argv: list[str] | None = None) -> int:
    from bot.config import load_config

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default=None)
    ap.add_argument("--out", default="reports/retrieval.json")
    ap.add_argument("--limit", type=int, default=0, help="UQA: first N questions only (smoke runs)")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    cache_dir = cfg.resolve(cfg.index.cache_path)
    embedder = embedder_from_config(cfg.embedder, str(cache_dir))
    settings = RetrievalSettings.from_config(cfg.retrieval)
    started = time.perf_counter()
    report: dict[str, object] = {"uqa": uqa_retrieval(embedder, cache_dir, settings, args.limit)}
    report["dakshina_roman_to_urdu"] = dakshina_roman_to_urdu(cache_dir, settings.roman_ngram)
    report.update(tatoeba(embedder, cache_dir))
    report["_meta"] = {"embedder": embedder.id, "seconds": round(time.perf_counter() - started, 1),
                       "settings": {f: getattr(settings, f) for f in settings.__dataclass_fields__}}
    print(f"{'benchmark':28s} metric")
    for name, metrics in report.items():
        if not name.startswith("_"):
            print(f"{name:28s} " + "  ".join(f"{k}={v}" for k, v in dict(metrics).items()))  # type: ignore[call-overload]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
