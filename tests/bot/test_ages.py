"""The age a message states (bot/ages.py)."""

from __future__ import annotations

import pytest

from bot.ages import stated_age


@pytest.mark.parametrize(("text", "age"), [
    ("beti 8 saal ki hai uska passport banwana hai", 8),
    ("5 saal ke bache ka passport banwana hai", 5),
    ("beta 17 saal ka h uska id card banega ya b form hi chalega", 17),
    ("how much for a passport for my 14 year old son", 14),
    ("passport for 5-year-old child documents", 5),
    ("meri umar 17 saal 6 mahine hai, kya abhi id card ban sakta hai", 17),
    ("abbu 65 saal ke hain unko bhi card renew karwana padega?", 65),
    ("میرے بیٹے کی عمر 12 سال ہے", 12),
    ("12 سال کے بچے کے پرانے ب فارم پر پاسپورٹ بن جائے گا؟", 12),
    ("امی ۶۵ سال کی ہیں", 65),  # Urdu digits
])
def test_an_age_phrase_states_an_age(text: str, age: int) -> None:
    assert stated_age(text) == age


@pytest.mark.parametrize("text", [
    "10 saal wala passport kitne ka hai",  # a validity
    "fresh passport 72 page 10 years urgent fee",
    "meri 12 saal ki service hai eobi me pension milegi?",  # a length of service
    "idp ki fees punjab me 1 saal ke liye",
    "wafat ko 9 saal ho gaye, death certificate",
    "main 30 saal ka hoon, mere 5 saal ke bete ka passport",  # two ages: none is the one
    "passport kaise banta hai",
])
def test_other_numbers_of_years_are_no_age(text: str) -> None:
    assert stated_age(text) is None
