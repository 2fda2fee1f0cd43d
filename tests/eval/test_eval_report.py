"""eval.report: flattening, metric directions, signed differences, comparison, Markdown, plots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.report import (
    compare_reports,
    flatten_metrics,
    format_comparison,
    format_signed,
    metric_direction,
    render_markdown,
    write_report,
)

A = {
    "dataset": "citizen",
    "manifest": {"git_commit": "abc", "n_items": 10},
    "summary": {"top1_service_accuracy": 0.80, "ece": 0.10, "n": 10, "latency_ms": {"p95": 120.0},
                "handoffs_on_answerable": 3, "outcomes": {"answered": 7}, "auroc": None},
    "breakdowns": {"language": {"ur": {"top1_service_accuracy": 0.75}}},
    "failures": [{"id": "q1", "why": ["wrong service"]}],
}  # fmt: skip
B = {
    "dataset": "citizen",
    "summary": {"top1_service_accuracy": 0.812, "ece": 0.13, "n": 12, "latency_ms": {"p95": 120.0},
                "handoffs_on_answerable": 1, "outcomes": {"answered": 9}, "section_accuracy": 0.5},
    "breakdowns": {"language": {"ur": {"top1_service_accuracy": 0.70}}},
}  # fmt: skip


def test_flatten_skips_metadata_lists_and_none() -> None:
    flat = flatten_metrics(A)
    assert flat["summary.top1_service_accuracy"] == 0.8
    assert flat["summary.latency_ms.p95"] == 120.0
    assert flat["breakdowns.language.ur.top1_service_accuracy"] == 0.75
    assert not any(k.startswith(("manifest", "failures", "dataset")) for k in flat)
    assert "summary.auroc" not in flat


@pytest.mark.parametrize(
    ("metric", "direction"),
    [
        ("summary.top1_service_accuracy", 1), ("summary.section_accuracy", 1), ("summary.handoff_recall", 1),
        ("uqa.R@10", 1), ("uqa.MRR", 1), ("summary.HasAns_exact", 1), ("summary.f1", 1), ("summary.auroc", 1),
        ("summary.ece", -1), ("summary.aurc", -1), ("summary.latency_ms.p95", -1),
        ("summary.selective_risk", -1),
        ("summary.handoffs_on_answerable", -1), ("summary.handoffs_on_answerable_rate", -1),
        ("summary.n", 0), ("summary.n_answerable", 0), ("summary.HasAns_total", 0),
        ("summary.outcomes.answered", 0),
        ("summary.handoff_counts.tp", 0), ("summary.mean_confidence", 0),
    ],
)  # fmt: skip
def test_metric_direction(metric: str, direction: int) -> None:
    assert metric_direction(metric) == direction


def test_format_signed_uses_a_real_minus() -> None:
    assert format_signed(0.0123) == "+0.012"
    assert format_signed(-0.03) == "\u22120.030"
    assert format_signed(0.0001) == "\u00b10.000"


def test_compare_reports_verdicts() -> None:
    rows = {r.metric: r for r in compare_reports(A, B)}
    top1 = rows["summary.top1_service_accuracy"]
    assert top1.diff == pytest.approx(0.012) and top1.verdict == "\u2191 better"
    assert rows["summary.ece"].verdict == "\u2193 worse"
    assert rows["summary.handoffs_on_answerable"].verdict == "\u2191 better"  # fewer is better
    assert rows["summary.latency_ms.p95"].verdict == "= same"
    assert rows["summary.n"].verdict == "" and rows["summary.n"].diff == 2
    assert rows["breakdowns.language.ur.top1_service_accuracy"].verdict == "\u2193 worse"
    only_b = rows["summary.section_accuracy"]
    assert only_b.a is None and only_b.diff is None and only_b.verdict == ""


def test_format_comparison_table() -> None:
    text = format_comparison(compare_reports(A, B))
    line = next(x for x in text.splitlines() if x.startswith("summary.top1_service_accuracy"))
    assert "0.8" in line and "0.812" in line and "+0.012" in line and "\u2191 better" in line
    ece = next(x for x in text.splitlines() if x.startswith("summary.ece "))
    assert "\u22120.030" not in ece and "+0.030" in ece and "\u2193 worse" in ece


def test_render_markdown_sections() -> None:
    md = render_markdown({**A, "published": {"model": "XLM-R-XL", "EM": 74.56}})
    assert md.startswith("# Evaluation: citizen")
    assert "| top1_service_accuracy | 0.8 |" in md
    assert "| latency_ms.p95 | 120.0 |" in md
    assert "## By language" in md and "| ur | 0.75 |" in md
    assert "## Failures (1)" in md and "Published reference" in md


def test_write_report_without_calibration_makes_no_plots(tmp_path: Path) -> None:
    files = write_report(dict(A), tmp_path, "citizen")
    assert set(files) == {"json", "markdown"}
    assert json.loads((tmp_path / "citizen.json").read_text("utf-8"))["files"] == files


def test_write_report_with_calibration_makes_pngs(tmp_path: Path) -> None:
    from eval.runner import calibration_data

    report = {**A, "calibration": calibration_data([0.9, 0.6, 0.2, 0.2], [True, False, False, True])}
    files = write_report(report, tmp_path, "run")
    for key in ("reliability_png", "coverage_risk_png"):
        assert Path(files[key]).read_bytes()[:4] == b"\x89PNG"
    assert "![reliability_png](run_reliability.png)" in (tmp_path / "run.md").read_text("utf-8")
