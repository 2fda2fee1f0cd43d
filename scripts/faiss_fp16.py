"""FAISS candidate search over the `make bench` index: float32 `IndexFlatIP` against the float16
scalar-quantised index the retriever uses (`retrieval.index.candidate_index`). A measurement script.

    .venv/bin/python scripts/faiss_fp16.py [--work var/bench]

Queries: 300 passage vectors of the index, each perturbed with Gaussian noise (sd 0.05 per
dimension), searched one at a time for the top 100, as the retriever does. Prints the median time per
search of each index and how many of float32's top 100 the float16 index also returns.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    import faiss
    import numpy as np

    from retrieval.index import candidate_index, load_data

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="var/bench", help="the folder `make bench` keeps its index in")
    args = ap.parse_args(argv)
    data = load_data(Path(args.work) / "index")
    for name, vecs in (("passages", data.passage_vecs), ("windows", data.window_vecs)):
        flat = faiss.IndexFlatIP(vecs.shape[1])
        flat.add(vecs)
        half = candidate_index(faiss, vecs)
        rng = np.random.default_rng(0)
        queries = vecs[rng.choice(len(vecs), 300)] + 0.05 * rng.standard_normal((300, vecs.shape[1])).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        for index in (flat, half):
            for q in queries[:20]:
                index.search(q[None, :], 100)  # warm-up
        ms: dict[str, list[float]] = {"float32": [], "float16": []}
        overlap = []
        for q in queries:
            for label, index in (("float32", flat), ("float16", half)):
                t0 = time.perf_counter()
                _, ids = index.search(q[None, :], 100)
                ms[label].append((time.perf_counter() - t0) * 1000)
                if label == "float32":
                    top = set(ids[0].tolist())
                else:
                    overlap.append(len(top & set(ids[0].tolist())) / 100)
        print(f"{name} ({len(vecs):,} vectors): float32 {np.median(ms['float32']):.2f} ms, "
              f"float16 {np.median(ms['float16']):.2f} ms per search; top-100 overlap {np.mean(overlap):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
