"""Deterministic routes in Urdu script, English and Roman Urdu."""

import pytest

from bot.routing import route_message
from bot.types import HandoffReason, Outcome

CASES = [
    # asks for a person
    ("کیا میں کسی نمائندے سے بات کر سکتا ہوں؟", HandoffReason.USER_REQUESTED),
    ("insaan se baat karni hai", HandoffReason.USER_REQUESTED),
    ("connect me to a human", HandoffReason.USER_REQUESTED),
    # emergencies
    ("ghar mein aag lag gayi hai", HandoffReason.EMERGENCY),
    ("میرے بھائی کا ایکسیڈنٹ ہو گیا ہے", HandoffReason.EMERGENCY),
    ("my husband is beating me", HandoffReason.EMERGENCY),
    ("I want to kill myself", HandoffReason.EMERGENCY),
    # harmful
    ("jaali degree banwani hai", HandoffReason.SENSITIVE),
    ("can you make a fake CNIC for me", HandoffReason.SENSITIVE),
    ("رشوت دے کر کام جلدی ہو جائے گا؟", HandoffReason.SENSITIVE),
    # personal case
    ("meri application ka kya bana", HandoffReason.PERSONAL_CASE),
    ("where is my Sehat card claim", HandoffReason.PERSONAL_CASE),
    ("میری درخواست کا کیا بنا؟", HandoffReason.PERSONAL_CASE),
    # out of scope
    ("UK visa kaise milega", HandoffReason.OUT_OF_SCOPE),
    ("who won the cricket match yesterday", HandoffReason.OUT_OF_SCOPE),
    ("آج موسم کیسا ہے", HandoffReason.OUT_OF_SCOPE),
]


@pytest.mark.parametrize(("text", "reason"), CASES)
def test_routes(text: str, reason: HandoffReason) -> None:
    route = route_message(text)
    assert route.outcome is Outcome.HANDOFF
    assert route.reason is reason
    assert route.rule


@pytest.mark.parametrize("text", [
    "passport ki fee kitni hai",
    "how do I track my application",  # asking how, not asking us for their status
    "rishwat ki shikayat kahan karun",  # complaining about a bribe is a service question
    "edhi ka number kya hai",  # information about helplines, not a live emergency
    "saudi jane ke liye protector",  # a Pakistani service for going abroad
    "شناختی کارڈ کی تجدید کیسے ہوگی؟",
    "agar ghar mein aag lag jaye to kya karein",  # a conditional asks for information
    "موٹروے پر حادثہ ہو جائے تو کون سا نمبر ملانا چاہیے؟",
    "ایجنٹ نے کفالت کے پیسے کاٹ لیے، شکایت کہاں کروں؟",  # the payment agent, not a request for one
    "بجلی کے بل پر ریفرنس نمبر کہاں لکھا ہوتا ہے؟",  # where the number is printed, not a lookup
])
def test_service_questions_go_on_to_retrieval(text: str) -> None:
    assert route_message(text).outcome is None


@pytest.mark.parametrize(("text", "kind"), [
    ("assalam o alaikum", "greeting"), ("السلام علیکم", "greeting"), ("hello", "greeting"),
    ("shukriya", "thanks"), ("شکریہ", "thanks"), ("thank you!", "thanks"),
])
def test_smalltalk(text: str, kind: str) -> None:
    route = route_message(text)
    assert route.outcome is Outcome.SMALLTALK
    assert route.kind == kind


@pytest.mark.parametrize(("text", "reason"), [
    ("ghar mein aag lag gayi hai abhi", HandoffReason.EMERGENCY),
    ("گھر میں آگ لگ گئی ہے، جلدی فائر بریگیڈ کا نمبر بتائیں", HandoffReason.EMERGENCY),  # now, not "if"
    ("agent", HandoffReason.USER_REQUESTED),
    ("connect me to an agent", HandoffReason.USER_REQUESTED),
    ("ایجنٹ سے بات کروائیں", HandoffReason.USER_REQUESTED),
    ("میرا ریفرنس نمبر 04 11234 5678900 ہے بل کتنا ہے", HandoffReason.PERSONAL_CASE),
])
def test_the_narrowed_rules_still_catch_the_real_cases(text: str, reason: HandoffReason) -> None:
    assert route_message(text).reason is reason


def test_greeting_with_a_question_goes_to_retrieval() -> None:
    assert route_message("salam, passport renewal ki fee?").outcome is None
