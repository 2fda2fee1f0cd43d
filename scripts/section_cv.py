"""Held-out section accuracy of the full pipeline on the section-labelled training questions.

    .venv/bin/python scripts/section_cv.py [--misses] [--cue-weight 2.0 1.0 ...]
                                           [--retrieval-weight 0.5 ...]
                                           [--second-opinion eval/data/section_second_opinion.jsonl]

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
    ap.add_argument("--second-opinion", type=Path, default=None,
                    help="a second annotator's section labels (eval/data/section_second_opinion.jsonl): "
                         "also print how often the annotators agree, and the system with each")
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
    chosen: dict[tuple[float, float], dict[str, str]] = {s: {} for s in settings}  # text -> section, right service
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
                    if service_ok:
                        chosen[(cue, ret)][e.text] = str(reply.section)
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
    if args.second_opinion:
        print_agreement(args.second_opinion, labelled, sources, chosen[setting])
    return 0


def print_agreement(path: Path, labelled: list, sources: list[str], chosen: dict[str, str]) -> None:  # type: ignore[type-arg]
    """Per source: how often a second annotator's section is the first's (and the first's is one of the
    second's two), and how often the system's section (right service, out of fold) is each's."""
    import json

    from bot.intent import SECTION_CLASSES

    second = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        row = json.loads(line)
        if row.get("section") not in SECTION_CLASSES or row.get("second") not in (*SECTION_CLASSES, None):
            raise SystemExit(f"{path}:{n}: section {row.get('section')!r} / second {row.get('second')!r} is not "
                             f"one of {SECTION_CLASSES} (second may be null)")
        second[row["text"]] = (row["section"], row["second"])
    rows: dict[str, list[tuple[bool, bool, bool | None, bool | None]]] = defaultdict(list)
    for e, source in zip(labelled, sources, strict=True):
        if e.text not in second:
            continue
        first, two = second[e.text]
        got = chosen.get(e.text)
        rows[source].append((first == e.section, e.section in (first, two),
                             None if got is None else got == e.section, None if got is None else got == first))
    print(f"second annotator ({path.name}) against the labels, and the system (right service, out of fold):")
    print(f"  {'source':42s} {'n':>4s} {'agree':>6s} {'in its two':>10s} {'system=labels':>14s} {'system=second':>14s}")
    for source in sorted(rows):
        r = rows[source]
        sys_rows = [x for x in r if x[2] is not None]
        print(f"  {source:42s} {len(r):4d} {np.mean([x[0] for x in r]):6.3f} {np.mean([x[1] for x in r]):10.3f} "
              f"{np.mean([x[2] for x in sys_rows]):14.3f} {np.mean([x[3] for x in sys_rows]):14.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
