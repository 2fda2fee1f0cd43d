"""The optional generator inside the pipeline: used when it checks out, replaced when it invents."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from models.generators import GeneratedAnswer, SourceSection
from tests.helpers import fixture_pipeline


class ScriptedGenerator:
    id = "scripted"

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: list[list[SourceSection]] = []

    def load(self) -> None:
        return None

    def generate(self, question: str, sources: list[SourceSection], lang: str) -> GeneratedAnswer:
        self.seen.append(sources)
        return GeneratedAnswer(text=self.text, cited_ids=("S1",) if "[S1]" in self.text else (), raw=self.text)


def _pipeline(tmp_path: Path, generator: ScriptedGenerator):  # type: ignore[no-untyped-def]
    p = fixture_pipeline(tmp_path, answer={"answer_threshold": 0.0, "clarify_margin": 0.0})
    p.generator = generator
    return p


def test_valid_generated_answer_is_used(tmp_path: Path) -> None:
    gen = ScriptedGenerator("The urgent renewal costs Rs 7,500 [S1].")
    reply = _pipeline(tmp_path, gen).answer("How much is the urgent passport renewal fee?")
    assert "The urgent renewal costs Rs 7,500" in reply.answer
    assert gen.seen[0][0].doc_id == "dgip-passport-renewal.en"
    assert reply.citations[0].url in reply.answer  # the source line is still ours


def test_invented_amount_falls_back_to_the_extractive_answer(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    gen = ScriptedGenerator("The urgent renewal costs Rs 9,999 [S1]. Call 0300-1234567.")
    with caplog.at_level(logging.WARNING, logger="rahnuma.guardrails"):
        reply = _pipeline(tmp_path, gen).answer("How much is the urgent passport renewal fee?")
    assert "9,999" not in reply.answer and "7,500" in reply.answer
    assert any("generation_rejected" in r.getMessage() for r in caplog.records)
