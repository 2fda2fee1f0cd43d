"""Fit the message classifiers (``bot/intent.py``): `rahnuma train-intent`.

Training data, never the citizen `test` split:
- the citizen `tune` split (eval/data/citizen_questions.jsonl): answerable or its handoff reason,
  and the section where one is labelled;
- bot/data/train_questions*.jsonl: answerable questions labelled with service and section (the
  section labels of the files in NO_SECTION_LABELS are not used);
- bot/data/scope_train_mna*.jsonl: messages the bot must not answer, labelled with the reason;
- the service classifier learns from the answerable ones of these that name their service;
- for the section classifier only, also the section-labelled questions of the validation set
  eval/data/citizen_validation.jsonl (another author's labelling habits: with them the classifier
  gained four points on the tune split held out, docs/benchmarks.md). The scope classifier never
  sees the validation set, which stays independent for it and for the thresholds.

Prints 5-fold cross-validated figures (scope: must-not-answer recall and answerable messages handed
off at several thresholds; service top-1; section accuracy per source), then the scope and service
classifiers on the validation set, fits on all of it and writes bot/intent_weights.npz.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.intent import SCOPE_CLASSES, SECTION_CLASSES, WEIGHTS_PATH, IntentModels, LinearClassifier, featurise

ROOT = Path(__file__).resolve().parents[1]
CITIZEN = ROOT / "eval" / "data" / "citizen_questions.jsonl"
VALIDATION = ROOT / "eval" / "data" / "citizen_validation.jsonl"
DATA = Path(__file__).with_name("data")
TRAIN_QUESTIONS = (DATA / "train_questions.jsonl", DATA / "train_questions_2.jsonl",
                   DATA / "train_questions_3.jsonl", DATA / "train_questions_4.jsonl",
                   DATA / "train_questions_5.jsonl")
TRAIN_MNA = (DATA / "scope_train_mna.jsonl", DATA / "scope_train_mna_2.jsonl", DATA / "scope_train_mna_3.jsonl")
# Files whose section labels the section classifier does not learn from (their services and scope it
# does). train_questions_4 labels a question with whichever section states the fact, often the FAQ;
# with those labels the section chosen for the tune split held out fell from 0.852 to 0.837 and for
# the validation set from 0.849 to 0.809 (5-fold, given the right service; docs/benchmarks.md).
# train_questions_5 (seventh session) the same way: with its labels, held out section accuracy on
# the tune split went 0.836 -> 0.840 but on the validation set 0.786 -> 0.780 and on the first two
# training files 0.837 -> 0.819 and 0.836 -> 0.827 (scripts/section_cv.py).
NO_SECTION_LABELS = frozenset({"train_questions_4.jsonl", "train_questions_5.jsonl"})
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    scope: str  # one of SCOPE_CLASSES
    section: str | None  # for answerable questions with a labelled section
    source: str
    services: tuple[str, ...] = ()  # the services that answer it (answerable questions)


def citizen_examples(path: Path, split: str) -> list[Example]:
    """The items of one split of a citizen question file (validated by its loader)."""
    from eval.datasets.citizen import load_citizen

    return [
        Example(item.text, item.expected_handoff or "answerable",
                None if item.expected_handoff else item.expected_section, f"{path.name}:{split}",
                item.expected_services)
        for item in load_citizen(path, split)
    ]


def _rows(path: Path, fields: tuple[str, ...]) -> list[tuple[int, dict[str, object]]]:
    """(line, row) of a training file; a missing or empty field is an error naming file and line."""
    from eval.datasets import field_error, iter_jsonl

    rows = list(iter_jsonl(path))
    for line, row in rows:
        for field in fields:
            if not isinstance(row.get(field), str) or not str(row[field]).strip():
                raise field_error(path, line, field, f"must be a non-empty string, got {row.get(field)!r}")
    return rows


def training_examples() -> list[Example]:
    out = citizen_examples(CITIZEN, "tune")
    for path in TRAIN_QUESTIONS:
        for _, row in _rows(path, ("text", "service_id", "section")):
            out.append(Example(str(row["text"]), "answerable", str(row["section"]), path.name,
                               (str(row["service_id"]),)))
    for path in TRAIN_MNA:
        for _, row in _rows(path, ("text", "label")):
            out.append(Example(str(row["text"]), str(row["label"]), None, path.name))
    bad = sorted({e.scope for e in out} - set(SCOPE_CLASSES)) + sorted(
        {e.section for e in out if e.section} - set(SECTION_CLASSES))
    if bad:
        raise ValueError(f"unknown labels in the training data: {bad}; allowed {SCOPE_CLASSES} and {SECTION_CLASSES}")
    return out


def features_for(embedder, texts: list[str]) -> np.ndarray:  # type: ignore[no-untyped-def]
    vecs = np.concatenate([embedder.embed_queries(texts[i:i + 64]) for i in range(0, len(texts), 64)])
    return np.stack([featurise(t, v) for t, v in zip(texts, vecs, strict=True)])


def fit_scope(x: np.ndarray, labels: list[str]) -> LinearClassifier:
    """Answerable and must-not-answer messages weigh the same in total, so adding answerable
    training questions does not shift the classifier's prior towards answering."""
    n_answerable = sum(1 for lab in labels if lab == "answerable")
    n_other = len(labels) - n_answerable
    weight = n_other / n_answerable if n_answerable and n_other else 1.0
    return LinearClassifier.fit(x, labels, SCOPE_CLASSES, class_weight={"answerable": weight})


def fit_section(x: np.ndarray, labels: list[str]) -> LinearClassifier:
    return LinearClassifier.fit(x, labels, SECTION_CLASSES)


def scope_report(p_answerable: np.ndarray, truth: list[str]) -> list[str]:
    """Per threshold on P(answerable): must-not-answer recall and answerable handed off."""
    mna = np.asarray([t != "answerable" for t in truth])
    lines = ["  threshold  mna recall  answerable handed off"]
    for t in THRESHOLDS:
        flagged = p_answerable < t
        recall = float(flagged[mna].mean()) if mna.any() else 0.0
        fp = float(flagged[~mna].mean()) if (~mna).any() else 0.0
        lines.append(f"  {t:.2f}       {recall:.3f}       {fp:.3f}")
    return lines


def service_labels(examples: list[Example]) -> tuple[list[int], list[str], tuple[str, ...]]:
    """The answerable examples that name their service: indices, labels (the first expected
    service) and the sorted service classes."""
    idx = [i for i, e in enumerate(examples) if e.scope == "answerable" and e.services]
    labels = [examples[i].services[0] for i in idx]
    return idx, labels, tuple(sorted(set(labels)))


def fit_service(x: np.ndarray, labels: list[str], classes: tuple[str, ...]) -> LinearClassifier:
    return LinearClassifier.fit(x, labels, classes)


def out_of_fold(x: np.ndarray, fit: Callable[[np.ndarray], LinearClassifier],
                folds: int = 5) -> list[dict[str, float]]:
    """Each row's probabilities from a model fitted (by ``fit``, given the training rows' mask) on
    the other folds: for stacking into the confidence model without in-sample optimism."""
    fold = np.random.default_rng(0).integers(0, folds, len(x))
    out: list[dict[str, float]] = [{} for _ in range(len(x))]
    for f in range(folds):
        model = fit(fold != f)
        for i in np.flatnonzero(fold == f):
            out[i] = model.probabilities(x[i])
    return out


def out_of_fold_service(x: np.ndarray, examples: list[Example], folds: int = 5) -> list[dict[str, float]]:
    """Each example's service probabilities from a model that did not see it (every message gets
    them, as in the pipeline; the must-not-answer ones are never trained on)."""
    idx, labels, classes = service_labels(examples)

    def fit(train: np.ndarray) -> LinearClassifier:
        keep = [k for k, i in enumerate(idx) if train[i]]
        return fit_service(x[[idx[k] for k in keep]], [labels[k] for k in keep], classes)

    return out_of_fold(x, fit, folds)


def out_of_fold_scope(x: np.ndarray, examples: list[Example], folds: int = 5) -> list[dict[str, float]]:
    """Each example's scope probabilities from a model that did not see it."""
    return out_of_fold(x, lambda train: fit_scope(x[train], [e.scope for e, m in zip(examples, train, strict=True)
                                                              if m]), folds)


def learns_section(e: Example) -> bool:
    """Does the section classifier learn from this question's section label?"""
    return bool(e.section) and e.source not in NO_SECTION_LABELS


def section_data(x: np.ndarray, examples: list[Example], xv: np.ndarray,
                 val: list[Example]) -> tuple[np.ndarray, list[str], list[str]]:
    """Features, section labels and sources of every section-labelled question: the training
    messages' and the validation set's, in that order."""
    rows = [(v, e) for v, e in zip(x, examples, strict=True) if learns_section(e)]
    rows += [(v, e) for v, e in zip(xv, val, strict=True) if learns_section(e)]
    if not rows:
        raise ValueError("no section-labelled questions in the training data")
    return np.stack([v for v, _ in rows]), [str(e.section) for _, e in rows], [e.source for _, e in rows]


def cross_validate(x: np.ndarray, examples: list[Example], xs: np.ndarray, sections: list[str],
                   sources: list[str], folds: int = 5) -> None:
    p_ans = np.asarray([p["answerable"] for p in out_of_fold_scope(x, examples, folds)])
    print(f"{folds}-fold cross-validation on the training data ({len(examples)} messages):")
    print("\n".join(scope_report(p_ans, [e.scope for e in examples])))
    probs = out_of_fold(xs, lambda train: fit_section(xs[train], [s for s, m in zip(sections, train, strict=True)
                                                                  if m]), folds)
    hit = np.asarray([max(p, key=p.__getitem__) == s for p, s in zip(probs, sections, strict=True)])
    service = out_of_fold_service(x, examples, folds)
    idx, labels, _ = service_labels(examples)
    top1 = [max(service[i], key=service[i].__getitem__) in examples[i].services for i in idx]
    print(f"  service top-1 of the classifier alone: {np.mean(top1):.3f} on {len(top1)} answerable questions")
    print(f"  section accuracy of the classifier alone, {len(sections)} labelled questions:")
    for source in sorted(set(sources)):
        mask = np.asarray([s == source for s in sources])
        print(f"    {source:40s} {hit[mask].mean():.3f}  ({int(mask.sum())})")


def main(argv: list[str] | None = None) -> int:
    from bot.config import load_config
    from models.embedders import embedder_from_config

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default=None)
    ap.add_argument("--out", default=str(WEIGHTS_PATH))
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    embedder = embedder_from_config(cfg.embedder, str(cfg.resolve(cfg.index.cache_path)))
    examples = training_examples()
    val = citizen_examples(VALIDATION, "validation")
    x = features_for(embedder, [e.text for e in examples])
    xv = features_for(embedder, [e.text for e in val])
    xs, sections, sources = section_data(x, examples, xv, val)
    if not args.no_cv:
        cross_validate(x, examples, xs, sections, sources)
    idx, labels, classes = service_labels(examples)
    models = IntentModels(
        scope=fit_scope(x, [e.scope for e in examples]),
        section=fit_section(xs, sections),
        service=fit_service(x[idx], labels, classes),
        meta={"embedder": embedder.id, "date": time.strftime("%Y-%m-%d"),
              "trained_on": sorted({e.source for e in examples}),
              "section_also_trained_on": sorted(set(sources) - {e.source for e in examples}),
              "n_messages": len(examples), "n_sections": len(sections)},
    )
    p_ans = np.asarray([models.scope.probabilities(v)["answerable"] for v in xv])
    print(f"scope classifier on the independent validation set ({len(val)} messages, {VALIDATION.name}):")
    print("\n".join(scope_report(p_ans, [e.scope for e in val])))
    assert models.service is not None
    hits = [max(p := models.service.probabilities(v), key=p.__getitem__) in e.services
            for v, e in zip(xv, val, strict=True) if e.scope == "answerable" and e.services]
    print(f"  service top-1 of the classifier alone: {np.mean(hits):.3f} on {len(hits)} answerable questions")
    models.save(Path(args.out))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
