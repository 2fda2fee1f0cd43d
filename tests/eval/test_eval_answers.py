"""eval.answers: normalisation, EM/F1 (with the no-answer rule), sentence hit, citations."""

from __future__ import annotations

import pytest

from eval.answers import (
    answer_sentence_hit,
    citation_correct,
    citation_precision,
    contains_answer,
    exact_match,
    is_no_answer,
    normalize_answer,
    split_sentences,
    squad_summary,
    token_f1,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The Capital!", "capital"),
        ("an apple, a pear", "apple pear"),
        ("theatre", "theatre"),  # articles only as whole words
        ("اسلام آباد۔", "اسلام آباد"),  # Urdu full stop
        ("«کراچی»، لاہور؟", "کراچی لاہور"),  # guillemets, Urdu comma and question mark
        ("ایک؛ دو", "ایک دو"),  # Arabic semicolon
        ("۵۰٪", "50"),  # Eastern digits folded, Arabic percent sign dropped
        ("پاکِستان", "پاکستان"),  # zer removed
        ("كتاب", "کتاب"),  # Arabic kaf -> Urdu keheh
        ("علي", "علی"),  # Arabic yeh -> Farsi yeh
        ("شناخـــتی", "شناختی"),  # tatweel
        ("  a  ", ""),
    ],
)
def test_normalize_answer(raw: str, expected: str) -> None:
    assert normalize_answer(raw) == expected


def test_exact_match_max_over_golds() -> None:
    assert exact_match("Islamabad.", ["Karachi", "islamabad"]) == 1.0
    assert exact_match("Islamabad city", ["Islamabad"]) == 0.0
    assert exact_match("اسلام آباد", ["اسلام آباد۔"]) == 1.0


def test_token_f1_hand_computed() -> None:
    # pred tokens: islamabad, is, capital (after "the" dropped); gold: capital, islamabad
    # common 2 -> P = 2/3, R = 1 -> F1 = 0.8
    assert token_f1("Islamabad is the capital", ["capital Islamabad"]) == pytest.approx(0.8)
    assert token_f1("Lahore", ["Karachi", "Lahore Punjab"]) == pytest.approx(2 / 3)
    assert token_f1("nothing", ["else"]) == 0.0


def test_token_f1_counts_repeated_tokens_once_each() -> None:
    # pred [x, b, b], gold [b]: common 1 -> P 1/3, R 1 -> F1 0.5
    assert token_f1("x b b", ["b"]) == pytest.approx(2 * (1 / 3) * 1 / (1 / 3 + 1))


def test_no_answer_rule() -> None:
    assert is_no_answer([]) and is_no_answer([""]) and is_no_answer(["۔"])
    assert exact_match("", []) == 1.0 and token_f1("", []) == 1.0
    assert exact_match(".", [""]) == 1.0  # punctuation-only prediction is empty after normalisation
    assert exact_match("Lahore", []) == 0.0 and token_f1("Lahore", [""]) == 0.0


def test_empty_prediction_on_answerable_question_scores_zero() -> None:
    assert exact_match("", ["Lahore"]) == 0.0
    assert token_f1("", ["Lahore"]) == 0.0


def test_contains_answer() -> None:
    assert contains_answer("The fee is Rs. 750 for normal delivery.", ["rs 750"]) == 1.0
    assert contains_answer("fee 7500", ["750"]) == 0.0  # token-aligned, not a substring of a number
    assert contains_answer("anything", []) is None


def test_split_sentences_urdu_and_english() -> None:
    text = "پہلا جملہ۔ دوسرا جملہ؟ Third one. Fourth\nFifth"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["پہلا جملہ۔", "دوسرا جملہ؟", "Third one.", "Fourth", "Fifth"]
    assert split_sentences("") == []


def test_answer_sentence_hit() -> None:
    context = "کراچی سب سے بڑا شہر ہے۔ اسلام آباد دارالحکومت ہے۔"
    assert answer_sentence_hit(context, "دارالحکومت", ["اسلام آباد"]) == 1.0  # right sentence, wrong span
    assert answer_sentence_hit(context, "بڑا شہر", ["اسلام آباد"]) == 0.0
    assert answer_sentence_hit(context, "", ["اسلام آباد"]) == 0.0
    assert answer_sentence_hit(context, "not in context", ["اسلام آباد"]) == 0.0
    assert answer_sentence_hit(context, "x", []) is None


def test_answer_sentence_hit_uses_start_to_pick_the_occurrence() -> None:
    context = "Lahore is big. The capital is Islamabad, not Lahore."
    second = context.rindex("Lahore")
    assert answer_sentence_hit(context, "Lahore", ["Islamabad"], start=second) == 1.0
    assert answer_sentence_hit(context, "Lahore", ["Islamabad"]) == 0.0  # search finds the first one


def test_citation_checks() -> None:
    cites = [
        {"doc_id": "d1", "service_id": "nadra-cnic-new"},
        {"doc_id": "d2", "service_id": "dgip-passport"},
    ]
    assert citation_precision(cites, ["nadra-cnic-new"]) == 0.5
    assert citation_correct(cites, ["nadra-cnic-new"]) == 0.0  # one wrong citation spoils it
    assert citation_correct(cites[:1], ["nadra-cnic-new"]) == 1.0
    assert citation_correct(cites[:1], ["d1"]) == 1.0  # doc ids match too
    assert citation_correct([], ["nadra-cnic-new"]) == 0.0
    assert citation_correct(cites, []) is None
    assert citation_precision([], ["x"]) is None


def test_squad_summary_percentages() -> None:
    out = squad_summary([("Lahore", ["Lahore"]), ("Karachi", ["Lahore"]), ("", []), ("Lahore", [])])
    assert out["exact"] == 50.0 and out["total"] == 4
    assert out["HasAns_exact"] == 50.0 and out["HasAns_total"] == 2
    assert out["NoAns_exact"] == 50.0 and out["NoAns_total"] == 2
    empty = squad_summary([])
    assert empty["exact"] is None and empty["total"] == 0
