"""eval.metrics on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from eval import metrics as M

# ------------------------------------------------------------------------------------- ranking


def test_recall_at_k_counts_share_of_relevant_found() -> None:
    ranked = ["a", "b", "c", "d"]
    assert M.recall_at_k(ranked, {"c"}, 1) == 0.0
    assert M.recall_at_k(ranked, {"c"}, 3) == 1.0
    assert M.recall_at_k(ranked, {"b", "d"}, 2) == 0.5
    assert M.recall_at_k(ranked, {"b", "d"}, 10) == 1.0


def test_recall_and_rr_undefined_without_relevant_items() -> None:
    assert M.recall_at_k(["a"], set(), 1) is None
    assert M.hit_at_k(["a"], [], 3) is None
    assert M.reciprocal_rank(["a"], []) is None
    assert M.ndcg_at_k(["a"], {}, 3) is None
    assert M.ndcg_at_k(["a"], {"a": 0}, 3) is None  # all grades zero: ideal DCG is 0


def test_empty_ranking_scores_zero_not_none() -> None:
    assert M.recall_at_k([], {"a"}, 5) == 0.0
    assert M.reciprocal_rank([], {"a"}) == 0.0
    assert M.ndcg_at_k([], {"a"}, 5) == 0.0


def test_duplicates_in_ranking_count_once() -> None:
    # "a" twice: the second copy is dropped, so "b" sits at position 2
    assert M.reciprocal_rank(["a", "a", "b"], {"b"}) == 0.5
    assert M.recall_at_k(["a", "a", "b"], {"b"}, 2) == 1.0


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="k=0"):
        M.recall_at_k(["a"], {"a"}, 0)


def test_hit_at_k_any_of_several_relevant() -> None:
    assert M.hit_at_k(["x", "b"], {"a", "b"}, 1) == 0.0
    assert M.hit_at_k(["x", "b"], {"a", "b"}, 2) == 1.0


def test_mrr_skips_queries_without_relevant_items() -> None:
    rankings = [["a", "b"], ["a", "b", "c"], ["z"], ["q"]]
    relevants = [{"b"}, {"c"}, set(), {"nope"}]
    # (1/2 + 1/3 + 0) / 3; the third query is skipped
    assert M.mean_reciprocal_rank(rankings, relevants) == pytest.approx((0.5 + 1 / 3) / 3)
    assert M.mean_reciprocal_rank([], []) is None
    with pytest.raises(ValueError):
        M.mean_reciprocal_rank([["a"]], [])


def test_ndcg_binary_hand_computed() -> None:
    # relevant at positions 2 and 3: DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5
    # ideal: positions 1 and 2: 1 + 0.63093
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert M.ndcg_at_k(["x", "a", "b"], {"a", "b"}, 3) == pytest.approx(expected)
    assert M.ndcg_at_k(["a", "b", "x"], {"a", "b"}, 3) == pytest.approx(1.0)


def test_ndcg_graded_and_cutoff() -> None:
    grades = {"a": 3, "b": 1}
    # ranked b, a: DCG@2 = 1 + 3/log2(3); IDCG@2 = 3 + 1/log2(3)
    assert M.ndcg_at_k(["b", "a"], grades, 2) == pytest.approx(
        (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    )
    # k=1 sees only "b": DCG = 1, IDCG = 3
    assert M.ndcg_at_k(["b", "a"], grades, 1) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match=">= 0"):
        M.ndcg_at_k(["a"], {"a": -1}, 1)


def test_ranks_summary_matches_retrieval_bench_shape() -> None:
    out = M.ranks_summary([1, 3, None, 12], ks=(1, 5, 10))
    assert out == {"R@1": 0.25, "R@5": 0.5, "R@10": 0.5, "MRR": round((1 + 1 / 3 + 1 / 12) / 4, 4)}
    with pytest.raises(ValueError, match="empty"):
        M.ranks_summary([])


def test_retrieval_bench_reuses_ranks_summary() -> None:
    from eval.retrieval_bench import ranking_metrics

    assert ranking_metrics([2, None]) == {"R@1": 0.0, "R@5": 0.5, "R@10": 0.5, "MRR": 0.25}


# ------------------------------------------------------------------------------------- AUROC


def test_auroc_perfect_inverted_and_ties() -> None:
    assert M.auroc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]) == 1.0
    assert M.auroc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]) == 0.0
    # one positive/negative pair tied -> counts a half: (1 + 1 + 0.5 + 1) / 4
    assert M.auroc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]) == 0.875
    # everything tied -> 0.5
    assert M.auroc([0.3, 0.3, 0.3], [1, 0, 1]) == 0.5


def test_auroc_one_class_or_empty_is_none() -> None:
    assert M.auroc([0.1, 0.9], [1, 1]) is None
    assert M.auroc([0.1, 0.9], [0, 0]) is None
    assert M.auroc([], []) is None
    with pytest.raises(ValueError):
        M.auroc([0.1], [1, 0])


def test_auroc_accepts_bools() -> None:
    assert M.auroc([0.2, 0.7, 0.4], [False, True, False]) == 1.0


# ------------------------------------------------------------------------------ coverage-risk


def test_coverage_risk_curve_groups_ties() -> None:
    curve = M.coverage_risk_curve([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0])
    assert [(p.threshold, p.coverage, p.risk) for p in curve] == [
        (0.9, 0.25, 0.0),
        (0.8, 0.75, pytest.approx(1 / 3)),
        (0.1, 1.0, 0.5),
    ]


def test_aurc_without_ties_is_mean_of_selective_risks() -> None:
    conf, correct = [0.9, 0.7, 0.5, 0.3], [1, 0, 1, 0]
    # risks at coverage 1/4..4/4: 0, 1/2, 1/3, 1/2
    assert M.aurc(conf, correct) == pytest.approx((0 + 0.5 + 1 / 3 + 0.5) / 4)


def test_aurc_with_ties_is_step_integral() -> None:
    # 0.25 * 0 + 0.5 * (1/3) + 0.25 * 0.5
    assert M.aurc([0.9, 0.8, 0.8, 0.1], [1, 0, 1, 0]) == pytest.approx(0.5 / 3 + 0.125)


def test_aurc_edges() -> None:
    assert M.coverage_risk_curve([], []) == []
    assert M.aurc([], []) is None
    assert M.aurc([0.5, 0.2], [1, 1]) == 0.0
    assert M.aurc([0.5, 0.2], [0, 0]) == 1.0


def test_selective_risk_operating_point_and_all_abstain() -> None:
    assert M.selective_risk([True, True, False, False], [1, 0, 0, 1]) == (0.5, 0.5)
    assert M.selective_risk([False, False], [1, 0]) == (0.0, None)
    assert M.selective_risk([], []) == (None, None)


# ---------------------------------------------------------------------------------- handoffs


def test_handoff_precision_recall_counts() -> None:
    must = [True, True, False, False, True]
    did = [True, False, True, False, True]
    s = M.handoff_precision_recall(must, did)
    assert (s.tp, s.fp, s.fn, s.tn) == (2, 1, 1, 1)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)


def test_handoff_never_handing_off_has_no_precision() -> None:
    s = M.handoff_precision_recall([True, False], [False, False])
    assert s.precision is None and s.recall == 0.0 and s.f1 is None


def test_handoff_no_positives_has_no_recall_and_zero_f1_when_both_zero() -> None:
    s = M.handoff_precision_recall([False, False], [True, False])
    assert s.recall is None and s.precision == 0.0
    s = M.handoff_precision_recall([True, False], [False, True])
    assert s.precision == 0.0 and s.recall == 0.0 and s.f1 == 0.0


# ------------------------------------------------------------------------------- calibration


def test_reliability_bins_edges_and_empty_bins() -> None:
    bins = M.reliability_bins([0.0, 0.05, 0.1, 0.95, 1.0], [0, 1, 1, 1, 0], n_bins=10)
    assert len(bins) == 10
    assert bins[0].count == 2 and bins[0].accuracy == 0.5 and bins[0].mean_confidence == pytest.approx(0.025)
    assert bins[1].count == 1  # 0.1 opens the second bin
    assert bins[9].count == 2 and bins[9].accuracy == 0.5  # 1.0 goes to the last bin
    assert bins[5].count == 0 and bins[5].accuracy is None and bins[5].mean_confidence is None


def test_ece_hand_computed() -> None:
    # bin 9: conf 0.9, acc 0.5 -> |0.4| * 2/4; bin 2: conf 0.2, acc 0 -> 0.2 * 2/4
    assert M.expected_calibration_error([0.9, 0.9, 0.2, 0.2], [1, 0, 0, 0]) == pytest.approx(0.3)
    assert M.expected_calibration_error([1.0, 0.0], [1, 0]) == 0.0
    assert M.expected_calibration_error([], []) is None
    # two bins: [0, 0.5) and [0.5, 1]
    assert M.expected_calibration_error([0.6, 0.8], [1, 1], n_bins=2) == pytest.approx(0.3)


def test_calibration_rejects_out_of_range_confidence() -> None:
    with pytest.raises(ValueError, match="outside"):
        M.reliability_bins([1.2], [1])
    with pytest.raises(ValueError):
        M.reliability_bins([0.5], [1], n_bins=0)


# ---------------------------------------------------------------------------------- latency


def test_percentile_nearest_rank() -> None:
    values = [15, 20, 35, 40, 50]
    assert M.percentile(values, 5) == 15
    assert M.percentile(values, 30) == 20
    assert M.percentile(values, 40) == 20
    assert M.percentile(values, 50) == 35
    assert M.percentile(values, 100) == 50
    assert M.percentile(values, 0) == 15
    assert M.percentile([], 50) is None
    with pytest.raises(ValueError):
        M.percentile(values, 101)


def test_latency_percentiles_keys_and_unsorted_input() -> None:
    lat = list(range(100, 0, -1))  # 1..100 shuffled order
    assert M.latency_percentiles(lat) == {"p50": 50, "p95": 95, "p99": 99}
    assert M.latency_percentiles([]) == {"p50": None, "p95": None, "p99": None}


# --------------------------------------------------------------------------------- breakdown


def test_breakdown_groups_and_sorts() -> None:
    items = [("ur", 1.0), ("en", 0.0), ("ur", 0.0), (None, 1.0)]
    out = M.breakdown(items, lambda x: x[0], lambda g: sum(v for _, v in g) / len(g))
    assert out == {"(none)": 1.0, "en": 0.0, "ur": 0.5}
    assert list(out) == ["(none)", "en", "ur"]
    assert M.breakdown([], lambda x: x, len) == {}


def test_mean_defined() -> None:
    assert M.mean_defined([None, None]) is None
    assert M.mean_defined([]) is None
    assert M.mean_defined([1, None, 0]) == 0.5
