"""Fit the message classifiers (``bot/intent.py``): `rahnuma train-intent`.

Training data, never the citizen `test` split:
- the citizen `tune` split (eval/data/citizen_questions.jsonl): answerable or its handoff reason,
  and the section where one is labelled;
- bot/data/train_questions.jsonl: answerable questions labelled with service and section;
- bot/data/scope_train_mna.jsonl: messages the bot must not answer, labelled with the reason.

Prints 5-fold cross-validated figures on that data (scope: must-not-answer recall and answerable
messages handed off at several thresholds; section accuracy) and, when present, the same on the
independent validation set eval/data/citizen_validation.jsonl, then fits on all of it and writes
bot/intent_weights.npz.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.intent import SCOPE_CLASSES, SECTION_CLASSES, WEIGHTS_PATH, IntentModels, LinearClassifier, featurise

ROOT = Path(__file__).resolve().parents[1]
CITIZEN = ROOT / "eval" / "data" / "citizen_questions.jsonl"
VALIDATION = ROOT / "eval" / "data" / "citizen_validation.jsonl"
TRAIN_QUESTIONS = Path(__file__).with_name("data") / "train_questions.jsonl"
TRAIN_MNA = Path(__file__).with_name("data") / "scope_train_mna.jsonl"
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
    for _, row in _rows(TRAIN_QUESTIONS, ("text", "service_id", "section")):
        out.append(Example(str(row["text"]), "answerable", str(row["section"]), TRAIN_QUESTIONS.name,
                           (str(row["service_id"]),)))
    for _, row in _rows(TRAIN_MNA, ("text", "label")):
        out.append(Example(str(row["text"]), str(row["label"]), None, TRAIN_MNA.name))
    bad = sorted({e.scope for e in out} - set(SCOPE_CLASSES)) + sorted(
        {e.section for e in out if e.section} - set(SECTION_CLASSES))
    if bad:
        raise ValueError(f"unknown labels in the training data: {bad}; allowed {SCOPE_CLASSES} and {SECTION_CLASSES}")
    return out


def features_for(embedder, texts: list[str]) -> np.ndarray:  # type: ignore[no-untyped-def]
    vecs = np.concatenate([embedder.embed_queries(texts[i:i + 64]) for i in range(0, len(texts), 64)])
    return np.stack([featurise(t, v) for t, v in zip(texts, vecs, strict=True)])


def fit_scope(x: np.ndarray, labels: list[str]) -> LinearClassifier:
    return LinearClassifier.fit(x, labels, SCOPE_CLASSES)


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


def out_of_fold_scope(x: np.ndarray, examples: list[Example], folds: int = 5) -> list[dict[str, float]]:
    """Each example's scope probabilities from a model that did not see it (for stacking them into
    the confidence model without in-sample optimism)."""
    fold = np.random.default_rng(0).integers(0, folds, len(examples))
    out: list[dict[str, float]] = [{} for _ in examples]
    for f in range(folds):
        tr = fold != f
        scope = fit_scope(x[tr], [e.scope for e, m in zip(examples, tr, strict=True) if m])
        for i in np.flatnonzero(~tr):
            out[i] = scope.probabilities(x[i])
    return out


def cross_validate(x: np.ndarray, examples: list[Example], folds: int = 5) -> None:
    fold = np.random.default_rng(0).integers(0, folds, len(examples))
    p_ans = np.asarray([p["answerable"] for p in out_of_fold_scope(x, examples, folds)])
    sec_idx = np.asarray([e.section is not None for e in examples])
    sec_pred: dict[int, str] = {}
    for f in range(folds):
        tr, te = fold != f, fold == f
        trs = tr & sec_idx
        section = fit_section(x[trs], [str(e.section) for e, m in zip(examples, trs, strict=True) if m])
        for i in np.flatnonzero(te & sec_idx).tolist():
            probs = section.probabilities(x[i])
            sec_pred[i] = max(probs, key=probs.__getitem__)
    print(f"{folds}-fold cross-validation on the training data ({len(examples)} messages):")
    print("\n".join(scope_report(p_ans, [e.scope for e in examples])))
    acc = np.mean([sec_pred[i] == examples[i].section for i in sec_pred])
    print(f"  section accuracy {acc:.3f} on {len(sec_pred)} labelled questions")


def main(argv: list[str] | None = None) -> int:
    from bot.config import load_config
    from models.embedders import make_embedder

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default=None)
    ap.add_argument("--out", default=str(WEIGHTS_PATH))
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    embedder = make_embedder(cfg.embedder.backend, cfg.embedder.path, cfg.embedder.threads,
                             str(cfg.resolve(cfg.index.cache_path)))
    examples = training_examples()
    x = features_for(embedder, [e.text for e in examples])
    if not args.no_cv:
        cross_validate(x, examples)
    sec = [i for i, e in enumerate(examples) if e.section]
    models = IntentModels(
        scope=fit_scope(x, [e.scope for e in examples]),
        section=fit_section(x[sec], [str(examples[i].section) for i in sec]),
        meta={"embedder": embedder.id, "date": time.strftime("%Y-%m-%d"),
              "trained_on": sorted({e.source for e in examples}), "n_messages": len(examples),
              "n_sections": len(sec)},
    )
    if VALIDATION.exists():
        val = citizen_examples(VALIDATION, "validation")
        xv = features_for(embedder, [e.text for e in val])
        p_ans = np.asarray([models.scope.probabilities(v)["answerable"] for v in xv])
        print(f"independent validation set ({len(val)} messages, {VALIDATION.name}):")
        print("\n".join(scope_report(p_ans, [e.scope for e in val])))
        labelled = [(v, e.section) for v, e in zip(xv, val, strict=True) if e.section]
        hits = [max(p := models.section.probabilities(v), key=p.__getitem__) == s for v, s in labelled]
        print(f"  section accuracy {np.mean(hits):.3f} on {len(hits)} labelled questions")
    models.save(Path(args.out))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
