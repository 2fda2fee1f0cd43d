"""Run a named dataset against a target (or a reader / embedder), with a resumable per-item cache.

Per-item results go to ``var/eval-cache/<run-key>/items.jsonl`` one line per item as soon as it is
done, so an interrupted run picks up where it stopped. The run key hashes what decides the results
(dataset + its sha256, target, embedder/index version, reader, config sha256, git commit), not
``--split``/``--limit``: a ``--limit 20`` smoke run is reused by the full run that follows. Pass
``fresh=True`` (``--fresh``) after changing code without committing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import DatasetError
from eval import metrics as M
from eval.answers import (
    citation_correct,
    contains_answer,
    exact_match,
    normalize_answer,
    split_sentences,
    token_f1,
)

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[1]
DATASETS = (
    "citizen",
    "uqa-open",
    "uqa-reader",
    "tatoeba",
    "flores",
    "ntrex",
    "dakshina",
    "belebele",
    "custom",
)
TARGET_DATASETS = ("citizen", "custom")


# ------------------------------------------------------------------------------------ the cache


class RunCache:
    """Append-only JSONL of per-item records keyed by ``"id"``; a torn last line is ignored."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "items.jsonl"

    def load(self) -> dict[str, dict[str, Any]]:
        done: dict[str, dict[str, Any]] = {}
        if not self.path.is_file():
            return done
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # interrupted mid-write
                if isinstance(rec, dict) and "id" in rec:
                    done[str(rec["id"])] = rec
        return done

    def append(self, records: Sequence[dict[str, Any]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            for rec in records:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def clear(self) -> None:
        if self.path.exists():
            self.path.unlink()


def run_cached(
    items: Sequence[T],
    item_id: Callable[[T], str],
    work: Callable[[list[T]], list[dict[str, Any]]],
    cache: RunCache | None = None,
    batch_size: int = 1,
    progress: bool = True,
    desc: str = "eval",
) -> list[dict[str, Any]]:
    """Apply ``work`` to the items not yet in ``cache`` (in batches) and return records in item order.

    ``work`` returns one record per item, each with ``"id"`` equal to ``item_id(item)``.
    """
    from tqdm import tqdm

    done = cache.load() if cache else {}
    todo = [it for it in items if item_id(it) not in done]
    if cache and len(todo) < len(items):
        print(f"resuming: {len(items) - len(todo)} item(s) cached in {cache.path}", file=sys.stderr)
    bar = tqdm(
        total=len(items),
        initial=len(items) - len(todo),
        desc=desc,
        unit="item",
        disable=not progress,
        file=sys.stderr,
    )
    try:
        for i in range(0, len(todo), batch_size):
            batch = todo[i : i + batch_size]
            records = work(batch)
            if len(records) != len(batch):
                raise RuntimeError(f"work returned {len(records)} records for {len(batch)} items")
            for it, rec in zip(batch, records, strict=True):
                if str(rec.get("id")) != item_id(it):
                    raise RuntimeError(f"record id {rec.get('id')!r} does not match item {item_id(it)!r}")
                done[item_id(it)] = rec
            if cache:
                cache.append(records)
            bar.update(len(batch))
    finally:
        bar.close()
    return [done[item_id(it)] for it in items]


# ------------------------------------------------------------------------------------- manifest


def sha256_file(path: Path) -> str | None:
    p = Path(path)
    if not p.is_file():
        return None
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def git_commit(repo: Path = REPO_ROOT) -> str:
    """``git rev-parse HEAD`` in the repository, or "unknown" (not a repo, no commit, no git)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and commit else "unknown"


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The TOML file ``load_config`` reads: explicit, else $RAHNUMA_CONFIG, else the default."""
    from bot.config import DEFAULT_CONFIG

    return Path(explicit or os.environ.get("RAHNUMA_CONFIG") or DEFAULT_CONFIG)


def run_key(parts: dict[str, Any]) -> str:
    """``<dataset>-<16 hex>``: a stable digest of what decides the per-item results."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{parts.get('dataset', 'run')}-{digest}"


def build_manifest(
    dataset: str,
    dataset_sha256: str | None,
    *,
    config: Path | None,
    target: dict[str, Any] | None = None,
    reader_id: str | None = None,
    embedder_id: str | None = None,
    index_version: str | None = None,
    split: str | None = None,
    limit: int | None = None,
    n_items: int | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What produced a report: enough to reproduce it or to tell two runs apart."""
    target = dict(target or {})
    manifest: dict[str, Any] = {
        "dataset": dataset,
        "dataset_sha256": dataset_sha256,
        "split": split,
        "limit": limit,
        "n_items": n_items,
        "target": target or None,
        "embedder_id": embedder_id or target.get("embedder_id") or target.get("embedder"),
        "index_version": index_version or target.get("index_version"),
        "reader_id": reader_id,
        "config_path": str(config) if config else None,
        "config_sha256": sha256_file(config) if config else None,
        "git_commit": git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
    }
    manifest.update(extra or {})
    manifest["run_key"] = run_key(
        {
            k: manifest.get(k)
            for k in (
                "dataset",
                "dataset_sha256",
                "target",
                "embedder_id",
                "index_version",
                "reader_id",
                "config_sha256",
                "git_commit",
            )
        }
    )
    return manifest


# ------------------------------------------------------------------------------- citizen / target


def reply_record(item_id: str, reply: dict[str, Any]) -> dict[str, Any]:
    """The parts of a contract reply the metrics need (the answer is kept, shortened, for failure lists)."""
    citations = reply.get("citations") or []
    return {
        "id": item_id,
        "outcome": reply.get("outcome"),
        "handoff": bool(reply.get("handoff")),
        "handoff_reason": reply.get("handoff_reason"),
        "language": reply.get("language"),
        "detected_language": reply.get("detected_language"),
        "confidence": float(reply.get("confidence") or 0.0),
        "service_id": reply.get("service_id"),
        "section": reply.get("section"),
        "options": list(reply.get("options") or []),
        "candidates": list(reply.get("candidates") or []),
        "citations": [{k: c.get(k) for k in ("doc_id", "service_id", "section")} for c in citations],
        "answer": str(reply.get("answer") or "")[:600],
        "latency_ms": reply.get("latency_ms"),
    }


def predicted_services(rec: dict[str, Any]) -> list[str]:
    """Ranked service guesses of a reply: its service_id, retrieval's candidates, cited services, clarify options."""
    ranked = (
        [rec.get("service_id")]
        + list(rec.get("candidates") or [])
        + [c.get("service_id") for c in rec.get("citations", [])]
        + rec.get("options", [])
    )
    out: list[str] = []
    for s in ranked:
        if s and s not in out:
            out.append(str(s))
    return out


def predicted_section(rec: dict[str, Any]) -> str | None:
    if rec.get("section"):
        return str(rec["section"])
    for c in rec.get("citations", []):
        if c.get("section"):
            return str(c["section"])
    return None


@dataclass
class CitizenRow:
    """A citizen item joined with its reply record and the judgements derived from them."""

    item: dict[str, Any]
    rec: dict[str, Any]
    top1: float | None = None
    top3: float | None = None
    section_ok: float | None = None
    correct: bool = False
    reasons: list[str] = field(default_factory=list)


def judge_citizen(item: dict[str, Any], rec: dict[str, Any]) -> CitizenRow:
    row = CitizenRow(item, rec)
    expected = item["expected_services"]
    ranked = predicted_services(rec)
    must_not = item["expected_handoff"] is not None
    if not must_not:
        row.top1 = M.hit_at_k(ranked, expected, 1)
        row.top3 = M.hit_at_k(ranked, expected, 3)
        if item.get("expected_section"):
            row.section_ok = float(predicted_section(rec) == item["expected_section"])
        row.correct = row.top1 == 1.0
        if row.top1 == 0.0:
            row.reasons.append(f"wrong service: got {ranked[:3] or 'none'}, expected {expected}")
        if rec["handoff"]:
            row.reasons.append(f"handed off an answerable question ({rec.get('handoff_reason')})")
        if row.top1 == 1.0 and row.section_ok == 0.0:
            row.reasons.append(
                f"wrong section: got {predicted_section(rec)!r}, expected {item['expected_section']!r}"
            )
    else:
        if not rec["handoff"]:
            row.reasons.append(
                f"answered a must-not-answer question (expected handoff {item['expected_handoff']})"
            )
        elif rec.get("handoff_reason") != item["expected_handoff"]:
            row.reasons.append(
                f"handoff reason {rec.get('handoff_reason')!r}, expected {item['expected_handoff']!r}"
            )
    return row


def _r(x: float | None, places: int = 4) -> float | None:
    return None if x is None else round(x, places)


def citizen_metrics(rows: Sequence[CitizenRow], full: bool = False) -> dict[str, Any]:
    """The citizen-set figures for a group of rows (``full`` adds calibration and latency)."""
    answerable = [r for r in rows if r.item["expected_handoff"] is None]
    hand = M.handoff_precision_recall(
        [r.item["expected_handoff"] is not None for r in rows], [r.rec["handoff"] for r in rows]
    )
    on_answerable = sum(1 for r in answerable if r.rec["handoff"])
    tps = [r for r in rows if r.item["expected_handoff"] is not None and r.rec["handoff"]]
    out: dict[str, Any] = {
        "n": len(rows),
        "n_answerable": len(answerable),
        "n_must_not_answer": len(rows) - len(answerable),
        "top1_service_accuracy": _r(M.mean_defined(r.top1 for r in answerable)),
        "top3_service_accuracy": _r(M.mean_defined(r.top3 for r in answerable)),
        "answered_correctly": _r(
            M.mean_defined(float(r.rec["outcome"] == "answered" and r.top1 == 1.0) for r in answerable)
        ),
        "section_accuracy": _r(M.mean_defined(r.section_ok for r in answerable)),
        "n_section_labelled": sum(1 for r in answerable if r.section_ok is not None),
        "citation_correct": _r(
            M.mean_defined(
                citation_correct(r.rec["citations"], r.item["expected_services"])
                for r in answerable
                if r.rec["outcome"] == "answered"
            )
        ),
        "handoff_precision": _r(hand.precision),
        "handoff_recall": _r(hand.recall),
        "handoff_f1": _r(hand.f1),
        "handoff_reason_accuracy": _r(
            M.mean_defined(float(r.rec.get("handoff_reason") == r.item["expected_handoff"]) for r in tps)
        ),
        "handoffs_on_answerable": on_answerable,
        "handoffs_on_answerable_rate": _r(on_answerable / len(answerable)) if answerable else None,
    }
    if full:
        conf = [r.rec["confidence"] for r in rows]
        correct = [r.correct for r in rows]
        lat = [float(r.rec["latency_ms"]) for r in rows if r.rec.get("latency_ms") is not None]
        coverage, risk = M.selective_risk([r.rec["outcome"] == "answered" for r in rows], correct)
        out.update(
            {
                "handoff_counts": {k: v for k, v in hand.as_dict().items() if k in ("tp", "fp", "fn", "tn")},
                "outcomes": dict(sorted(Counter(str(r.rec["outcome"]) for r in rows).items())),
                "auroc": _r(M.auroc(conf, correct)),
                "ece": _r(M.expected_calibration_error(conf, correct)),
                "aurc": _r(M.aurc(conf, correct)),
                "coverage": _r(coverage),
                "selective_risk": _r(risk),
                "latency_ms": {k: _r(v, 1) for k, v in M.latency_percentiles(lat).items()},
            }
        )
    return out


def outcome_metrics(rows: Sequence[CitizenRow]) -> dict[str, Any]:
    conf = [r.rec["confidence"] for r in rows]
    return {
        "n": len(rows),
        "n_must_not_answer": sum(1 for r in rows if r.item["expected_handoff"] is not None),
        "mean_confidence": _r(sum(conf) / len(conf)) if conf else None,
        "top1_service_accuracy": _r(M.mean_defined(r.top1 for r in rows)),
    }


def calibration_data(confidences: Sequence[float], correct: Sequence[bool]) -> dict[str, Any]:
    """Reliability-diagram bins and the coverage-risk curve, JSON-ready (report.py plots them)."""
    bins = M.reliability_bins(confidences, correct)
    curve = M.coverage_risk_curve(confidences, correct)
    return {
        "reliability": [
            {
                "lower": b.lower,
                "upper": b.upper,
                "count": b.count,
                "mean_confidence": _r(b.mean_confidence),
                "accuracy": _r(b.accuracy),
            }
            for b in bins
        ],
        "coverage_risk": [
            {"threshold": _r(p.threshold), "coverage": _r(p.coverage), "risk": _r(p.risk)} for p in curve
        ],
        "ece": _r(M.expected_calibration_error(confidences, correct)),
        "aurc": _r(M.aurc(confidences, correct)),
    }


def summarise_citizen(items: Sequence[dict[str, Any]], records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Summary, breakdowns (language, department, outcome), failures and plot data for the citizen set."""
    rows = [judge_citizen(it, rec) for it, rec in zip(items, records, strict=True)]
    failures = [
        {
            "id": r.item["id"],
            "lang": r.item["lang"],
            "text": r.item["text"],
            "expected_services": r.item["expected_services"],
            "expected_section": r.item["expected_section"],
            "expected_handoff": r.item["expected_handoff"],
            "outcome": r.rec["outcome"],
            "handoff_reason": r.rec.get("handoff_reason"),
            "service_id": r.rec.get("service_id"),
            "section": predicted_section(r.rec),
            "confidence": r.rec["confidence"],
            "why": r.reasons,
        }
        for r in rows
        if r.reasons
    ]
    return {
        "summary": citizen_metrics(rows, full=True),
        "breakdowns": {
            "language": M.breakdown(rows, lambda r: r.item["lang"], citizen_metrics),
            "department": M.breakdown(rows, lambda r: r.item["department"], citizen_metrics),
            "outcome": M.breakdown(rows, lambda r: r.rec["outcome"], outcome_metrics),
        },
        "failures": failures,
        "calibration": calibration_data([r.rec["confidence"] for r in rows], [r.correct for r in rows]),
    }


def ask_all(
    target: Any,
    items: Sequence[T],
    text_of: Callable[[T], str],
    id_of: Callable[[T], str],
    cache: RunCache | None,
    progress: bool,
    desc: str,
) -> list[dict[str, Any]]:
    def work(batch: list[T]) -> list[dict[str, Any]]:
        return [reply_record(id_of(it), target.ask(text_of(it))) for it in batch]

    return run_cached(items, id_of, work, cache, progress=progress, desc=desc)


# ------------------------------------------------------------------------------------ custom sets


def _slot_ranking(rec: dict[str, Any], relevant: set[str]) -> list[str]:
    """Reply "slots" (its service, then each citation) mapped to the relevant id they hit.

    A slot that hits nothing becomes a unique miss marker, so the ranking metrics count it as irrelevant.
    """
    slots = [{rec.get("service_id")}] + [
        {c.get("doc_id"), c.get("service_id")} for c in rec.get("citations", [])
    ]
    ranked = []
    for i, ids in enumerate(slots):
        hit = sorted(x for x in ids if x and x in relevant)
        ranked.append(hit[0] if hit else f"#miss{i}")
    return ranked


def summarise_custom_target(items: Sequence[Any], records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Figures for a custom set asked of the bot: retrieval (relevant_ids), answers, handoffs, latency."""
    pairs = list(zip(items, records, strict=True))
    summary: dict[str, Any] = {"n": len(pairs)}
    with_rel = [(it, rec) for it, rec in pairs if it.relevant_ids]
    calibration: dict[str, Any] | None = None
    if with_rel:
        rankings = [(_slot_ranking(rec, set(it.relevant_ids)), set(it.relevant_ids)) for it, rec in with_rel]
        hit1 = [M.hit_at_k(r, rel, 1) for r, rel in rankings]
        summary.update(
            {
                "n_with_relevant_ids": len(with_rel),
                "hit@1": _r(M.mean_defined(hit1)),
                "hit@3": _r(M.mean_defined(M.hit_at_k(r, rel, 3) for r, rel in rankings)),
                "recall@3": _r(M.mean_defined(M.recall_at_k(r, rel, 3) for r, rel in rankings)),
                "MRR": _r(M.mean_defined(M.reciprocal_rank(r, rel) for r, rel in rankings)),
                "nDCG@3": _r(M.mean_defined(M.ndcg_at_k(r, rel, 3) for r, rel in rankings)),
            }
        )
        conf = [rec["confidence"] for _, rec in with_rel]
        correct = [h == 1.0 for h in hit1]
        summary["auroc"] = _r(M.auroc(conf, correct))
        calibration = calibration_data(conf, correct)
    labelled = [(it, rec) for it, rec in pairs if it.answers is not None]
    if labelled:
        has = [(it, rec) for it, rec in labelled if it.answers]
        hand = M.handoff_precision_recall(
            [not it.answers for it, _ in labelled], [rec["handoff"] for _, rec in labelled]
        )
        summary.update(
            {
                "n_answer_labelled": len(labelled),
                "answer_contains_gold": _r(
                    M.mean_defined(contains_answer(rec["answer"], it.answers) for it, rec in has)
                ),
                "answer_f1": _r(M.mean_defined(token_f1(rec["answer"], list(it.answers)) for it, rec in has)),
                "answer_exact": _r(
                    M.mean_defined(exact_match(rec["answer"], list(it.answers)) for it, rec in has)
                ),
                "handoff_precision": _r(hand.precision),
                "handoff_recall": _r(hand.recall),
                "handoffs_on_answerable": sum(1 for _, rec in has if rec["handoff"]),
            }
        )
    lat = [float(rec["latency_ms"]) for _, rec in pairs if rec.get("latency_ms") is not None]
    summary["outcomes"] = dict(sorted(Counter(str(rec["outcome"]) for _, rec in pairs).items()))
    summary["latency_ms"] = {k: _r(v, 1) for k, v in M.latency_percentiles(lat).items()}
    report: dict[str, Any] = {
        "summary": summary,
        "breakdowns": {
            "language": M.breakdown(
                pairs,
                lambda p: p[0].lang,
                lambda g: {"n": len(g), "outcomes": dict(Counter(str(r["outcome"]) for _, r in g))},
            )
        },
    }
    if calibration:
        report["calibration"] = calibration
    return report


# ---------------------------------------------------------------------------------------- readers


def read_all(
    reader: Any,
    items: Sequence[T],
    id_of: Callable[[T], str],
    question_of: Callable[[T], str],
    context_of: Callable[[T], str],
    golds_of: Callable[[T], list[str]],
    cache: RunCache | None,
    progress: bool,
    desc: str,
    batch_size: int = 16,
) -> list[dict[str, Any]]:
    from eval.reader import score_prediction

    def work(batch: list[T]) -> list[dict[str, Any]]:
        answers = reader.read([question_of(it) for it in batch], [context_of(it) for it in batch])
        return [
            score_prediction(id_of(it), context_of(it), golds_of(it), a)
            for it, a in zip(batch, answers, strict=True)
        ]

    return run_cached(items, id_of, work, cache, batch_size=batch_size, progress=progress, desc=desc)


def _overlap_choice(passage: str, question: str, options: Sequence[str]) -> int:
    """Word-overlap baseline: the option whose words plus the question's best match one passage sentence."""
    sentences = [set(normalize_answer(passage[s:e]).split()) for s, e in split_sentences(passage)] or [set()]
    q = set(normalize_answer(question).split())
    scores = []
    for opt in options:
        words = q | set(normalize_answer(opt).split())
        scores.append(max(len(words & s) for s in sentences))
    return scores.index(max(scores)) + 1


def choose_option(span: str, options: Sequence[str]) -> int | None:
    """The option (1-based) with the best token F1 to a reader's span; None if no option overlaps it."""
    f1s = [token_f1(span, [opt]) for opt in options]
    best = max(f1s)
    return f1s.index(best) + 1 if best > 0 and span.strip() else None


def belebele_records(items: Sequence[Any], reader: Any | None) -> list[dict[str, Any]]:
    spans = (
        reader.read([it.question for it in items], [it.passage for it in items])
        if reader
        else [None] * len(items)
    )
    records = []
    for it, span in zip(items, spans, strict=True):
        choice = choose_option(span.text, it.options) if span is not None else None
        method = "reader"
        if choice is None:
            choice, method = _overlap_choice(it.passage, it.question, it.options), "overlap"
        records.append(
            {
                "id": it.item_id,
                "predicted": choice,
                "correct_answer_num": it.correct,
                "is_correct": choice == it.correct,
                "method": method,
                "span": span.text if span else None,
                "dialect": it.dialect,
            }
        )
    return records


def summarise_belebele(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def acc(rs: list[dict[str, Any]]) -> dict[str, Any]:
        return {"n": len(rs), "accuracy": _r(sum(r["is_correct"] for r in rs) / len(rs)) if rs else None}

    summary = acc(list(records))
    summary["chance"] = 0.25
    summary["decided_by_reader"] = sum(1 for r in records if r["method"] == "reader")
    return {
        "summary": summary,
        "breakdowns": {
            "dialect": M.breakdown(records, lambda r: r["dialect"], acc),
            "method": M.breakdown(records, lambda r: r["method"], acc),
        },
    }


# ---------------------------------------------------------------------------------- bitext mining


def bitext_retrieval(
    embedder: Any, sources: list[str], targets: list[str], cache_dir: Path
) -> dict[str, float]:
    """Nearest-neighbour translation retrieval both ways (line i of each side is the pair).

    Both sides are embedded as queries (symmetric bitext mining, as in MTEB and retrieval_bench).
    Returns top-1 accuracy, R@5 and MRR per direction, by CSLS margin and (``_cosine``) by raw cosine.
    """
    import numpy as np

    from eval.retrieval_bench import cached_queries, csls

    if len(sources) != len(targets) or not sources:
        raise DatasetError(f"bitext needs two equal, non-empty sides; got {len(sources)} and {len(targets)}")
    s = cached_queries(embedder, sources, cache_dir)
    t = cached_queries(embedder, targets, cache_dir)
    cosine = s @ t.T
    margin = csls(cosine) if len(sources) > 4 else cosine  # the nearest-neighbour rule retrieval_bench uses
    out: dict[str, float] = {}
    for suffix, sims in (("", margin), ("_cosine", cosine)):
        for name, matrix in (("src_to_tgt", sims), ("tgt_to_src", sims.T)):
            gold = matrix[np.arange(len(matrix)), np.arange(len(matrix))]
            # rank of the gold = number of candidates scoring at least as high (itself included): a tie
            # counts against the gold, so a degenerate embedder cannot score well by tying everything
            ranks = [int(r) for r in (matrix >= gold[:, None]).sum(axis=1)]
            summary = M.ranks_summary(ranks, ks=(1, 5))
            out[f"{name}_top1{suffix}"] = summary["R@1"]
            out[f"{name}_R@5{suffix}"] = summary["R@5"]
            out[f"{name}_MRR{suffix}"] = summary["MRR"]
    return out


# ----------------------------------------------------------------------------------- orchestration


def uqa_files(folder: Path) -> list[Path]:
    """UQA CSVs in name order (0, 1, 10, 11, ...): the order SOURCE.md's sha256 was computed in."""
    return sorted(Path(folder).glob("*.csv"), key=lambda p: p.name)


@dataclass(frozen=True)
class EvalOptions:
    """What ``rahnuma eval DATASET ...`` asks for (see eval/cli.py)."""

    dataset: str
    url: str | None = None
    split: str | None = None  # citizen only; default "test"
    limit: int | None = None
    out: Path = Path("reports")
    reader: str | None = None
    file: Path | None = None
    config: str | None = None
    cache_root: Path = Path("var/eval-cache")
    fresh: bool = False
    progress: bool = True
    dialect: str = "urd_Arab"


def make_target(opts: EvalOptions) -> Any:
    from eval.targets import HttpTarget, PipelineTarget

    return HttpTarget(opts.url) if opts.url else PipelineTarget.from_config(opts.config)


def open_cache(opts: EvalOptions, manifest: dict[str, Any]) -> RunCache:
    cache = RunCache(Path(opts.cache_root) / manifest["run_key"])
    if opts.fresh:
        cache.clear()
    cache.folder.mkdir(parents=True, exist_ok=True)
    (cache.folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return cache


def _limited(items: list[T], limit: int | None) -> list[T]:
    if limit is not None and limit < 1:
        raise DatasetError(f"--limit {limit}: give a positive number of items (or leave it out for all)")
    return items[:limit] if limit else items


def _embedding_setup(opts: EvalOptions, embedder: Any | None) -> tuple[Any, Path, Any]:
    from bot.config import load_config
    from models.embedders import embedder_from_config

    cfg = load_config(opts.config)
    cache_dir = cfg.resolve(cfg.index.cache_path)
    if embedder is None:
        embedder = embedder_from_config(cfg.embedder, str(cache_dir))
    return cfg, cache_dir, embedder


def _run_citizen(
    opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any
) -> dict[str, Any]:
    from dataclasses import asdict

    from eval.datasets.citizen import DEFAULT_PATH, load_citizen

    path = Path(opts.file) if opts.file else DEFAULT_PATH
    split = opts.split or "test"
    items = _limited(load_citizen(path, split), opts.limit)
    if not items:
        raise DatasetError(f"{path}: no items in split {split!r}")
    target = target or make_target(opts)
    manifest = build_manifest(
        "citizen",
        sha256_file(path),
        config=cfg_path,
        target=target.describe(),
        split=split,
        limit=opts.limit,
        n_items=len(items),
    )
    records = ask_all(
        target,
        items,
        lambda it: it.text,
        lambda it: it.id,
        open_cache(opts, manifest),
        opts.progress,
        "citizen",
    )
    item_dicts = [
        {**asdict(it), "expected_services": list(it.expected_services), "department": it.department}
        for it in items
    ]
    return {"dataset": "citizen", "manifest": manifest, **summarise_citizen(item_dicts, records)}


def _run_uqa_reader(
    opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any
) -> dict[str, Any]:
    from eval.datasets import benchmarks_root, sha256_files
    from eval.datasets.uqa import load_uqa
    from eval.reader import make_reader, summarise_reader

    folder = Path(opts.file) if opts.file else benchmarks_root() / "uqa_squad2_ur_dev"
    items = _limited(load_uqa(folder), opts.limit)
    if reader is None:
        if not opts.reader:
            raise DatasetError(
                "uqa-reader needs --reader PATH (a local QA model folder), 'oracle' or 'first-sentence'"
            )
        reader = make_reader(
            opts.reader, [(it.question, it.context, it.answer, it.answer_start) for it in items]
        )
    files = uqa_files(folder)
    manifest = build_manifest(
        "uqa-reader",
        sha256_files(files),
        config=cfg_path,
        reader_id=reader.id,
        limit=opts.limit,
        n_items=len(items),
    )
    records = read_all(
        reader,
        items,
        lambda it: it.qid,
        lambda it: it.question,
        lambda it: it.context,
        lambda it: [it.answer] if it.answerable else [],
        open_cache(opts, manifest),
        opts.progress,
        "uqa-reader",
    )
    return {"dataset": "uqa-reader", "manifest": manifest, **summarise_reader(records, reader.id)}


def _bitext_report(
    name: str,
    opts: EvalOptions,
    cfg_path: Path,
    embedder: Any,
    files: list[Path],
    sets: dict[str, tuple[list[str], list[str]]],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    from eval.datasets import sha256_files

    _, cache_dir, embedder = _embedding_setup(opts, embedder)
    summary = {
        key: {"n": len(src), **bitext_retrieval(embedder, src, tgt, cache_dir)}
        for key, (src, tgt) in sets.items()
    }
    manifest = build_manifest(
        name,
        sha256_files(files),
        config=cfg_path,
        embedder_id=embedder.id,
        limit=opts.limit,
        n_items=sum(len(s) for s, _ in sets.values()),
        extra=extra,
    )
    return {"dataset": name, "manifest": manifest, "summary": summary}


def _run_tatoeba(
    opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any
) -> dict[str, Any]:
    from eval.datasets.tatoeba import load_tatoeba, tatoeba_files

    pairs = load_tatoeba(limit=opts.limit)
    return _bitext_report(
        "tatoeba",
        opts,
        cfg_path,
        embedder,
        tatoeba_files(),
        {"urd_eng": ([p.source for p in pairs], [p.target for p in pairs])},
        {"direction": "src_to_tgt = Urdu query -> English candidates"},
    )


def _run_flores(opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any) -> dict[str, Any]:
    from eval.datasets.flores import flores_files, load_flores

    pairs = load_flores(limit=opts.limit)
    return _bitext_report(
        "flores",
        opts,
        cfg_path,
        embedder,
        flores_files(),
        {"urd_eng": ([p.source for p in pairs], [p.target for p in pairs])},
        {"direction": "src_to_tgt = Urdu query -> English candidates; train+dev+test"},
    )


def _run_ntrex(opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any) -> dict[str, Any]:
    from eval.datasets.ntrex import load_ntrex_documents, load_ntrex_segments, ntrex_files

    docs = load_ntrex_documents(limit=opts.limit)
    segs = load_ntrex_segments(limit=opts.limit)
    return _bitext_report(
        "ntrex",
        opts,
        cfg_path,
        embedder,
        ntrex_files(),
        {
            "documents": ([d.source for d in docs], [d.target for d in docs]),
            "segments": ([s.source for s in segs], [s.target for s in segs]),
        },
        {"direction": "src_to_tgt = English query -> Urdu candidates"},
    )


def _run_dakshina(
    opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any
) -> dict[str, Any]:
    from eval.datasets.dakshina import dakshina_files, load_dakshina_sentences
    from eval.retrieval_bench import dakshina_roman_to_urdu

    cfg, cache_dir, embedder = _embedding_setup(opts, embedder)
    n = opts.limit or 1000
    pairs = load_dakshina_sentences("dev", limit=n)
    cut = lambda s: " ".join(s.split()[:12])  # noqa: E731 - as retrieval_bench: first 12 words
    report = _bitext_report(
        "dakshina",
        opts,
        cfg_path,
        embedder,
        dakshina_files("dev"),
        {"roman_urdu_dense": ([cut(p.source) for p in pairs], [cut(p.target) for p in pairs])},
        {"direction": "src_to_tgt = Roman Urdu query -> Urdu-script candidates; dev, 12 words"},
    )
    if opts.limit is None:  # the romanised-shadow benchmark is fixed at 1,000 dev sentences
        report["summary"]["roman_shadow_bm25"] = dakshina_roman_to_urdu(cache_dir, cfg.retrieval.roman_ngram)
    return report


def _run_uqa_open(
    opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any
) -> dict[str, Any]:
    from eval.datasets import benchmarks_root, sha256_files
    from eval.retrieval_bench import uqa_retrieval
    from retrieval.search import RetrievalSettings

    cfg, cache_dir, embedder = _embedding_setup(opts, embedder)
    settings = RetrievalSettings.from_config(cfg.retrieval)
    folder = benchmarks_root() / "uqa_squad2_ur_dev"
    summary = uqa_retrieval(embedder, cache_dir, settings, opts.limit or 0)
    files = uqa_files(folder)
    manifest = build_manifest(
        "uqa-open",
        sha256_files(files),
        config=cfg_path,
        embedder_id=embedder.id,
        limit=opts.limit,
        extra={"task": "answerable question -> its paragraph among 1,204"},
    )
    return {"dataset": "uqa-open", "manifest": manifest, "summary": summary}


def _run_belebele(
    opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any
) -> dict[str, Any]:
    from eval.datasets.belebele import belebele_path, load_belebele
    from eval.reader import make_reader

    if not opts.file:
        raise DatasetError(
            "belebele needs --file PATH (the urd_Arab.jsonl or urd_Latn.jsonl file, or their folder)"
        )
    path = belebele_path(opts.file, opts.dialect)
    items = load_belebele(path, opts.dialect, opts.limit)
    if reader is None and opts.reader:
        reader = make_reader(opts.reader, [(it.question, it.passage, it.answer, -1) for it in items])
    manifest = build_manifest(
        "belebele",
        sha256_file(path),
        config=cfg_path,
        reader_id=reader.id if reader else "overlap-baseline",
        limit=opts.limit,
        n_items=len(items),
        extra={"file": str(path)},
    )
    records = run_cached(
        items,
        lambda it: it.item_id,
        lambda batch: belebele_records(batch, reader),
        open_cache(opts, manifest),
        batch_size=16,
        progress=opts.progress,
        desc="belebele",
    )
    return {"dataset": "belebele", "manifest": manifest, **summarise_belebele(records)}


def _run_custom(opts: EvalOptions, cfg_path: Path, target: Any, reader: Any, embedder: Any) -> dict[str, Any]:
    from eval.datasets.custom import load_custom
    from eval.reader import make_reader, summarise_reader

    if not opts.file:
        raise DatasetError("custom needs --file PATH (.jsonl in the Rahnuma schema or SQuAD-format .json)")
    path = Path(opts.file)
    items = _limited(load_custom(path), opts.limit)
    if reader is not None or opts.reader:
        usable = [it for it in items if it.context and it.answers is not None]
        if not usable:
            raise DatasetError(f"{path}: reader mode needs items with both 'context' and 'answers'")
        if reader is None:
            reader = make_reader(
                opts.reader or "",
                [(it.question, it.context or "", (it.answers or ("",))[0], -1) for it in usable],
            )
        manifest = build_manifest(
            "custom",
            sha256_file(path),
            config=cfg_path,
            reader_id=reader.id,
            limit=opts.limit,
            n_items=len(usable),
            extra={"file": str(path), "mode": "reader"},
        )
        records = read_all(
            reader,
            usable,
            lambda it: it.id,
            lambda it: it.question,
            lambda it: it.context or "",
            lambda it: list(it.answers or []),
            open_cache(opts, manifest),
            opts.progress,
            "custom",
        )
        report = summarise_reader(records, reader.id)
        report.pop("published", None)
        report["summary"]["skipped_without_context"] = len(items) - len(usable)
        return {"dataset": "custom", "manifest": manifest, **report}
    target = target or make_target(opts)
    manifest = build_manifest(
        "custom",
        sha256_file(path),
        config=cfg_path,
        target=target.describe(),
        limit=opts.limit,
        n_items=len(items),
        extra={"file": str(path), "mode": "target"},
    )
    records = ask_all(
        target,
        items,
        lambda it: it.question,
        lambda it: it.id,
        open_cache(opts, manifest),
        opts.progress,
        "custom",
    )
    return {"dataset": "custom", "manifest": manifest, **summarise_custom_target(items, records)}


HANDLERS: dict[str, Callable[..., dict[str, Any]]] = {
    "citizen": _run_citizen,
    "uqa-open": _run_uqa_open,
    "uqa-reader": _run_uqa_reader,
    "tatoeba": _run_tatoeba,
    "flores": _run_flores,
    "ntrex": _run_ntrex,
    "dakshina": _run_dakshina,
    "belebele": _run_belebele,
    "custom": _run_custom,
}


def report_name(opts: EvalOptions) -> str:
    if opts.dataset == "custom" and opts.file:
        return f"custom-{Path(opts.file).stem}"
    if opts.dataset == "belebele":
        return f"belebele-{opts.dialect}"
    return opts.dataset


def evaluate(
    opts: EvalOptions, *, target: Any = None, reader: Any = None, embedder: Any = None
) -> dict[str, Any]:
    """Run ``opts.dataset`` and write its reports under ``opts.out``; returns the report dict.

    ``target`` / ``reader`` / ``embedder`` replace what the options would build (tests pass fakes).
    """
    from eval.report import write_report

    if opts.dataset not in HANDLERS:
        raise DatasetError(f"dataset {opts.dataset!r} unknown; choose one of {', '.join(DATASETS)}")
    report = HANDLERS[opts.dataset](opts, config_path(opts.config), target, reader, embedder)
    write_report(report, opts.out, report_name(opts))
    return report
