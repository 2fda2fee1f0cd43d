"""eval.runner: resumable cache, manifest, citizen/custom/reader/belebele/bitext runs with fakes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from bot.errors import DatasetError
from eval.runner import (
    EvalOptions,
    RunCache,
    bitext_retrieval,
    build_manifest,
    evaluate,
    git_commit,
    predicted_services,
    run_cached,
)
from eval.targets import TargetError

# id -> (expected item, what the fake bot replies)
CITIZEN = [
    ({"id": "a1", "text": "cnic fee", "lang": "en", "split": "test", "expected_services": ["nadra-cnic-new"],
      "expected_section": "fees", "expected_handoff": None},
     {"outcome": "answered", "service_id": "nadra-cnic-new", "section": "fees", "confidence": 0.9,
      "citations": [{"doc_id": "d1", "service_id": "nadra-cnic-new", "section": "fees"}]}),
    ({"id": "a2", "text": "passport", "lang": "ur", "split": "test", "expected_services": ["dgip-passport"],
      "expected_section": None, "expected_handoff": None},
     {"outcome": "answered", "service_id": "nadra-cnic-new", "section": "fees", "confidence": 0.6,
      "citations": [{"doc_id": "d2", "service_id": "dgip-passport", "section": "fees"}]}),
    ({"id": "h1", "text": "my case", "lang": "en", "split": "test", "expected_services": [],
      "expected_section": None, "expected_handoff": "personal_case"},
     {"outcome": "handoff", "handoff_reason": "personal_case", "confidence": 0.2}),
    ({"id": "a3", "text": "bisp", "lang": "ur", "split": "test", "expected_services": ["bisp-kafaalat"],
      "expected_section": "procedure", "expected_handoff": None},
     {"outcome": "handoff", "handoff_reason": "low_confidence", "confidence": 0.3}),
    ({"id": "h2", "text": "weather", "lang": "ur", "split": "tune", "expected_services": [],
      "expected_section": None, "expected_handoff": "out_of_scope"},
     {"outcome": "answered", "service_id": "fbr-ntn", "confidence": 0.7,
      "citations": [{"doc_id": "d9", "service_id": "fbr-ntn", "section": "overview"}]}),
]  # fmt: skip


class FakeTarget:
    id = "fake"

    def __init__(self, replies: dict[str, dict[str, Any]], fail_after: int | None = None) -> None:
        self.replies = replies
        self.calls: list[str] = []
        self.fail_after = fail_after

    def ask(self, message: str, session_id: str | None = None) -> dict[str, Any]:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise TargetError("connection lost")
        self.calls.append(message)
        base = {"outcome": "answered", "handoff_reason": None, "service_id": None, "section": None,
                "options": [], "citations": [], "answer": f"reply to {message}",
                "confidence": 0.5}  # fmt: skip
        base.update(self.replies.get(message, {}))
        base["handoff"] = base["outcome"] == "handoff"
        return {**base, "latency_ms": 10.0 * len(self.calls)}

    def describe(self) -> dict[str, Any]:
        return {"target": "fake", "embedder_id": "hash-64", "index_version": "v1"}


@pytest.fixture
def citizen_file(tmp_path: Path) -> Path:
    path = tmp_path / "citizen.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item, _ in CITIZEN), encoding="utf-8")
    return path


def fake_citizen_target(**kw: Any) -> FakeTarget:
    return FakeTarget({item["text"]: reply for item, reply in CITIZEN}, **kw)


def options(tmp_path: Path, dataset: str, **kw: Any) -> EvalOptions:
    return EvalOptions(dataset, out=tmp_path / "reports", cache_root=tmp_path / "cache", progress=False, **kw)


# ------------------------------------------------------------------------------------ the cache


def test_run_cache_ignores_a_torn_last_line(tmp_path: Path) -> None:
    cache = RunCache(tmp_path / "run")
    cache.append([{"id": "1", "v": 1}, {"id": "2", "v": 2}])
    with open(cache.path, "a", encoding="utf-8") as f:
        f.write('{"id": "3", "v"')  # killed mid-write
    assert set(cache.load()) == {"1", "2"}


def test_run_cached_resumes_after_interruption(tmp_path: Path) -> None:
    cache = RunCache(tmp_path / "run")
    seen: list[int] = []

    def work(batch: list[int]) -> list[dict[str, Any]]:
        if 3 in batch and not seen.count(-1):
            seen.append(-1)
            raise KeyboardInterrupt
        seen.extend(batch)
        return [{"id": str(i), "square": i * i} for i in batch]

    with pytest.raises(KeyboardInterrupt):
        run_cached(list(range(6)), str, work, cache, progress=False)
    assert seen == [0, 1, 2, -1]
    out = run_cached(list(range(6)), str, work, cache, progress=False)
    assert seen == [0, 1, 2, -1, 3, 4, 5]  # only the missing items ran
    assert [r["square"] for r in out] == [0, 1, 4, 9, 16, 25]


def test_run_cached_checks_record_ids() -> None:
    with pytest.raises(RuntimeError, match="does not match"):
        run_cached([1], str, lambda b: [{"id": "other"}], None, progress=False)


# ------------------------------------------------------------------------------------ manifest


def test_manifest_fields(tmp_path: Path) -> None:
    cfg = tmp_path / "rahnuma.toml"
    cfg.write_text("[retrieval]\ntop_k = 5\n", encoding="utf-8")
    m = build_manifest("citizen", "abc", config=cfg, target={"embedder_id": "e5", "index_version": "v2"},
                       reader_id=None, split="test", n_items=3)  # fmt: skip
    assert m["config_sha256"] == hashlib.sha256(cfg.read_bytes()).hexdigest()
    assert m["embedder_id"] == "e5" and m["index_version"] == "v2"
    assert m["git_commit"] and m["date"].endswith("+00:00")
    assert m["run_key"].startswith("citizen-")
    cfg.write_text("[retrieval]\ntop_k = 6\n", encoding="utf-8")
    m2 = build_manifest("citizen", "abc", config=cfg, target={"embedder_id": "e5", "index_version": "v2"})
    assert m2["run_key"] != m["run_key"]  # a config change means a fresh cache


def test_git_commit_outside_a_repository(tmp_path: Path) -> None:
    assert git_commit(tmp_path) == "unknown"


def test_predicted_services_order() -> None:
    rec = {"service_id": "a", "citations": [{"service_id": "b"}, {"service_id": "a"}], "options": ["c", None]}
    assert predicted_services(rec) == ["a", "b", "c"]


# -------------------------------------------------------------------------------------- citizen


def test_citizen_report_hand_computed(tmp_path: Path, citizen_file: Path) -> None:
    report = evaluate(
        options(tmp_path, "citizen", file=citizen_file, split="all"), target=fake_citizen_target()
    )
    s = report["summary"]
    assert (s["n"], s["n_answerable"], s["n_must_not_answer"]) == (5, 3, 2)
    assert s["top1_service_accuracy"] == pytest.approx(1 / 3, abs=1e-4)  # a1 only
    assert s["top3_service_accuracy"] == pytest.approx(2 / 3, abs=1e-4)  # a2 via its citation
    assert s["section_accuracy"] == 0.5  # a1 right, a3 none; a2 unlabelled
    assert s["handoff_precision"] == 0.5 and s["handoff_recall"] == 0.5  # h1 caught, a3 wrongly, h2 missed
    assert s["handoffs_on_answerable"] == 1
    assert s["handoff_reason_accuracy"] == 1.0
    assert s["auroc"] == 1.0  # the only correct item has the highest confidence
    assert s["outcomes"] == {"answered": 3, "handoff": 2}
    assert s["latency_ms"] == {"p50": 30.0, "p95": 50.0, "p99": 50.0}
    assert report["breakdowns"]["language"]["en"]["n"] == 2
    assert set(report["breakdowns"]["department"]) == {"(none)", "bisp", "dgip", "nadra"}
    assert report["breakdowns"]["outcome"]["handoff"]["n"] == 2
    failed = {f["id"]: f["why"] for f in report["failures"]}
    assert set(failed) == {"a2", "a3", "h2"}
    assert len(failed["a3"]) == 2  # wrong service and handed off
    assert report["manifest"]["embedder_id"] == "hash-64" and report["manifest"]["index_version"] == "v1"


def test_citizen_writes_json_markdown_and_plots(tmp_path: Path, citizen_file: Path) -> None:
    evaluate(options(tmp_path, "citizen", file=citizen_file, split="all"), target=fake_citizen_target())
    out = tmp_path / "reports"
    data = json.loads((out / "citizen.json").read_text(encoding="utf-8"))
    assert data["dataset"] == "citizen" and data["files"]["json"].endswith("citizen.json")
    for png in ("citizen_reliability.png", "citizen_coverage_risk.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "citizen.md").read_text(encoding="utf-8")
    assert "## By language" in md and "## Failures (3)" in md and "citizen_reliability.png" in md


def test_citizen_split_and_limit(tmp_path: Path, citizen_file: Path) -> None:
    target = fake_citizen_target()
    report = evaluate(options(tmp_path, "citizen", file=citizen_file, limit=2), target=target)  # split test
    assert report["summary"]["n"] == 2 and target.calls == ["cnic fee", "passport"]
    assert report["manifest"]["split"] == "test"


def test_citizen_run_resumes_from_cache(tmp_path: Path, citizen_file: Path) -> None:
    opts = options(tmp_path, "citizen", file=citizen_file, split="all")
    with pytest.raises(TargetError):
        evaluate(opts, target=fake_citizen_target(fail_after=2))
    second = fake_citizen_target()
    report = evaluate(opts, target=second)
    assert second.calls == ["my case", "bisp", "weather"]  # the first two came from the cache
    assert report["summary"]["n"] == 5
    third = fake_citizen_target()
    evaluate(opts, target=third)
    assert third.calls == []
    fresh = fake_citizen_target()
    evaluate(EvalOptions(**{**opts.__dict__, "fresh": True}), target=fresh)
    assert len(fresh.calls) == 5


# --------------------------------------------------------------------------------------- custom


def test_custom_target_mode(tmp_path: Path, fixtures: Path) -> None:
    replies = {
        "شناختی کارڈ کی فیس کتنی ہے؟": {
            "service_id": "nadra-cnic-new", "answer": "فیس 750 روپے ہے۔", "confidence": 0.8},
        "passport renew kaise karein": {"service_id": "nadra-cnic-new", "confidence": 0.4, "citations": [
            {"doc_id": "x", "service_id": "nadra-cnic-new"},
            {"doc_id": "y", "service_id": "dgip-passport-renewal"}]},
        "What is my case status?": {
            "outcome": "handoff", "handoff_reason": "personal_case", "confidence": 0.1},
    }  # fmt: skip
    report = evaluate(options(tmp_path, "custom", file=fixtures / "custom.jsonl"), target=FakeTarget(replies))
    s = report["summary"]
    assert s["n"] == 4 and s["n_with_relevant_ids"] == 2
    assert s["hit@1"] == 0.5 and s["MRR"] == pytest.approx((1 + 1 / 3) / 2, abs=1e-4)
    assert s["answer_contains_gold"] == 0.5  # c1 contains "750 روپے", c4 (plain reply) does not
    assert s["handoff_recall"] == 1.0 and s["handoff_precision"] == 1.0
    assert (tmp_path / "reports" / "custom-custom.json").is_file()


def test_custom_reader_mode_with_oracle(tmp_path: Path, fixtures: Path) -> None:
    report = evaluate(options(tmp_path, "custom", file=fixtures / "squad.json", reader="oracle"))
    assert report["summary"]["exact"] == 100.0 and report["summary"]["total"] == 2
    assert report["manifest"]["reader_id"] == "oracle"


def test_custom_needs_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="custom needs --file"):
        evaluate(options(tmp_path, "custom"))


# -------------------------------------------------------------------------------------- readers


def test_uqa_reader_oracle_and_first_sentence(
    tmp_path: Path, bench: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAHNUMA_BENCHMARKS", str(bench))
    report = evaluate(options(tmp_path, "uqa-reader", reader="oracle"))
    assert report["summary"]["exact"] == 100.0 and report["summary"]["total"] == 3
    assert report["published"]["EM"] == 74.56 and report["published"]["F1"] == 85.99
    low = evaluate(options(tmp_path, "uqa-reader", reader="first-sentence"))
    assert low["summary"]["exact"] < 100.0
    with pytest.raises(DatasetError, match="needs --reader"):
        evaluate(options(tmp_path, "uqa-reader"))


def test_belebele_baseline_and_oracle(tmp_path: Path, fixtures: Path) -> None:
    path = fixtures / "belebele_urd_Arab.jsonl"
    base = evaluate(options(tmp_path, "belebele", file=path))
    assert base["summary"]["n"] == 3 and base["summary"]["chance"] == 0.25
    assert base["summary"]["decided_by_reader"] == 0
    assert base["summary"]["accuracy"] == 1.0  # the fixture questions share words with the right sentence
    oracle = evaluate(options(tmp_path, "belebele", file=path, reader="oracle"))
    assert oracle["summary"]["accuracy"] == 1.0 and oracle["summary"]["decided_by_reader"] == 3
    assert (tmp_path / "reports" / "belebele-urd_Arab.json").is_file()


# ---------------------------------------------------------------------------------- bitext tasks


def test_bitext_retrieval_identity_and_degenerate(tmp_path: Path) -> None:
    from models.embedders import HashEmbedder

    texts = ["alpha beta", "gamma delta", "کراچی شہر"]
    out = bitext_retrieval(HashEmbedder(), texts, texts, tmp_path)
    assert out["src_to_tgt_top1"] == 1.0 and out["tgt_to_src_MRR"] == 1.0

    class Constant(HashEmbedder):
        id = "constant"

        def embed_queries(self, texts: list[str]) -> Any:
            import numpy as np

            return np.ones((len(texts), 4), dtype=np.float32) / 2

    tied = bitext_retrieval(Constant(), ["a", "b"], ["c", "d"], tmp_path)
    assert tied["src_to_tgt_top1"] == 0.0  # ties count against the gold


def test_tatoeba_flores_ntrex_with_hash_embedder(
    tmp_path: Path, bench: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAHNUMA_BENCHMARKS", str(bench))
    cfg = tmp_path / "rahnuma.toml"
    cfg.write_text(
        f'[embedder]\nbackend = "hash"\n[index]\ncache_path = "{tmp_path / "cache"}"\n', encoding="utf-8"
    )
    for name, keys in (
        ("tatoeba", {"urd_eng"}),
        ("flores", {"urd_eng"}),
        ("ntrex", {"documents", "segments"}),
    ):
        report = evaluate(options(tmp_path, name, config=str(cfg)))
        assert set(report["summary"]) == keys
        for metrics in report["summary"].values():
            assert 0.0 <= metrics["src_to_tgt_top1"] <= 1.0 and metrics["n"] >= 2
        assert report["manifest"]["embedder_id"] == "hash-64" and report["manifest"]["dataset_sha256"]


def test_unknown_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="unknown"):
        evaluate(options(tmp_path, "squad"))
