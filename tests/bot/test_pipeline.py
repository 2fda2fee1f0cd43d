"""The pipeline end to end on the fixture corpus with the deterministic fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import canned
from bot.errors import InputError
from bot.pipeline import Pipeline
from bot.types import HandoffReason, Outcome
from tests.helpers import fixture_pipeline

ANSWER_ALL = {"answer": {"answer_threshold": 0.0, "clarify_margin": 0.0}}


@pytest.fixture()
def pipeline(tmp_path: Path) -> Pipeline:
    return fixture_pipeline(tmp_path, **ANSWER_ALL)


def test_urdu_question_gets_urdu_answer_with_citation(pipeline: Pipeline) -> None:
    reply = pipeline.answer("پاسپورٹ کی تجدید کی فیس کتنی ہے؟")
    assert reply.outcome is Outcome.ANSWERED
    assert reply.language == "ur"
    assert reply.service_id == "dgip-passport-renewal"
    assert reply.section == "fees"
    assert "روپے" in reply.answer
    cite = reply.citations[0]
    assert (cite.doc_id, cite.lang, cite.section) == ("dgip-passport-renewal.ur", "ur", "fees")
    assert cite.url == "https://onlinemrp.dgip.gov.pk" and cite.url in reply.answer


def test_english_question_gets_english_answer(pipeline: Pipeline) -> None:
    reply = pipeline.answer("What documents do I need for CNIC renewal?")
    assert reply.language == "en"
    assert reply.service_id == "nadra-cnic-renewal"
    assert reply.section == "documents"
    assert "old or expired CNIC" in reply.answer


def test_roman_urdu_answer_is_romanised_and_focused(pipeline: Pipeline) -> None:
    reply = pipeline.answer("passport ki tajdeed ki urgent fee kitni hai")
    assert reply.language == "ur-Latn"
    assert reply.service_id == "dgip-passport-renewal"
    assert reply.answer.isascii() or "7,500" in reply.answer
    assert "7,500" in reply.answer and "4,500" not in reply.answer  # the urgent fee, not the table


def test_procedure_is_a_numbered_list(pipeline: Pipeline) -> None:
    reply = pipeline.answer("CNIC renewal: how does the renewal process work, what are the steps")
    assert reply.section == "procedure"
    assert all(f"{i}." in reply.answer for i in (1, 2, 3))


def test_follow_up_resolves_to_the_same_service(pipeline: Pipeline) -> None:
    first = pipeline.answer("passport renewal documents", session_id="s1")
    assert first.service_id == "dgip-passport-renewal"
    follow = pipeline.answer("aur fee kitni hai?", session_id="s1")
    assert follow.service_id == "dgip-passport-renewal"
    assert follow.section == "fees"


def test_low_confidence_hands_off_with_reason_and_suggestion(tmp_path: Path) -> None:
    strict = fixture_pipeline(tmp_path, answer={"answer_threshold": 1.0})
    reply = strict.answer("passport renewal fee")
    assert reply.outcome is Outcome.HANDOFF and reply.handoff
    assert reply.handoff_reason in (HandoffReason.LOW_CONFIDENCE, HandoffReason.OUT_OF_SCOPE)
    assert reply.suggested_answer and reply.staff_sources  # staff see what the bot would have said
    assert not reply.citations  # the citizen is not shown a source the bot was unsure of
    assert reply.to_public()["handoff_reason"] == reply.handoff_reason.value


def test_emergency_gives_numbers_from_the_corpus(pipeline: Pipeline) -> None:
    reply = pipeline.answer("ghar mein aag lag gayi hai")
    assert reply.handoff_reason is HandoffReason.EMERGENCY
    assert "1122" in reply.answer and "16" in reply.answer
    assert reply.citations[0].service_id == "emergency-helplines"


@pytest.mark.parametrize(("message", "lang"), [
    ("مجھے جینے کی کوئی وجہ نظر نہیں آتی", "ur"),
    ("I don't want to live anymore", "en"),
    ("khud ko khatam karna chahta hun", "ur-Latn"),
])
def test_self_harm_leads_with_the_mental_health_helpline(pipeline: Pipeline, message: str, lang: str) -> None:
    """The emergency list in the corpus starts with rescue, police and the fire brigade; someone
    thinking of ending their life gets the mental-health line first, under a gentler opening."""
    reply = pipeline.answer(message)
    assert reply.handoff_reason is HandoffReason.EMERGENCY and reply.rule == "emergency:self_harm"
    assert reply.language == lang and reply.answer.startswith(canned.SELF_HARM_HEAD[lang])
    assert reply.answer.index("0311-7786264") < reply.answer.index("1122")
    assert reply.citations[0].service_id == "emergency-helplines"
    fire = pipeline.answer("ghar mein aag lag gayi hai")
    assert fire.answer.index("1122") < fire.answer.index("0311-7786264")  # the usual order otherwise


def test_person_requested_in_urdu(pipeline: Pipeline) -> None:
    reply = pipeline.answer("کیا میں کسی نمائندے سے بات کر سکتا ہوں؟")
    assert reply.handoff_reason is HandoffReason.USER_REQUESTED
    assert reply.language == "ur"


def test_regional_language_answered_in_urdu_with_offer(pipeline: Pipeline) -> None:
    reply = pipeline.answer("پاسپورٹ دی فیس کنی اے؟ تسی دسو")
    assert reply.detected_language == "pa"
    assert reply.language == "ur"
    if reply.outcome is Outcome.ANSWERED:
        assert "پنجابی" in reply.answer


def test_greeting_and_contract_shape(pipeline: Pipeline) -> None:
    reply = pipeline.answer("assalam o alaikum")
    public = reply.to_public()
    assert public["outcome"] == "smalltalk" and public["handoff"] is False
    assert set(public) >= {"session_id", "message_id", "outcome", "handoff", "handoff_reason", "language",
                           "answer", "confidence", "citations"}
    assert 0.0 <= public["confidence"] <= 1.0


@pytest.mark.parametrize("bad", ["", "   \n", 42, None])
def test_bad_input_is_rejected(pipeline: Pipeline, bad: object) -> None:
    with pytest.raises(InputError):
        pipeline.answer(bad)


def test_too_long_message_names_the_limit(pipeline: Pipeline) -> None:
    with pytest.raises(InputError, match="limit is 2000"):
        pipeline.answer("a" * 2001)


def test_close_sibling_services_get_a_clarifying_question(tmp_path: Path) -> None:
    p = fixture_pipeline(tmp_path, answer={"answer_threshold": 0.0, "clarify_margin": 10.0})
    ask = p.answer("shanakhti card", session_id="c1")
    assert ask.outcome is Outcome.CLARIFY
    assert set(ask.option_service_ids) == {"nadra-cnic-new", "nadra-cnic-renewal"}
    assert len(ask.options) == 2 and "1." in ask.answer and "2." in ask.answer
    chosen = ask.option_service_ids[1]
    follow = p.answer("2", session_id="c1")
    assert follow.outcome is Outcome.ANSWERED and follow.service_id == chosen


def test_asking_for_a_person_gives_staff_the_last_service_answer(pipeline: Pipeline) -> None:
    pipeline.answer("passport renewal documents", session_id="h1")
    reply = pipeline.answer("connect me to a human", session_id="h1")
    assert reply.handoff_reason is HandoffReason.USER_REQUESTED
    assert not reply.citations  # nothing is cited to the citizen for a canned reply
    assert reply.staff_sources and reply.staff_sources[0].service_id == "dgip-passport-renewal"
    assert "passport" in reply.suggested_answer.lower() and reply.suggested_answer != reply.answer
