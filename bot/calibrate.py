"""Fit the confidence model: `rahnuma calibrate` (or `make calibrate`), after `rahnuma train-intent`.

The training messages of ``bot/train_intent.py`` (the citizen `tune` split and bot/data/) that reach
retrieval each become one example: retrieval features (services ranked with the service
classifier's out-of-fold probabilities, as the pipeline ranks them) plus the message classifier's
out-of-fold log-odds, labelled 1 when the message is answerable and the top service is one of the expected
ones, 0 otherwise. A logistic regression (L2, standardised features) is fitted with plain gradient
descent and written to bot/confidence_weights.json. The `test` split is never read here.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bot.confidence import FEATURES, WEIGHTS_PATH
from bot.config import load_config
from bot.intent import query_vec_of
from bot.routing import route_message
from bot.sections import detect_section
from bot.session import SessionState
from bot.train_intent import Example, features_for, out_of_fold_scope, out_of_fold_service, training_examples
from models.langid import detect_language


def examples(pipeline, rows: list[Example], x: np.ndarray,  # type: ignore[no-untyped-def]
             scope: list[dict[str, float]],
             service: list[dict[str, float]] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Features, labels (top service right) and whether each message is answerable at all, for the
    messages that reach the confidence model; plus how many must-not-answer messages the rules, the
    uncovered-services registry or the sure classifier hand off before it."""
    xs, ys, answerable, caught = [], [], [], 0
    threshold = pipeline.config.answer.scope_threshold
    for i, (row, feats, probs) in enumerate(zip(rows, x, scope, strict=True)):
        sure = max(v for k, v in probs.items() if k != "answerable") >= threshold
        if route_message(row.text).outcome is not None or pipeline._uncovered(row.text).outcome is not None or sure:
            caught += row.scope != "answerable"
            continue  # decided before the confidence model
        guess = detect_language(row.text)
        asked = detect_section(row.text)
        a = pipeline._assess(row.text, SessionState(), asked, guess, query_vec_of(feats), probs,
                             service_probs=service[i] if service else None)
        if a.service is None:
            caught += row.scope != "answerable"
            continue
        xs.append([v for _, v in a.features])
        ys.append(1.0 if row.scope == "answerable" and a.service.service_id in row.services else 0.0)
        answerable.append(row.scope == "answerable")
    return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64), np.asarray(answerable, bool), caught


def threshold_table(p: np.ndarray, y: np.ndarray, answerable: np.ndarray, n_routed_mna: int) -> list[dict[str, float]]:
    """For candidate thresholds: handoff recall on must-not-answer questions (rule-routed ones count
    as caught), share of answerable questions handed off, and accuracy of what is answered."""
    rows = []
    n_mna = int((~answerable).sum()) + n_routed_mna
    for t in np.round(np.arange(0.05, 0.96, 0.05), 2):
        answered = p >= t
        caught = int((~answered & ~answerable).sum()) + n_routed_mna
        rows.append(
            {
                "threshold": float(t),
                "mna_recall": caught / max(1, n_mna),
                "answerable_handed_off": float((~answered & answerable).sum() / max(1, answerable.sum())),
                "answered_accuracy": float(y[answered & answerable].mean()) if (answered & answerable).any() else 0.0,
            }
        )
    return rows


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 0.05, steps: int = 4000, lr: float = 0.2
) -> tuple[np.ndarray, float]:
    """Weights and bias on the original feature scale."""
    mean, std = x.mean(0), x.std(0)
    std[std < 1e-9] = 1.0
    z = (x - mean) / std
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        grad_w = z.T @ (p - y) / len(y) + l2 * w
        grad_b = float((p - y).mean())
        w -= lr * grad_w
        b -= lr * grad_b
    return w / std, b - float((w * mean / std).sum())


def main(argv: list[str] | None = None) -> int:
    from bot.pipeline import build_pipeline

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default=None)
    ap.add_argument("--out", default=str(WEIGHTS_PATH))
    args = ap.parse_args(argv)
    pipeline = build_pipeline(load_config(args.config))
    rows = training_examples()
    feats = features_for(pipeline.embedder, [r.text for r in rows])
    scope = out_of_fold_scope(feats, rows)
    service = out_of_fold_service(feats, rows) if pipeline.intents and pipeline.intents.service else None
    x, y, answerable, routed_mna = examples(pipeline, rows, feats, scope, service)
    w, b = fit_logistic(x, y)
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    acc = float(((p >= 0.5) == (y == 1)).mean())
    Path(args.out).write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(float(v), 6) for v in w],
                "bias": round(float(b), 6),
                "fitted_on": f"training messages (citizen tune split + bot/data), {len(y)} examples "
                f"({int(y.sum())} positive), "
                f"index {pipeline.data.manifest.get('version')}, {time.strftime('%Y-%m-%d')}",
                "train_accuracy": round(acc, 4),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"fitted on {len(y)} training examples ({int(y.sum())} positive); train accuracy {acc:.3f}; wrote {args.out}")
    for name, weight in zip(FEATURES, w, strict=True):
        print(f"  {name:14s} {weight:+.3f}")
    print("threshold  must-not-answer recall  answerable handed off  answered accuracy   (training messages)")
    for row in threshold_table(p, y, answerable, routed_mna):
        print(
            f"  {row['threshold']:.2f}     {row['mna_recall']:.3f}                  {row['answerable_handed_off']:.3f}"
            f"                  {row['answered_accuracy']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
