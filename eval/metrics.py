"""Evaluation metrics: pure functions over plain Python sequences, no I/O.

Conventions used throughout:

* A metric that is *undefined* for its input (no relevant item, one class only, nothing answered,
  empty input) returns ``None``, never ``0`` or ``NaN``: a missing figure must not look like a bad
  one. ``mean_defined`` averages per-query values and skips those ``None`` values.
* Rankings are lists of ids, best first; a repeated id counts only at its first position.
* Confidences are floats in [0, 1]; correctness and labels are bools (or 0/1 ints).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
V = TypeVar("V")

__all__ = [
    "CurvePoint",
    "ReliabilityBin",
    "auroc",
    "aurc",
    "breakdown",
    "coverage_risk_curve",
    "dcg_at_k",
    "expected_calibration_error",
    "handoff_precision_recall",
    "hit_at_k",
    "latency_percentiles",
    "mean_defined",
    "mean_reciprocal_rank",
    "ndcg_at_k",
    "percentile",
    "ranks_summary",
    "recall_at_k",
    "reciprocal_rank",
    "reliability_bins",
    "selective_risk",
]


def _dedupe(ranked: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in ranked:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k={k}: cut-offs start at 1 (use k=1 for top-1)")


def mean_defined(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not ``None``; ``None`` when there are none.

    >>> mean_defined([1.0, None, 0.0])
    0.5
    """
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


# --------------------------------------------------------------------------------------- ranking


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float | None:
    """Share of the relevant ids found in the first ``k`` of ``ranked``.

    With one relevant id this is the usual hit rate ("R@k"). ``None`` when ``relevant`` is empty.

    >>> recall_at_k(["a", "b", "c"], {"b", "z"}, 2)
    0.5
    """
    _check_k(k)
    rel = set(relevant)
    if not rel:
        return None
    return len(rel.intersection(_dedupe(ranked)[:k])) / len(rel)


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float | None:
    """1.0 if any relevant id is among the first ``k``, else 0.0; ``None`` when ``relevant`` is empty.

    This is "top-k accuracy" when several ids are acceptable answers (e.g. two expected services).
    """
    _check_k(k)
    rel = set(relevant)
    if not rel:
        return None
    return 1.0 if rel.intersection(_dedupe(ranked)[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str]) -> float | None:
    """1 / (1-based position of the first relevant id); 0.0 if none is ranked; ``None`` if no relevant id.

    >>> reciprocal_rank(["a", "b", "c"], {"c"})
    0.3333333333333333
    """
    rel = set(relevant)
    if not rel:
        return None
    for i, item in enumerate(_dedupe(ranked), start=1):
        if item in rel:
            return 1.0 / i
    return 0.0


def mean_reciprocal_rank(
    rankings: Sequence[Sequence[str]], relevants: Sequence[Collection[str]]
) -> float | None:
    """MRR over queries; queries without any relevant id are skipped; ``None`` if none is left."""
    if len(rankings) != len(relevants):
        raise ValueError(f"{len(rankings)} rankings but {len(relevants)} relevance sets: pass one per query")
    return mean_defined(reciprocal_rank(r, rel) for r, rel in zip(rankings, relevants, strict=True))


def _gains(relevance: Mapping[str, float] | Collection[str]) -> dict[str, float]:
    if isinstance(relevance, Mapping):
        gains = {str(k): float(v) for k, v in relevance.items()}
        bad = {k: v for k, v in gains.items() if v < 0 or math.isnan(v)}
        if bad:
            raise ValueError(f"relevance grades must be >= 0, got {bad}")
        return gains
    return {str(k): 1.0 for k in relevance}


def dcg_at_k(ranked: Sequence[str], relevance: Mapping[str, float] | Collection[str], k: int) -> float:
    """Discounted cumulative gain with linear gain: sum of rel_i / log2(i + 1) over positions i = 1..k.

    ``relevance`` is either a mapping id -> grade (graded) or a collection of relevant ids (binary, grade 1).
    """
    _check_k(k)
    gains = _gains(relevance)
    return sum(gains.get(item, 0.0) / math.log2(i + 1) for i, item in enumerate(_dedupe(ranked)[:k], start=1))


def ndcg_at_k(
    ranked: Sequence[str], relevance: Mapping[str, float] | Collection[str], k: int
) -> float | None:
    """DCG@k divided by the ideal DCG@k (the grades sorted best first).

    Linear gain (rel / log2(i + 1)), as trec_eval and scikit-learn use. ``None`` when no id has a
    positive grade (the ideal DCG is 0).

    >>> round(ndcg_at_k(["b", "a"], {"a": 2, "b": 1}, 2), 4)
    0.8597
    """
    _check_k(k)
    gains = _gains(relevance)
    ideal_order = sorted(gains, key=lambda item: -gains[item])
    ideal = dcg_at_k(ideal_order, gains, k)
    if ideal <= 0:
        return None
    return dcg_at_k(ranked, gains, k) / ideal


def ranks_summary(ranks: Sequence[int | None], ks: tuple[int, ...] = (1, 5, 10)) -> dict[str, float]:
    """``{"R@k": ..., "MRR": ...}`` from the 1-based rank of each query's single relevant item.

    ``None`` in ``ranks`` means "not retrieved" (counts 0 for every R@k and for MRR). Values are
    rounded to 4 places. Raises ``ValueError`` on an empty list (there is no mean of nothing).
    """
    if not ranks:
        raise ValueError("ranks is empty: nothing to summarise (did the benchmark load any query?)")
    n = len(ranks)
    out = {f"R@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
    out["MRR"] = sum(1.0 / r for r in ranks if r is not None) / n
    return {key: round(v, 4) for key, v in out.items()}


# --------------------------------------------------------------------------------- classification


def _average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks; tied values share the mean of the ranks they occupy."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for t in range(i, j + 1):
            ranks[order[t]] = avg
        i = j + 1
    return ranks


def auroc(scores: Sequence[float], labels: Sequence[bool | int]) -> float | None:
    """Area under the ROC curve: the probability that a random positive scores above a random negative.

    Computed with the Mann-Whitney U statistic; ties (also between a positive and a negative) get the
    average of the ranks they span, so a tie counts one half. Returns ``None`` when the labels hold
    only one class (or are empty): AUROC is undefined there.

    >>> auroc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])
    0.875
    """
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores but {len(labels)} labels: pass one label per score")
    pos = sum(1 for y in labels if y)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return None
    ranks = _average_ranks([float(s) for s in scores])
    rank_sum_pos = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum_pos - pos * (pos + 1) / 2) / (pos * neg)


@dataclass(frozen=True, slots=True)
class HandoffScores:
    """Counts and rates for "must not answer" detection (positive = the bot should hand off)."""

    tp: int
    fp: int
    fn: int
    tn: int
    precision: float | None  # None when the system never handed off
    recall: float | None  # None when no item must be handed off
    f1: float | None  # None when precision or recall is undefined, 0.0 when both are 0

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def handoff_precision_recall(must_not_answer: Sequence[bool], handed_off: Sequence[bool]) -> HandoffScores:
    """Precision and recall of handoffs.

    Positives are the items the bot must not answer; a predicted positive is an item the system handed
    off. Precision = handed off correctly / all handoffs (``None`` when there are no handoffs: the
    all-answer case); recall = handed off correctly / all must-not-answer items (``None`` when there
    are none).
    """
    if len(must_not_answer) != len(handed_off):
        raise ValueError(f"{len(must_not_answer)} labels but {len(handed_off)} predictions: pass one each")
    tp = sum(1 for y, p in zip(must_not_answer, handed_off, strict=True) if y and p)
    fp = sum(1 for y, p in zip(must_not_answer, handed_off, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(must_not_answer, handed_off, strict=True) if y and not p)
    tn = len(must_not_answer) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return HandoffScores(tp, fp, fn, tn, precision, recall, f1)


# ------------------------------------------------------------------------- selective prediction


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One threshold of a coverage-risk curve: answer every item with confidence >= ``threshold``."""

    threshold: float
    coverage: float  # share of all items answered
    risk: float  # error rate among the answered items


def _check_pairs(confidences: Sequence[float], correct: Sequence[bool | int]) -> None:
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} correctness flags")


def coverage_risk_curve(confidences: Sequence[float], correct: Sequence[bool | int]) -> list[CurvePoint]:
    """The coverage-risk (selective risk) curve, from the most to the least confident answers.

    Items are sorted by confidence, highest first. Each distinct confidence value is one threshold;
    items tied on confidence enter together (a threshold cannot separate them). ``coverage`` is the
    share of all items answered at that threshold, ``risk`` the error rate among them. Empty input
    gives an empty curve.

    >>> [(p.coverage, p.risk) for p in coverage_risk_curve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0])]
    [(0.25, 0.0), (0.75, 0.3333333333333333), (1.0, 0.5)]
    """
    _check_pairs(confidences, correct)
    n = len(confidences)
    order = sorted(range(n), key=lambda i: -float(confidences[i]))
    points: list[CurvePoint] = []
    answered = errors = 0
    i = 0
    while i < n:
        threshold = float(confidences[order[i]])
        while i < n and float(confidences[order[i]]) == threshold:
            answered += 1
            errors += 0 if correct[order[i]] else 1
            i += 1
        points.append(CurvePoint(threshold, answered / n, errors / answered))
    return points


def aurc(confidences: Sequence[float], correct: Sequence[bool | int]) -> float | None:
    """Area under the coverage-risk curve (lower is better), as a step integral over coverage.

    AURC = sum over thresholds of (coverage gained) x (risk at that threshold). Without ties this is
    the mean of the selective risks at coverages 1/n, 2/n, ..., 1 (Geifman et al. 2019). ``None`` on
    empty input.
    """
    curve = coverage_risk_curve(confidences, correct)
    if not curve:
        return None
    area = 0.0
    previous = 0.0
    for point in curve:
        area += (point.coverage - previous) * point.risk
        previous = point.coverage
    return area


def selective_risk(
    answered: Sequence[bool], correct: Sequence[bool | int]
) -> tuple[float | None, float | None]:
    """(coverage, risk) at the system's own operating point: which items it chose to answer.

    Coverage = answered / all; risk = wrong among answered. Returns ``(None, None)`` for empty input and
    ``(0.0, None)`` when the system abstained on everything (risk is undefined, not 0).
    """
    if len(answered) != len(correct):
        raise ValueError(f"{len(answered)} answered flags but {len(correct)} correctness flags")
    if not answered:
        return None, None
    picked = [bool(c) for a, c in zip(answered, correct, strict=True) if a]
    if not picked:
        return 0.0, None
    return len(picked) / len(answered), sum(1 for c in picked if not c) / len(picked)


# ---------------------------------------------------------------------------------- calibration


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One equal-width confidence bin of a reliability diagram."""

    lower: float
    upper: float
    count: int
    mean_confidence: float | None  # None for an empty bin
    accuracy: float | None


def reliability_bins(
    confidences: Sequence[float], correct: Sequence[bool | int], n_bins: int = 10
) -> list[ReliabilityBin]:
    """Reliability-diagram data: ``n_bins`` equal-width bins over [0, 1].

    Bin b holds confidences in [b/n, (b+1)/n); the last bin also holds 1.0. Empty bins are kept (count
    0, ``None`` averages) so every diagram has the same x axis.
    """
    _check_pairs(confidences, correct)
    if n_bins < 1:
        raise ValueError(f"n_bins={n_bins}: need at least one bin")
    members: list[list[int]] = [[] for _ in range(n_bins)]
    for i, c in enumerate(confidences):
        c = float(c)
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence {c} at position {i} is outside [0, 1]; calibrate or clip it first")
        members[min(int(c * n_bins), n_bins - 1)].append(i)
    bins = []
    for b, idx in enumerate(members):
        mean_conf = sum(float(confidences[i]) for i in idx) / len(idx) if idx else None
        acc = sum(1 for i in idx if correct[i]) / len(idx) if idx else None
        bins.append(ReliabilityBin(b / n_bins, (b + 1) / n_bins, len(idx), mean_conf, acc))
    return bins


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool | int], n_bins: int = 10
) -> float | None:
    """ECE: sum over equal-width bins of (bin share) x |accuracy - mean confidence|; ``None`` on empty input.

    >>> expected_calibration_error([0.9, 0.9, 0.2, 0.2], [1, 0, 0, 0], n_bins=10)
    0.30000000000000004
    """
    bins = reliability_bins(confidences, correct, n_bins)
    n = len(confidences)
    if n == 0:
        return None
    return sum(
        b.count / n * abs(b.accuracy - b.mean_confidence)
        for b in bins
        if b.count and b.accuracy is not None and b.mean_confidence is not None
    )


# -------------------------------------------------------------------------------------- latency


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it.

    That is the value at 1-based rank ceil(p/100 * n) of the sorted values (rank 1 for p = 0); it is
    always an observed value, never interpolated. ``None`` on empty input.

    >>> percentile([15, 20, 35, 40, 50], 40)
    20
    """
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0..100")
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_percentiles(
    latencies_ms: Sequence[float], ps: tuple[float, ...] = (50, 95, 99)
) -> dict[str, float | None]:
    """``{"p50": ..., "p95": ..., "p99": ...}`` by the nearest-rank method (see ``percentile``)."""
    return {f"p{p:g}": percentile(latencies_ms, p) for p in ps}


# ------------------------------------------------------------------------------------ breakdowns


def breakdown(
    items: Iterable[T], key: Callable[[T], Hashable], metric: Callable[[list[T]], V]
) -> dict[str, V]:
    """Group ``items`` by ``key(item)`` and apply ``metric`` to each group (groups in sorted key order).

    Keys are turned into strings (``None`` becomes ``"(none)"``) so the result serialises to JSON.

    >>> breakdown([1, 2, 3, 4], lambda x: x % 2, len)
    {'0': 2, '1': 2}
    """
    groups: dict[str, list[T]] = {}
    for item in items:
        k = key(item)
        groups.setdefault("(none)" if k is None else str(k), []).append(item)
    return {k: metric(groups[k]) for k in sorted(groups)}
