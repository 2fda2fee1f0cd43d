"""eval.targets: the in-process pipeline target and the HTTP target."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.types import Citation, HandoffReason, Outcome, Reply
from eval.targets import HttpTarget, PipelineTarget, TargetError

CONTRACT = {
    "session_id": "s", "message_id": "m", "outcome": "answered", "handoff": False, "handoff_reason": None,
    "language": "ur", "detected_language": "ur", "answer": "…", "confidence": 0.8,
    "service_id": "nadra-cnic-new", "section": "fees", "options": [], "citations": [],
}  # fmt: skip


class FakePipeline:
    embedder_id = "hash-64"
    index_version = "v7"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, str]] = []

    def answer(self, message: str, session_id: str | None = None, channel: str = "web") -> Reply:
        self.calls.append((message, session_id, channel))
        cite = Citation("d1", "nadra-cnic-new", "nadra", "CNIC", "fees", "https://x", "ur", "snippet")
        if "case" in message:
            return Reply("s", "m", Outcome.HANDOFF, "en", "", 0.1, HandoffReason.PERSONAL_CASE)
        return Reply(
            "s", "m", Outcome.ANSWERED, "ur", "fee 750", 0.9, citations=(cite,), service_id="nadra-cnic-new"
        )


def test_pipeline_target_returns_contract_plus_latency() -> None:
    pipe = FakePipeline()
    target = PipelineTarget(pipe)
    out = target.ask("شناختی کارڈ فیس")
    assert out["outcome"] == "answered" and out["service_id"] == "nadra-cnic-new"
    assert out["citations"][0]["doc_id"] == "d1"
    assert isinstance(out["latency_ms"], float) and out["latency_ms"] >= 0
    assert pipe.calls == [("شناختی کارڈ فیس", None, "eval")]  # fresh session, eval channel
    assert target.ask("my case")["handoff_reason"] == "personal_case"


def test_pipeline_target_describe_reads_attributes() -> None:
    info = PipelineTarget(FakePipeline()).describe()
    assert info == {"target": "pipeline", "embedder_id": "hash-64", "index_version": "v7"}


def test_pipeline_target_describe_prefers_describe_method() -> None:
    class WithDescribe(FakePipeline):
        def describe(self) -> dict[str, Any]:
            return {"embedder_id": "e5-small", "index_version": "2024-06-01"}

    assert PipelineTarget(WithDescribe()).describe()["embedder_id"] == "e5-small"


def _mock_client(handler: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_http_target_posts_to_v1_chat() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=CONTRACT)

    target = HttpTarget("http://127.0.0.1:8000/", client=_mock_client(handler))
    out = target.ask("hello")
    assert out["outcome"] == "answered" and "latency_ms" in out
    assert seen[0].method == "POST" and str(seen[0].url) == "http://127.0.0.1:8000/v1/chat"
    assert json.loads(seen[0].content) == {"message": "hello", "session_id": None}


def test_http_target_error_status_is_reported() -> None:
    target = HttpTarget(
        "http://api.test", client=_mock_client(lambda r: httpx.Response(422, json={"detail": "x"}))
    )
    with pytest.raises(TargetError, match="answered 422"):
        target.ask("")


def test_http_target_rejects_non_contract_json() -> None:
    target = HttpTarget("http://api.test", client=_mock_client(lambda r: httpx.Response(200, json={"ok": 1})))
    with pytest.raises(TargetError, match="not the response contract"):
        target.ask("hi")


def test_http_target_timeout_is_a_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    target = HttpTarget("http://api.test", timeout=2, client=_mock_client(handler))
    with pytest.raises(TargetError, match="did not answer within 2 s"):
        target.ask("hi")


def test_http_target_unreachable_names_url_and_fix() -> None:
    with socket.socket() as s:  # a loopback port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    target = HttpTarget(f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(TargetError, match=rf"cannot reach the Rahnuma API at http://127.0.0.1:{port}.*--url"):
        target.ask("hi")
    assert target.describe() == {"target": "http", "url": f"http://127.0.0.1:{port}"}  # describe never raises
    target.close()


def test_http_target_describe_uses_healthz() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "ok", "index_version": "v3", "embedder_id": "e5"})

    info = HttpTarget("http://api.test", client=_mock_client(handler)).describe()
    assert info == {"target": "http", "url": "http://api.test", "embedder_id": "e5", "index_version": "v3"}


def test_http_target_bad_url() -> None:
    with pytest.raises(TargetError, match="must start with http"):
        HttpTarget("localhost:8000")


def test_pipeline_target_with_the_real_pipeline(tmp_path: Path) -> None:
    """The contract end to end: bot.pipeline.Pipeline on the fixture corpus, hash embedder."""
    from tests.helpers import fixture_pipeline

    target = PipelineTarget(fixture_pipeline(tmp_path))
    out = target.ask("شناختی کارڈ کی فیس کتنی ہے؟")
    for key in ("outcome", "handoff", "confidence", "service_id", "citations", "answer", "latency_ms"):
        assert key in out
    info = target.describe()
    assert info["embedder_id"] == "hash-64" and info["index_version"]
