"""Fit the confidence model on the citizen `tune` split: `rahnuma calibrate` (or `make calibrate`).

Each tune question that reaches retrieval becomes one example: its retrieval features, labelled 1
when the top service is one of the expected ones, 0 when it is wrong or the question must not be
answered. A logistic regression (L2, standardised features) is fitted with plain gradient descent
and written to bot/confidence_weights.json. The `test` split is never read here.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bot.confidence import FEATURES, WEIGHTS_PATH
from bot.config import load_config
from bot.routing import route_message
from bot.sections import detect_section
from bot.session import SessionState
from models.langid import detect_language

QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "data" / "citizen_questions.jsonl"


def load_questions(split: str, path: Path = QUESTIONS) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def examples(pipeline, rows: list[dict[str, object]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Features, labels (top service right) and whether each question is answerable at all."""
    xs, ys, answerable = [], [], []
    for row in rows:
        text = str(row["text"])
        if route_message(text).outcome is not None:
            continue  # decided by rules, not by confidence
        guess = detect_language(text)
        a = pipeline._assess(text, SessionState(), detect_section(text), guess)
        if a.service is None:
            continue
        expected = row.get("expected_services") or []
        xs.append([v for _, v in a.features])
        ys.append(1.0 if a.service.service_id in expected else 0.0)  # type: ignore[operator]
        answerable.append(row.get("expected_handoff") is None)
    return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64), np.asarray(answerable, bool)


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
    tune = load_questions("tune")
    x, y, answerable = examples(pipeline, tune)
    routed_mna = sum(1 for r in tune if r["expected_handoff"] and route_message(str(r["text"])).outcome is not None)
    w, b = fit_logistic(x, y)
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    acc = float(((p >= 0.5) == (y == 1)).mean())
    Path(args.out).write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(float(v), 6) for v in w],
                "bias": round(float(b), 6),
                "fitted_on": f"citizen tune split, {len(y)} examples ({int(y.sum())} positive), "
                f"index {pipeline.data.manifest.get('version')}, {time.strftime('%Y-%m-%d')}",
                "train_accuracy": round(acc, 4),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"fitted on {len(y)} tune examples ({int(y.sum())} positive); train accuracy {acc:.3f}; wrote {args.out}")
    for name, weight in zip(FEATURES, w, strict=True):
        print(f"  {name:14s} {weight:+.3f}")
    print("threshold  must-not-answer recall  answerable handed off  answered accuracy   (tune split)")
    for row in threshold_table(p, y, answerable, routed_mna):
        print(
            f"  {row['threshold']:.2f}     {row['mna_recall']:.3f}                  {row['answerable_handed_off']:.3f}"
            f"                  {row['answered_accuracy']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
