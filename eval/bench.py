"""`make bench`: latency and ingest figures on this machine (a script, never a timed test).

1. Ingest: build an index of 10,000 Urdu passages (Dakshina, FLORES and Tatoeba sentences as plain-text
   files) with a cold embedding cache: passages per second.
2. Re-index the unchanged corpus (warm cache): its time as a share of the first build (target <= 5%).
3. Warm in-process retrieval latency on that index: p50/p95 over 300 Urdu and Roman-Urdu queries
   (target p50 <= 25 ms, p95 <= 60 ms).
4. Warm pipeline latency per citizen message on the service-corpus index (target p50 <= 40 ms).
Writes reports/bench.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.datasets import benchmarks_root
from eval.datasets.uqa import load_uqa


def percentiles(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {
        "p50": round(float(np.percentile(a, 50)), 2),
        "p95": round(float(np.percentile(a, 95)), 2),
        "p99": round(float(np.percentile(a, 99)), 2),
        "n": len(ms),
    }


def write_bench_corpus(folder: Path, target: int) -> int:
    """``target`` Urdu passages as plain-text files: Dakshina's Urdu sentences, then FLORES and
    Tatoeba Urdu sentences (real Urdu of passage length, cheap enough to embed cold on 2 cores)."""
    root = benchmarks_root()
    dak = root / "dakshina_ur_romanized"
    texts = [
        s
        for split in ("dev", "test")
        for s in (dak / f"ur.romanized.rejoined.{split}.native.txt").read_text(encoding="utf-8").split("\n")
    ]
    for split in ("train", "dev", "test"):
        rows = (
            (root / "sib200_flores_urd_eng" / "urd_Arab" / f"{split}.tsv").read_text(encoding="utf-8").split("\n")[1:]
        )
        texts += [r.split("\t")[-1] for r in rows if r.strip()]
    texts += (root / "tatoeba_urd_eng" / "tatoeba.urd-eng.urd").read_text(encoding="utf-8").split("\n")
    texts = [t.strip() for t in texts if t.strip()][:target]
    for i, text in enumerate(texts):
        (folder / f"p{i:05d}.txt").write_text(text, encoding="utf-8")
    return len(texts)


def main(argv: list[str] | None = None) -> int:
    from bot.cli import _settings
    from bot.config import load_config
    from bot.pipeline import build_pipeline
    from models.embedders import make_embedder
    from retrieval.index import build_index, load_data
    from retrieval.search import HybridRetriever

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default=None)
    ap.add_argument("--passages", type=int, default=10_000)
    ap.add_argument("--out", default="reports/bench.json")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    report: dict[str, object] = {}
    work = Path(tempfile.mkdtemp(prefix="rahnuma-bench-"))
    try:
        corpus, index, cache = work / "corpus", work / "index", work / "cache"
        corpus.mkdir()
        n_files = write_bench_corpus(corpus, args.passages)
        embedder = make_embedder(cfg.embedder.backend, cfg.embedder.path, cfg.embedder.threads, str(cache))
        t0 = time.perf_counter()
        build_index(corpus, index, cache, embedder, _settings(cfg))
        first = time.perf_counter() - t0
        data = load_data(index)
        n_passages = len(data.passages)
        t0 = time.perf_counter()
        build_index(corpus, index, cache, embedder, _settings(cfg))
        second = time.perf_counter() - t0
        report["ingest"] = {
            "files": n_files,
            "passages": n_passages,
            "windows": len(data.window_owner),
            "first_build_s": round(first, 1),
            "passages_per_s": round(n_passages / first, 1),
            "reindex_unchanged_s": round(second, 2),
            "reindex_share": round(second / first, 4),
        }
        retriever = HybridRetriever(data, embedder)
        retriever.load()
        questions = [it.question for it in load_uqa(benchmarks_root() / "uqa_squad2_ur_dev")[:200]]
        dak = benchmarks_root() / "dakshina_ur_romanized" / "ur.romanized.rejoined.dev.roman.txt"
        roman = [" ".join(s.split()[:12]) for s in dak.read_text(encoding="utf-8").split("\n")[:100]]
        queries = questions + roman
        for q in queries[:20]:
            retriever.search(q)  # warm-up
        ms = []
        for q in queries:
            t0 = time.perf_counter()
            retriever.search(q)
            ms.append((time.perf_counter() - t0) * 1000)
        report["retrieval_latency_ms_10k"] = percentiles(ms)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pipeline = build_pipeline(cfg)
    rows = [
        json.loads(line)
        for line in (Path(__file__).parent / "data" / "citizen_questions.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    for row in rows[:20]:
        pipeline.answer(row["text"])
    ms = []
    for row in rows:
        t0 = time.perf_counter()
        pipeline.answer(row["text"])
        ms.append((time.perf_counter() - t0) * 1000)
    report["pipeline_latency_ms"] = percentiles(ms)
    report["_meta"] = {
        "embedder": pipeline.embedder.id,
        "index": pipeline.data.manifest.get("version"),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    print(json.dumps(report, indent=2))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
