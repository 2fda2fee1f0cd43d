"""`make bench`: latency and ingest figures on this machine (a script, never a timed test).

1. Ingest: build an index of 10,000 Urdu passages (Dakshina, FLORES and Tatoeba sentences as plain-text
   files) with a cold embedding cache: passages per second.
2. Re-index the unchanged corpus (warm cache): its time as a share of the first build (target <= 5%).
3. Warm in-process retrieval latency on that index: p50/p95 over 300 Urdu and Roman-Urdu queries
   (target p50 <= 25 ms, p95 <= 60 ms); then the same queries split into the e5 query embedding and
   the search given the vector, to show where the time goes; and the 541 citizen dev questions
   (shorter, chat-style messages) on the same index.
4. Warm pipeline latency per citizen message on the service-corpus index (target p50 <= 40 ms).
Writes reports/bench.json.

The bench corpus, index and cache live in ``--work`` (default ``var/bench``) and are kept: a later
run re-uses the built index and measures only steps 2-4, reporting the first build's figures from
the run that made it (with that run's date). ``--fresh`` deletes the folder and measures all four.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections.abc import Callable
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


def timings_ms(call: Callable[[str], object], texts: list[str]) -> list[float]:
    """Wall time of ``call(text)`` for each text, in milliseconds."""
    ms = []
    for text in texts:
        t0 = time.perf_counter()
        call(text)
        ms.append((time.perf_counter() - t0) * 1000)
    return ms


def bench_queries() -> list[str]:
    """The 300 latency queries: 200 UQA dev questions and 100 Dakshina Roman-Urdu sentences cut to
    12 words."""
    questions = [it.question for it in load_uqa(benchmarks_root() / "uqa_squad2_ur_dev")[:200]]
    dak = benchmarks_root() / "dakshina_ur_romanized" / "ur.romanized.rejoined.dev.roman.txt"
    roman = [" ".join(s.split()[:12]) for s in dak.read_text(encoding="utf-8").split("\n")[:100]]
    return questions + roman


def citizen_rows() -> list[dict[str, str]]:
    path = Path(__file__).parent / "data" / "citizen_questions.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    from bot.cli import _settings
    from bot.config import load_config
    from bot.pipeline import build_pipeline
    from models.embedders import embedder_from_config
    from retrieval.index import build_index, load_data
    from retrieval.search import HybridRetriever

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default=None)
    ap.add_argument("--passages", type=int, default=10_000)
    ap.add_argument("--out", default="reports/bench.json")
    ap.add_argument("--work", default="var/bench", help="kept bench corpus/index/cache folder")
    ap.add_argument("--fresh", action="store_true", help="delete --work first: measure a cold build")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    report: dict[str, object] = {}
    work = Path(args.work)
    corpus, index, cache, first_run = work / "corpus", work / "index", work / "cache", work / "first_build.json"
    kept = json.loads(first_run.read_text()) if first_run.exists() else None
    if args.fresh or (kept is not None and kept.get("target", kept["files"]) != args.passages):
        shutil.rmtree(work, ignore_errors=True)  # asked to, or the kept build is of another size
    embedder = embedder_from_config(cfg.embedder, str(cache))
    if not first_run.exists():
        shutil.rmtree(work, ignore_errors=True)
        corpus.mkdir(parents=True)
        n_files = write_bench_corpus(corpus, args.passages)
        t0 = time.perf_counter()
        build_index(corpus, index, cache, embedder, _settings(cfg))
        first = time.perf_counter() - t0
        first_run.write_text(
            json.dumps(
                {
                    "files": n_files,
                    "target": args.passages,
                    "first_build_s": round(first, 1),
                    "date": time.strftime("%Y-%m-%d %H:%M"),
                }
            )
        )
    built = json.loads(first_run.read_text())
    data = load_data(index)
    n_passages = len(data.passages)
    t0 = time.perf_counter()
    build_index(corpus, index, cache, embedder, _settings(cfg))
    second = time.perf_counter() - t0
    report["ingest"] = {
        "files": built["files"],
        "passages": n_passages,
        "windows": len(data.window_owner),
        "first_build_s": built["first_build_s"],
        "first_build_date": built["date"],
        "passages_per_s": round(n_passages / built["first_build_s"], 1),
        "reindex_unchanged_s": round(second, 2),
        "reindex_share": round(second / built["first_build_s"], 4),
    }
    retriever = HybridRetriever(data, embedder)
    retriever.load()
    queries = bench_queries()
    for q in queries[:20]:
        retriever.search(q)  # warm-up
    report["retrieval_latency_ms_10k"] = percentiles(timings_ms(retriever.search, queries))
    # the same queries split in two: the e5 query embedding alone, and the search given the vector
    embed_ms, search_ms = [], []
    for q in queries:
        t0 = time.perf_counter()
        vec = retriever.embed_query(q)
        t1 = time.perf_counter()
        retriever.search(q, vec)
        embed_ms.append((t1 - t0) * 1000)
        search_ms.append((time.perf_counter() - t1) * 1000)
    report["query_embedding_ms"] = percentiles(embed_ms)
    report["search_given_vector_ms_10k"] = percentiles(search_ms)
    texts = [row["text"] for row in citizen_rows()]
    report["retrieval_latency_ms_10k_citizen_questions"] = percentiles(timings_ms(retriever.search, texts))
    pipeline = build_pipeline(cfg)
    for text in texts[:20]:
        pipeline.answer(text)  # warm-up
    report["pipeline_latency_ms"] = percentiles(timings_ms(pipeline.answer, texts))
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
