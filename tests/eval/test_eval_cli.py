"""eval.cli: `rahnuma eval DATASET ...` and `rahnuma eval compare A B`."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from eval.cli import main


def _common(tmp_path: Path) -> list[str]:
    return ["--out", str(tmp_path / "reports"), "--cache-dir", str(tmp_path / "cache"), "--no-progress"]


def test_compare_prints_signed_differences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"summary": {"top1_service_accuracy": 0.8, "ece": 0.1, "n": 5}}), "utf-8")
    b.write_text(json.dumps({"summary": {"top1_service_accuracy": 0.77, "ece": 0.05, "n": 5}}), "utf-8")
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    top1 = next(x for x in out.splitlines() if x.startswith("summary.top1_service_accuracy"))
    assert "\u22120.030" in top1 and "\u2193 worse" in top1
    ece = next(x for x in out.splitlines() if x.startswith("summary.ece"))
    assert "\u22120.050" in ece and "\u2191 better" in ece


def test_compare_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 1
    assert "cannot read report" in capsys.readouterr().err


def test_unknown_dataset_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["squad"])
    assert exc.value.code == 2


def test_custom_without_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["custom", *_common(tmp_path)]) == 1
    assert "custom needs --file" in capsys.readouterr().err


def test_citizen_against_unreachable_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["citizen", "--url", f"http://127.0.0.1:{port}", "--limit", "1", *_common(tmp_path)])
    assert code == 1
    assert f"cannot reach the Rahnuma API at http://127.0.0.1:{port}" in capsys.readouterr().err


def test_belebele_file(tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["belebele", "--file", str(fixtures / "belebele_urd_Arab.jsonl"), *_common(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "belebele-urd_Arab.json" in out
    assert (tmp_path / "reports" / "belebele-urd_Arab.md").is_file()


def test_uqa_reader_prints_published_figures(
    tmp_path: Path, bench: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RAHNUMA_BENCHMARKS", str(bench))
    assert main(["uqa-reader", "--reader", "oracle", "--split", "test", *_common(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "EM 74.56 / F1 85.99" in captured.out
    assert "--split applies to the citizen set only" in captured.err


def test_citizen_in_process_uses_build_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.pipeline

    built: list[Any] = []

    class Fake:
        class embedder:  # noqa: N801 - mimics pipeline.embedder.id
            id = "fake-embedder"

        def answer(self, message: str, session_id: str | None = None, channel: str = "web") -> dict[str, Any]:
            return {"outcome": "handoff", "handoff": True, "handoff_reason": "low_confidence",
                    "confidence": 0.1, "service_id": None, "section": None, "options": [], "citations": [],
                    "answer": ""}  # fmt: skip

    def fake_build(config: Any) -> Fake:
        built.append(config)
        return Fake()

    monkeypatch.setattr(bot.pipeline, "build_pipeline", fake_build)
    assert main(["citizen", "--limit", "3", "--split", "tune", *_common(tmp_path)]) == 0
    assert len(built) == 1
    report = json.loads((tmp_path / "reports" / "citizen.json").read_text("utf-8"))
    assert report["summary"]["n"] == 3 and report["manifest"]["split"] == "tune"
    assert report["manifest"]["embedder_id"] == "fake-embedder"
    assert "top1_service_accuracy" in capsys.readouterr().out
