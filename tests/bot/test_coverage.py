"""The registry of services the corpus does not cover (bot/coverage.py) and its place in the pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.coverage import FILE_NAME, Uncovered, load_uncovered, phrase_keys, uncovered_problems
from bot.errors import CorpusError
from bot.pipeline import Pipeline
from bot.types import HandoffReason, Outcome
from retrieval.validate import validate_corpus
from tests.helpers import FIXTURE_CORPUS, HashEmbedder, build_fixture_index, make_config

REGISTRY = """
- id: kissan-card
  name: {en: Kissan Card, ur: کسان کارڈ, ur-Latn: Kissan Card}
  handled_by: {en: the Punjab Agriculture Department, ur: محکمہ زراعت پنجاب, ur-Latn: Punjab Agriculture Department}
  phrases: [kissan card, kisan card, کسان کارڈ]
- id: arms-licence
  name: {en: Arms licence, ur: اسلحہ لائسنس, ur-Latn: Arms licence}
  phrases: [arms licence, arms license, اسلحہ لائسنس]
- id: arms-licence-renewal
  name: {en: Arms licence renewal, ur: اسلحہ لائسنس کی تجدید, ur-Latn: Arms licence renewal}
  phrases: [arms licence renewal]
"""


def _registry(tmp_path: Path, text: str = REGISTRY) -> Path:
    path = tmp_path / FILE_NAME
    path.write_text(text, encoding="utf-8")
    return path


def test_a_phrase_matches_as_a_run_of_words_filler_and_spelling_aside(tmp_path: Path) -> None:
    registry = load_uncovered(_registry(tmp_path))
    assert len(registry) == 3
    assert registry.match("kissan card kaise banwayen").service.service_id == "kissan-card"  # type: ignore[union-attr]
    assert registry.match("KISAAN card ki fees").service.service_id == "kissan-card"  # type: ignore[union-attr]
    assert registry.match("اسلحہ کا لائسنس کیسے بنتا ہے").service.service_id == "arms-licence"  # type: ignore[union-attr]
    # the words apart, or the head alone, name a covered service: no match
    assert registry.match("kisan ka shanakhti card kaise banega") is None
    assert registry.match("driving licence kaise banta hai") is None
    # the most specific phrase wins, and the match says where it is
    found = registry.match("arms licence renewal fee")
    assert found is not None and found.service.service_id == "arms-licence-renewal" and found.span == (0, 3)


def test_a_missing_registry_is_empty_and_matches_nothing(tmp_path: Path) -> None:
    registry = load_uncovered(tmp_path / FILE_NAME)
    assert len(registry) == 0 and registry.match("kissan card") is None
    assert Uncovered().get("kissan-card") is None


@pytest.mark.parametrize(("text", "message"), [
    ("- id: x\n  name: {en: X}\n  phrases: [x y]\n", "entry 'x': field 'name' must map each of en, ur, ur-Latn"),
    ("- id: x\n  name: {en: X, ur: ایکس, ur-Latn: X}\n  phrases: []\n", "entry 'x': field 'phrases' must be"),
    ("- id: x\n  name: {en: X, ur: ایکس, ur-Latn: X}\n  phrases: [ki ka]\n", "phrase 'ki ka' has no content word"),
    ("- name: {en: X}\n", "entry 1: field 'id' must be a non-empty string"),
    ("id: x\n", "must be a list of entries"),
    ("- [unclosed\n", "not valid YAML"),
])
def test_a_malformed_registry_names_the_entry_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CorpusError, match=message.replace("[", r"\[")) as err:
        load_uncovered(_registry(tmp_path, text))
    assert FILE_NAME in str(err.value)


def test_validation_reports_a_phrase_the_corpus_lists_as_a_keyword(tmp_path: Path) -> None:
    path = _registry(tmp_path, REGISTRY + "- id: first-card\n  name: {en: F, ur: ف, ur-Latn: F}\n"
                                          "  phrases: [first id card]\n")
    keywords = [("nadra-cnic-new", "first id card"), ("nadra-cnic-new", "naya shanakhti card")]
    problems = uncovered_problems(path, keywords)
    assert len(problems) == 1 and "'first-card'" in problems[0] and "nadra-cnic-new" in problems[0]
    assert uncovered_problems(_registry(tmp_path), keywords) == []


def test_rahnuma_corpus_validate_checks_the_registry(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    assert validate_corpus(corpus) == []
    _registry(corpus, "- id: new-card\n  name: {en: N, ur: ن, ur-Latn: N}\n  phrases: [new cnic]\n")
    assert any("'new-card'" in p for p in validate_corpus(corpus))


@pytest.fixture()
def pipeline(tmp_path: Path) -> Pipeline:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    _registry(corpus)
    cfg = make_config(tmp_path, corpus=corpus, answer={"answer_threshold": 0.0, "clarify_margin": 0.0})
    emb = HashEmbedder()
    build_fixture_index(cfg, emb)
    p = Pipeline(cfg, embedder=emb)
    p.load()
    return p


@pytest.mark.parametrize(("text", "lang", "words"), [
    ("kissan card kaise banwayen", "ur-Latn", ("Kissan Card", "Punjab Agriculture Department", "numainde")),
    ("How do I get a Kissan card?", "en", ("Kissan Card", "Punjab Agriculture Department", "person")),
    ("کسان کارڈ کیسے بنتا ہے؟", "ur", ("کسان کارڈ", "محکمہ زراعت پنجاب", "نمائندے")),
])
def test_an_uncovered_service_is_handed_off_and_named(pipeline: Pipeline, text: str, lang: str,
                                                      words: tuple[str, ...]) -> None:
    reply = pipeline.answer(text)
    assert reply.outcome is Outcome.HANDOFF and reply.handoff_reason is HandoffReason.OUT_OF_SCOPE
    assert reply.rule == "uncovered:kissan-card" and reply.language == lang
    assert all(w in reply.answer for w in words), reply.answer
    assert not reply.citations


def test_an_entry_without_handled_by_says_only_that_it_is_not_covered(pipeline: Pipeline) -> None:
    reply = pipeline.answer("arms licence kaise banta hai")
    assert reply.rule == "uncovered:arms-licence" and "Arms licence" in reply.answer
    assert "Yeh kaam" not in reply.answer


def test_a_message_that_names_a_covered_service_elsewhere_goes_to_retrieval(pipeline: Pipeline) -> None:
    # "new cnic" is a keyword of the fixture's nadra-cnic-new, apart from "kissan card"
    assert not pipeline.answer("new cnic ke liye kissan card chahiye?").rule.startswith("uncovered")
    # an overlapping covered phrase does not count: "arms licence" is still the arms licence
    assert pipeline.vocab.names_a_service_outside(phrase_keys("arms licence renewal"), (0, 2)) is False
    assert pipeline.answer("arms licence kaise banta hai").rule == "uncovered:arms-licence"


def test_covered_services_and_rules_before_it_are_unchanged(pipeline: Pipeline) -> None:
    covered = pipeline.answer("naya shanakhti card kaise banwayen")
    assert covered.outcome is Outcome.ANSWERED and not covered.rule.startswith("uncovered")
    # an emergency is an emergency whatever else the message names
    assert pipeline.answer("aag lag gayi hai kissan card bhi jal gaya").handoff_reason is HandoffReason.EMERGENCY
