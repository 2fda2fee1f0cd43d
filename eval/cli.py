"""``rahnuma eval``: run a benchmark or compare two reports.

    rahnuma eval DATASET [--url URL] [--split test|tune|validation|all] [--limit N] [--out DIR] [--reader PATH]
                         [--file PATH] [--config TOML] [--fresh] [--no-progress]
    rahnuma eval compare A.json B.json

DATASET: citizen, uqa-open, uqa-reader, tatoeba, flores, ntrex, dakshina, belebele (--file), custom (--file).
docs/evaluation.md explains each benchmark and metric.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.errors import RahnumaError
from eval.runner import DATASETS, EvalOptions, evaluate

HEADLINES: dict[str, tuple[str, ...]] = {
    "citizen": (
        "top1_service_accuracy",
        "top3_service_accuracy",
        "section_accuracy",
        "handoff_precision",
        "handoff_recall",
        "handoffs_on_answerable",
        "ece",
        "aurc",
        "latency_ms",
    ),
}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="rahnuma eval", description="Run a Rahnuma benchmark (docs/evaluation.md)."
    )
    ap.add_argument(
        "dataset", choices=DATASETS, metavar="DATASET", help=", ".join(DATASETS) + " (or: compare A B)"
    )
    ap.add_argument(
        "--url", help="evaluate a running API (POST URL/v1/chat) instead of the in-process pipeline"
    )
    ap.add_argument("--split", choices=("test", "tune", "validation", "all"), help="citizen set split (default: test)")
    ap.add_argument("--limit", type=int, help="first N items only (smoke runs)")
    ap.add_argument("--out", default="reports", help="report folder (default: reports)")
    ap.add_argument("--reader", help="extractive QA model folder, or 'oracle' / 'first-sentence'")
    ap.add_argument("--file", help="dataset file for belebele and custom (or another citizen set)")
    ap.add_argument("--dialect", default="urd_Arab", choices=("urd_Arab", "urd_Latn"), help="belebele only")
    ap.add_argument("--config", help="rahnuma.toml to use (default: $RAHNUMA_CONFIG or ./rahnuma.toml)")
    ap.add_argument(
        "--cache-dir", default="var/eval-cache", help="per-item cache root (default: var/eval-cache)"
    )
    ap.add_argument("--fresh", action="store_true", help="ignore and overwrite this run's cached items")
    ap.add_argument("--no-progress", action="store_true", help="no progress bars")
    return ap


def _compare(argv: list[str]) -> int:
    from eval.report import compare_reports, format_comparison

    ap = argparse.ArgumentParser(
        prog="rahnuma eval compare", description="Compare two JSON reports metric by metric."
    )
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    reports = []
    for path in (args.a, args.b):
        try:
            reports.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as err:
            print(f"error: cannot read report {path}: {err}", file=sys.stderr)
            return 1
    rows = compare_reports(reports[0], reports[1])
    if not rows:
        print("no numeric metrics in either report", file=sys.stderr)
        return 1
    print(f"A = {args.a}\nB = {args.b}\n")
    print(format_comparison(rows, "A", "B"))
    return 0


def _cell(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value if value is not None else "-")


def _print_summary(report: dict[str, Any]) -> None:
    summary = report.get("summary", {})
    keys = HEADLINES.get(report.get("dataset", ""), tuple(summary))
    print(f"{report.get('dataset')}: {report.get('manifest', {}).get('n_items') or ''} items".rstrip(": "))
    for key in keys:
        if key in summary:
            value = summary[key]
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
            print(f"  {key:28s} {text}")
    if report.get("published"):
        pub = report["published"]
        print(f"  published ({pub['model']}): EM {pub['EM']} / F1 {pub['F1']}")
    by_language = (report.get("breakdowns") or {}).get("language") or {}
    if by_language:
        cols = ("n_answerable", "top1_service_accuracy", "top3_service_accuracy", "section_accuracy",
                "handoff_precision", "handoff_recall")
        print("  per language: " + "  ".join(c.replace("_service_accuracy", "").replace("handoff_", "handoff ")
                                             for c in cols))
        for lang, row in sorted(by_language.items()):
            print(f"    {lang:8s} " + "  ".join(_cell(row.get(c)) for c in cols))
    failures = report.get("failures") or []
    if failures:
        print(f"  {len(failures)} failed question(s):")
        for f in failures:
            print(f"    {f.get('id')} [{f.get('lang')}] {f.get('text')!r}: {'; '.join(f.get('why') or [])}")
    for kind, path in (report.get("files") or {}).items():
        print(f"  wrote {kind}: {path}")


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``rahnuma eval ...`` (argv without the leading "eval"). Returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "compare":
        return _compare(argv[1:])
    args = _parser().parse_args(argv)
    if args.split and args.dataset != "citizen":
        print(f"note: --split applies to the citizen set only; ignored for {args.dataset}", file=sys.stderr)
    opts = EvalOptions(
        dataset=args.dataset,
        url=args.url,
        split=args.split if args.dataset == "citizen" else None,
        limit=args.limit,
        out=Path(args.out),
        reader=args.reader,
        file=Path(args.file) if args.file else None,
        config=args.config,
        cache_root=Path(args.cache_dir),
        fresh=args.fresh,
        progress=not args.no_progress and sys.stderr.isatty(),
        dialect=args.dialect,
    )
    try:
        report = evaluate(opts)
    except RahnumaError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    _print_summary(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
