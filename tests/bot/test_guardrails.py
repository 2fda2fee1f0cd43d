"""Guardrails on generated answers: each rule in English and Urdu (Urdu digits included), the
fallback to the extractive answer and its log event."""

from __future__ import annotations

import logging

import pytest

from bot.guardrails import ascii_digits, choose_answer, generate_or_fallback, validate_generated
from models.generators import GeneratedAnswer, GeneratorError, SourceSection, cited_ids

EN = SourceSection(
    "S1", "dgip-passport.en", "Passport", "fees", "https://dgip.gov.pk/passport-fees",
    "Normal fee Rs. 4,500 (36 pages). Urgent fee Rs. 9000. Helpline 051-111-344-777 or 0800-26477. "
    "Rescue 1122. Pay at https://pay.dgip.gov.pk/bank. Email info@dgip.gov.pk",
)
UR = SourceSection(
    "S2", "nadra-cnic.ur", "شناختی کارڈ", "fees", "https://nadra.gov.pk/cnic",
    "عام فیس ۷۵۰ روپے، فوری فیس ۱٬۵۰۰ روپے۔ ہیلپ لائن ۰۵۱-۱۱۱-۷۸۶-۱۰۰۔ ٹریکنگ کے لیے 8400 پر ایس ایم ایس کریں۔",
)
SOURCES = [EN, UR]


def answer(text: str, truncated: bool = False) -> GeneratedAnswer:
    return GeneratedAnswer(text=text, cited_ids=cited_ids(text), raw=text, truncated=truncated)


@pytest.mark.parametrize(("text", "lang"), [
    ("The urgent fee is Rs. 9,000 [S1]; call 051-111-344-777 or 0800-26477 [S1].", "en"),
    ("Pay at https://pay.dgip.gov.pk/bank or see https://dgip.gov.pk/passport-fees/ [S1].", "en"),
    ("فوری فیس 1500 روپے ہے [S2]۔ ہیلپ لائن 051 111 786 100 [S2]۔", "ur"),
    ("عام فیس ۷۵۰ روپے [S2]، پاسپورٹ کی فوری فیس ۹۰۰۰ روپے [S1]۔", "ur"),
    ("Fori fees 1,500 rupay hai [S2]. Tracking ke liye 8400 par SMS karein [S2].", "ur-Latn"),
    ("Helpline 111-786-100 [S2]; Rescue 1122 [S1]; email info@dgip.gov.pk [S1]. Takes 10 days.", "en"),
])
def test_grounded_answers_pass(text: str, lang: str) -> None:
    assert validate_generated(answer(text), SOURCES, lang) == []


def test_empty_answer() -> None:
    assert validate_generated(answer("  "), SOURCES) == ["the answer is empty"]


@pytest.mark.parametrize("text", ["The urgent fee is Rs. 9,000.", "فوری فیس ۱۵۰۰ روپے ہے۔"])
def test_answer_without_citation_is_rejected(text: str) -> None:
    assert validate_generated(answer(text), SOURCES) == ["no [S1]-style citation (sources: S1, S2)"]


@pytest.mark.parametrize("text", ["Fee Rs. 9,000 [S3].", "فیس ۷۵۰ روپے [S2, S7]۔"])
def test_citing_a_source_that_does_not_exist_is_rejected(text: str) -> None:
    problems = validate_generated(answer(text), SOURCES)
    assert len(problems) == 1 and "which is not a source" in problems[0]


@pytest.mark.parametrize(("text", "bad"), [
    ("Apply at https://dgip-passport-online.com/apply [S1].", "https://dgip-passport-online.com/apply"),
    ("Pay at www.pay-dgip.pk [S1].", "www.pay-dgip.pk"),
    ("مزید معلومات کے لیے nadra-online.gov.pk دیکھیں [S2]۔", "nadra-online.gov.pk"),
    ("Pay at https://pay.dgip.gov.pk/bank/../scam [S1].", "https://pay.dgip.gov.pk/bank/../scam"),
])
def test_links_not_in_the_sources_are_rejected(text: str, bad: str) -> None:
    assert validate_generated(answer(text), SOURCES) == [f"link {bad!r} is not one of the sources' links"]


def test_unknown_link_token_is_rejected() -> None:
    problems = validate_generated(answer("Pay at [URL7] [S1]."), SOURCES)
    assert problems == ["link token [URL7] does not stand for any source link"]


def test_invented_email_is_rejected() -> None:
    problems = validate_generated(answer("Write to help@dgip.gov.pk [S1]."), SOURCES)
    assert problems == ["email address 'help@dgip.gov.pk' is not in the sources"]


@pytest.mark.parametrize(("text", "bad"), [
    ("Call 0800-12345 [S1].", "0800-12345"),
    ("Call 051-111-344-778 [S1].", "051-111-344-778"),
    ("Call 1166 [S1].", "1166"),
    ("ہیلپ لائن ۰۵۱-۱۱۱-۷۸۶-۱۰۱ پر کال کریں [S2]۔", "051-111-786-101"),
    ("ٹریکنگ کے لیے ۸۱۷۱ پر ایس ایم ایس کریں [S2]۔", "8171"),
    ("Call 777 [S1].", "777"),  # one group of a source number is not enough (two are: 111-786-100)
])
def test_phone_numbers_not_in_the_sources_are_rejected(text: str, bad: str) -> None:
    assert validate_generated(answer(text), SOURCES) == [f"number {bad!r} is not in the sources"]


@pytest.mark.parametrize(("text", "bad"), [
    ("Urgent fee is Rs. 12,000 [S1].", "12,000"),
    ("Urgent fee is PKR 950 [S1].", "950"),
    ("Fee is Rs 50 only [S1].", "50"),
    ("Fee is 45 rupees [S1].", "45"),
    ("فوری فیس ۲٬۰۰۰ روپے ہے [S2]۔", "2٬000"),
    ("عام فیس ۸۰ روپے ہے [S2]۔", "80"),
    ("Fee is 1,250 [S1].", "1,250"),  # thousands separator marks an amount even without Rs
])
def test_amounts_not_in_the_sources_are_rejected(text: str, bad: str) -> None:
    assert validate_generated(answer(text), SOURCES) == [f"number {bad!r} is not in the sources"]


def test_small_numbers_that_are_not_amounts_are_not_checked() -> None:
    assert validate_generated(answer("Step 2: wait 15 days [S1]."), SOURCES) == []


def test_digits_are_compared_after_normalising() -> None:
    assert ascii_digits("۰۸۰۰-۲۶۴۷۷ ٩٠٠٠") == "0800-26477 9000"
    assert validate_generated(answer("ہیلپ لائن ۰۸۰۰ ۲۶۴۷۷ [S1]، فیس ۴,۵۰۰ روپے [S1]۔"), SOURCES, "ur") == []


def test_cut_off_answer_is_rejected() -> None:
    problems = validate_generated(answer("The urgent fee is Rs. 9,000 [S1] and", truncated=True), SOURCES)
    assert problems == ["the answer was cut off at the token limit ([generator].max_tokens)"]


@pytest.mark.parametrize(("text", "lang"), [
    ("The urgent passport fee is Rs. 9,000 [S1].", "ur"),
    ("فوری فیس ۱۵۰۰ روپے ہے اور عام فیس ۷۵۰ روپے [S2]۔", "en"),
    ("فوری فیس ۱۵۰۰ روپے ہے اور عام فیس ۷۵۰ روپے [S2]۔", "ur-Latn"),
])
def test_wrong_script_is_rejected(text: str, lang: str) -> None:
    assert validate_generated(answer(text), SOURCES, lang) == [
        f"the answer is not in the reply language's script ({lang})"]


def test_several_problems_are_all_reported() -> None:
    problems = validate_generated(answer("Call 0300-1234567, pay Rs 99 at http://x.com [S9]."), SOURCES, "en")
    assert len(problems) == 4, problems


# --- choosing and falling back ------------------------------------------------------------------

def test_choose_answer_keeps_a_valid_generated_answer() -> None:
    good = answer("The urgent fee is Rs. 9,000 [S1].")
    assert choose_answer(good, [], "EXTRACTIVE", footer="Source: Passport") == \
        "The urgent fee is Rs. 9,000.\n\nSource: Passport"
    assert choose_answer(good, [], "EXTRACTIVE", keep_markers=True) == good.text


def test_choose_answer_falls_back_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    bad = answer("Call 0800-12345 [S1].")
    problems = validate_generated(bad, SOURCES)
    with caplog.at_level(logging.WARNING, logger="rahnuma.guardrails"):
        text = choose_answer(bad, problems, "EXTRACTIVE", context={"service_id": "dgip-passport"})
    assert text == "EXTRACTIVE"
    [record] = caplog.records
    assert record.name == "rahnuma.guardrails"
    assert record.event == "generation_rejected"  # type: ignore[attr-defined]
    assert record.problems == ["number '0800-12345' is not in the sources"]  # type: ignore[attr-defined]
    assert record.service_id == "dgip-passport"  # type: ignore[attr-defined]


class FakeGenerator:
    id = "fake"

    def __init__(self, text: str | None) -> None:
        self.text = text

    def load(self) -> None:
        return None

    def generate(self, question: str, sources: list[SourceSection], lang: str) -> GeneratedAnswer:
        if self.text is None:
            raise GeneratorError("server down")
        return answer(self.text)


def test_generate_or_fallback(caplog: pytest.LogCaptureFixture) -> None:
    ok = FakeGenerator("فوری فیس ۱٬۵۰۰ روپے ہے [S2]۔")
    assert generate_or_fallback(ok, "فیس؟", SOURCES, "ur", "EXTRACTIVE", footer="ماخذ") == \
        ("فوری فیس ۱٬۵۰۰ روپے ہے۔\n\nماخذ", True)
    with caplog.at_level(logging.WARNING, logger="rahnuma.guardrails"):
        assert generate_or_fallback(FakeGenerator(None), "fee?", SOURCES, "en", "EXTRACTIVE") == \
            ("EXTRACTIVE", False)
        assert generate_or_fallback(FakeGenerator("Fee Rs 1 [S1]."), "fee?", SOURCES, "en", "EXTRACTIVE") == \
            ("EXTRACTIVE", False)
    assert [r.event for r in caplog.records] == ["generation_failed", "generation_rejected"]  # type: ignore[attr-defined]
    assert caplog.records[0].error == "server down"  # type: ignore[attr-defined]
