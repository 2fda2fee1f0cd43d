"""Reports: JSON + Markdown files, PNG plots (reliability diagram, coverage-risk curve), run comparison.

A report is a dict with ``dataset``, ``manifest`` and ``summary``, and optionally ``breakdowns``
({name: {group: {metric: value}}}), ``failures`` (list of dicts), ``calibration`` (plot data from
``eval.runner.calibration_data``) and ``published`` (reference figures).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MINUS = "\u2212"
SKIP_KEYS = {"manifest", "failures", "calibration", "files", "published", "dataset", "_meta"}
# Substrings of the lower-cased metric name, checked in order; the first match decides. Short names
# (em, ece, aurc) must equal the whole name. The parent path is tried when the leaf says nothing
# (latency_ms.p95).
EXACT_DIRECTIONS = {"em": 1, "ece": -1, "aurc": -1, "mrr": 1, "n": 0, "tp": 0, "fp": 0, "fn": 0, "tn": 0}
DIRECTION_RULES: tuple[tuple[str, int], ...] = (
    ("handoffs_on_answerable", -1),
    ("selective_risk", -1),
    ("latency", -1),
    ("risk", -1),
    ("error", -1),
    ("seconds", -1),
    ("total", 0),
    ("count", 0),
    ("chance", 0),
    ("decided_by", 0),
    ("confidence", 0),
    ("accuracy", 1),
    ("recall", 1),
    ("precision", 1),
    ("f1", 1),
    ("exact", 1),
    ("mrr", 1),
    ("ndcg", 1),
    ("r@", 1),
    ("hit", 1),
    ("top1", 1),
    ("top3", 1),
    ("auroc", 1),
    ("answered_correctly", 1),
    ("citation_correct", 1),
    ("contains_gold", 1),
)


# ------------------------------------------------------------------------------------- comparison


def flatten_metrics(report: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric leaves as dotted paths (``summary.top1_service_accuracy``), skipping run metadata and lists."""
    out: dict[str, float] = {}
    for key, value in report.items():
        if not prefix and (key in SKIP_KEYS or key.startswith("_")):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_metrics(value, f"{path}."))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
            out[path] = float(value)
    return out


def metric_direction(path: str) -> int:
    """+1 if higher is better, -1 if lower is better, 0 if unknown (counts, sizes, outcome tallies)."""
    parts = path.lower().split(".")
    if "outcomes" in parts[:-1]:
        return 0
    for part in reversed(parts):
        if part in EXACT_DIRECTIONS:
            return EXACT_DIRECTIONS[part]
        if part.startswith("n_"):
            return 0
        for pattern, direction in DIRECTION_RULES:
            if pattern in part:
                return direction
    return 0


def format_signed(x: float, places: int = 3) -> str:
    """``+0.012`` / ``−0.030`` (a real minus sign) / ``±0.000``."""
    rounded = round(x, places)
    if rounded == 0:
        return f"\u00b1{0:.{places}f}"
    return f"+{rounded:.{places}f}" if rounded > 0 else f"{MINUS}{abs(rounded):.{places}f}"


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    metric: str
    a: float | None
    b: float | None
    diff: float | None  # b - a
    verdict: str  # "↑ better", "↓ worse", "= same", "" (direction unknown or one side missing)


def compare_reports(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[ComparisonRow]:
    """Every metric in either report, A then B, with B - A and whether that is better."""
    fa, fb = flatten_metrics(a), flatten_metrics(b)
    rows = []
    for metric in list(fa) + [m for m in fb if m not in fa]:
        va, vb = fa.get(metric), fb.get(metric)
        diff = vb - va if va is not None and vb is not None else None
        verdict = ""
        direction = metric_direction(metric)
        if diff is not None and direction:
            if round(diff, 6) == 0:
                verdict = "= same"
            else:
                verdict = "\u2191 better" if diff * direction > 0 else "\u2193 worse"
        rows.append(ComparisonRow(metric, va, vb, diff, verdict))
    return rows


def format_comparison(rows: list[ComparisonRow], name_a: str = "A", name_b: str = "B") -> str:
    def num(v: float | None) -> str:
        return "-" if v is None else _cell(v)

    width = max([len(r.metric) for r in rows] + [6])
    lines = [f"{'metric':{width}s}  {name_a[:12]:>12s}  {name_b[:12]:>12s}  {'diff':>9s}"]
    for r in rows:
        diff = "-" if r.diff is None else format_signed(r.diff)
        lines.append(
            f"{r.metric:{width}s}  {num(r.a):>12s}  {num(r.b):>12s}  {diff:>9s}  {r.verdict}".rstrip()
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- plots


def plot_reliability(bins: list[dict[str, Any]], path: Path, title: str = "Reliability diagram") -> Path:
    """Bar per confidence bin (accuracy) against the diagonal; bin counts annotated."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    width = bins[0]["upper"] - bins[0]["lower"] if bins else 0.1
    for b in bins:
        if b["count"]:
            ax.bar(b["lower"], b["accuracy"], width=width, align="edge", color="#4c72b0", edgecolor="white")
            ax.text(
                b["lower"] + width / 2,
                min(b["accuracy"] + 0.02, 0.97),
                str(b["count"]),
                ha="center",
                fontsize=7,
            )
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="accuracy", title=title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_coverage_risk(
    curve: list[dict[str, Any]], path: Path, title: str = "Coverage-risk", aurc: float | None = None
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    xs = [0.0] + [p["coverage"] for p in curve]
    ys = ([curve[0]["risk"]] if curve else [0.0]) + [p["risk"] for p in curve]
    ax.step(xs, ys, where="pre", color="#c44e52")
    label = f"AURC = {aurc:.4f}" if aurc is not None else None
    ax.set(
        xlim=(0, 1),
        ylim=(0, max(ys + [0.05]) * 1.1),
        xlabel="coverage (share answered)",
        ylabel="risk (error rate among answered)",
        title=title + (f" ({label})" if label else ""),
    )
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


# -------------------------------------------------------------------------------------- markdown


def _cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        text = f"{v:.1f}" if abs(v) >= 100 else f"{v:.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("", "-", "-0") else text
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False).replace("|", "\\|")
    return str(v).replace("|", "\\|").replace("\n", " ")


def _kv_table(data: Mapping[str, Any]) -> list[str]:
    lines = ["| metric | value |", "|---|---|"]
    for k, v in data.items():
        if isinstance(v, Mapping) and all(not isinstance(x, Mapping) for x in v.values()):
            for k2, v2 in v.items():
                lines.append(f"| {k}.{k2} | {_cell(v2)} |")
        else:
            lines.append(f"| {k} | {_cell(v)} |")
    return lines


def _group_table(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for metrics in groups.values():
        for k, v in metrics.items():
            if k not in columns and not isinstance(v, Mapping):
                columns.append(k)
    lines = ["| group | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for group, metrics in groups.items():
        lines.append(f"| {_cell(group)} | " + " | ".join(_cell(metrics.get(c)) for c in columns) + " |")
    return lines


def render_markdown(report: Mapping[str, Any], max_failures: int = 100) -> str:
    name = report.get("dataset", "evaluation")
    lines = [f"# Evaluation: {name}", ""]
    manifest = report.get("manifest") or {}
    if manifest:
        lines += ["## Run", ""] + _kv_table({k: v for k, v in manifest.items() if v is not None}) + [""]
    lines += ["## Summary", ""] + _kv_table(report.get("summary", {})) + [""]
    if report.get("published"):
        lines += ["Published reference: " + ", ".join(f"{k} {v}" for k, v in report["published"].items()), ""]
    for bname, groups in (report.get("breakdowns") or {}).items():
        if groups:
            lines += [f"## By {bname}", ""] + _group_table(groups) + [""]
    files = report.get("files") or {}
    for key in ("reliability_png", "coverage_risk_png"):
        if key in files:
            lines += [f"![{key}]({Path(files[key]).name})", ""]
    failures = report.get("failures") or []
    if failures:
        lines += [f"## Failures ({len(failures)})", ""]
        cols = list(failures[0].keys())
        lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for f in failures[:max_failures]:
            lines.append("| " + " | ".join(_cell(f.get(c)) for c in cols) + " |")
        if len(failures) > max_failures:
            lines.append(f"\n… {len(failures) - max_failures} more in the JSON report.")
        lines.append("")
    return "\n".join(lines)


def write_report(report: dict[str, Any], out_dir: Path, name: str) -> dict[str, str]:
    """Write ``<name>.json``, ``<name>.md`` and, with calibration data, two PNGs; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {"json": str(out_dir / f"{name}.json"), "markdown": str(out_dir / f"{name}.md")}
    calibration = report.get("calibration")
    if calibration and calibration.get("coverage_risk"):
        files["reliability_png"] = str(
            plot_reliability(
                calibration["reliability"], out_dir / f"{name}_reliability.png", f"{name}: reliability"
            )
        )
        files["coverage_risk_png"] = str(
            plot_coverage_risk(
                calibration["coverage_risk"],
                out_dir / f"{name}_coverage_risk.png",
                name,
                calibration.get("aurc"),
            )
        )
    report["files"] = files
    Path(files["json"]).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    Path(files["markdown"]).write_text(render_markdown(report), encoding="utf-8")
    return files
