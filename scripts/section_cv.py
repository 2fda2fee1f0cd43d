"""Held-out section accuracy of the full pipeline on the section-labelled training questions.

    .venv/bin/python scripts/section_cv.py [--misses] [--cue-weight 2.0 1.0 ...]
                                           [--retrieval-weight 0.5 ...]

The questions the section classifier learns from (the citizen `tune` split, the section-labelled
`bot/data/train_questions*.jsonl` files outside NO_SECTION_LABELS, and the validation set; never the
`test` split) are split into five folds. For each fold the section classifier is refitted on the
other four and every question of the fold is answered by the full pipeline with it. Prints, per
source, the section accuracy over all questions (a wrong service or a handoff counts as wrong, as in
`make eval-citizen`) and given the right service, and the confusion of labelled against chosen
sections. A measurement script, not a test.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from bot.config import load_config
    from bot.intent import SECTION_CLASSES
    from bot.pipeline import build_pipeline
    from bot.train_intent import (
        VALIDATION,
        citizen_examples,
        features_for,
        fit_section,
        learns_section,
        section_data,
        training_examples,
    )

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--misses", action="store_true", help="print the questions whose section is wrong")
    ap.add_argument("--cue-weight", type=float, nargs="+", default=None,
                    help="section_cue_weight values to compare (default: the config's)")
    ap.add_argument("--retrieval-weight", type=float, nargs="+", default=None,
                    help="section_retrieval_weight values to compare (default: the config's)")
    args = ap.parse_args(argv)

    pipeline = build_pipeline(load_config(None))
    assert pipeline.intents is not None and pipeline.retriever is not None, "run `make calibrate` first"
    examples = training_examples()
    val = citizen_examples(VALIDATION, "validation")
    embedder = pipeline.retriever.embedder
    x = features_for(embedder, [e.text for e in examples])
    xv = features_for(embedder, [e.text for e in val])
    xs, sections, sources = section_data(x, examples, xv, val)
    labelled = [e for e in examples + val if learns_section(e)]  # in section_data's order
    fold = np.random.default_rng(0).integers(0, 5, len(sections))  # as train_intent.out_of_fold
    cfg = pipeline.config
    settings = [(c, r) for c in (args.cue_weight or [cfg.answer.section_cue_weight])
                for r in (args.retrieval_weight or [cfg.answer.section_retrieval_weight])]
    shipped_config, shipped_intents = pipeline.config, pipeline.intents
    right: dict[tuple[float, float], dict[str, list[tuple[bool, bool]]]] = {s: defaultdict(list) for s in settings}
    confusion: dict[tuple[float, float], Counter[tuple[str, str]]] = {s: Counter() for s in settings}
    try:
        for f in range(5):
            train = fold != f
            model = fit_section(xs[train], [s for s, m in zip(sections, train, strict=True) if m])
            pipeline.intents = replace(shipped_intents, section=model)
            for cue, ret in settings:
                answer_cfg = shipped_config.answer.model_copy(
                    update={"section_cue_weight": cue, "section_retrieval_weight": ret})
                pipeline.config = shipped_config.model_copy(update={"answer": answer_cfg})
                for i in np.flatnonzero(fold == f):
                    e = labelled[i]
                    reply = pipeline.answer(e.text)
                    service_ok = reply.service_id in e.services
                    ok = service_ok and reply.section == e.section
                    right[(cue, ret)][sources[i]].append((ok, service_ok))
                    if service_ok:
                        confusion[(cue, ret)][(str(e.section), str(reply.section))] += 1
                    if args.misses and service_ok and not ok:
                        print(f"  miss cue={cue} ret={ret} [{sources[i]}] {e.text!r}: "
                              f"got {reply.section}, labelled {e.section}")
    finally:
        pipeline.config, pipeline.intents = shipped_config, shipped_intents
    print("section accuracy, section classifier out of fold: all questions / given the right service")
    for setting in settings:
        print(f"  section_cue_weight={setting[0]} section_retrieval_weight={setting[1]}")
        rows = right[setting]
        for source in sorted(rows) + ["all"]:
            pairs = [p for s in rows for p in rows[s]] if source == "all" else rows[source]
            given = [ok for ok, sv in pairs if sv]
            print(f"    {source:42s} {np.mean([ok for ok, _ in pairs]):.3f}  {np.mean(given):.3f}  ({len(pairs)})")
    setting = settings[0]
    print(f"confusion given the right service (rows labelled, columns chosen), {setting}:")
    names = [s[:6] for s in SECTION_CLASSES]
    print("  " + " " * 16 + " ".join(f"{n:>6}" for n in names))
    for a in SECTION_CLASSES:
        print(f"  {a:16s}" + " ".join(f"{confusion[setting][(a, b)]:>6}" for b in SECTION_CLASSES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
