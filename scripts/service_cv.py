"""Held-out top-1 service accuracy of the full pipeline on the training questions.

    .venv/bin/python scripts/service_cv.py [--script latin|arabic|all] [--keyword-weight 0 0.5 ...]

The training questions (the citizen `tune` split and `bot/data/train_questions*.jsonl`, never the
`test` split) are split into the five folds `rahnuma train-intent` uses. For each fold the service
classifier is refitted on the other four, and every answerable question of the fold is answered by
the full pipeline (shipped index, scope and section classifiers, confidence model) with that
classifier: the service ranking sees each question as it would an unseen one. Prints top-1 per
training file for each ``keyword_weight`` (`[answer]` in rahnuma.toml) asked for. About 2,000
questions in the wider set than the tune split alone, written by four authors. A measurement
script, not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from bot.config import load_config
    from bot.pipeline import build_pipeline
    from bot.train_intent import features_for, fit_service, service_labels, training_examples

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--script", choices=("latin", "arabic", "all"), default="all",
                    help="which questions: Latin script (English, Roman Urdu), Arabic script, or all")
    ap.add_argument("--keyword-weight", type=float, nargs="+", default=None,
                    help="keyword_weight values to compare (default: the config's)")
    ap.add_argument("--misses", action="store_true", help="print the questions each setting gets wrong")
    args = ap.parse_args(argv)

    pipeline = build_pipeline(load_config(None))
    pipeline.load()
    assert pipeline.intents is not None and pipeline.retriever is not None, "run `make calibrate` first"
    examples = training_examples()
    x = features_for(pipeline.retriever.embedder, [e.text for e in examples])
    idx, labels, classes = service_labels(examples)
    fold = np.random.default_rng(0).integers(0, 5, len(examples))  # as train_intent.out_of_fold
    wanted = {"latin": lambda t: t.isascii(), "arabic": lambda t: not t.isascii(), "all": lambda t: True}[args.script]
    weights = args.keyword_weight or [pipeline.config.answer.keyword_weight]
    shipped_config, shipped_intents = pipeline.config, pipeline.intents
    right: dict[float, dict[str, list[bool]]] = {w: defaultdict(list) for w in weights}
    try:
        for f in range(5):
            keep = [k for k, i in enumerate(idx) if fold[i] != f]
            model = fit_service(x[[idx[k] for k in keep]], [labels[k] for k in keep], classes)
            pipeline.intents = replace(shipped_intents, service=model)
            for w in weights:
                answer_cfg = shipped_config.answer.model_copy(update={"keyword_weight": w})
                pipeline.config = shipped_config.model_copy(update={"answer": answer_cfg})
                for i in idx:
                    e = examples[i]
                    if fold[i] != f or not wanted(e.text):
                        continue
                    reply = pipeline.answer(e.text)
                    top = reply.candidates[0] if reply.candidates else reply.service_id
                    right[w][e.source].append(top in e.services)
                    if args.misses and top not in e.services:
                        print(f"  miss w={w} [{e.source}] {e.text!r}: got {top}, expected {list(e.services)}")
    finally:
        pipeline.config, pipeline.intents = shipped_config, shipped_intents
    sources = sorted(right[weights[0]])
    print(f"top-1 service accuracy, service classifier out of fold, {args.script} questions")
    print(f"  {'keyword_weight':>14}  " + "  ".join(f"{s[:24]:>24}" for s in sources) + f"  {'all':>12}")
    for w in weights:
        cells = [f"{np.mean(right[w][s]):.3f} ({len(right[w][s])})" for s in sources]
        total = [ok for s in sources for ok in right[w][s]]
        print(f"  {w:>14}  " + "  ".join(f"{c:>24}" for c in cells) + f"  {np.mean(total):.3f} ({len(total)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
