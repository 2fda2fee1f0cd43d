"""Per-language accuracy on the labelled set in tests/data/langid.tsv (figures in the README)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from models.langid import detect_language

DATA = Path(__file__).parents[1] / "data" / "langid.tsv"
# Floors a little under the measured accuracy (README), so a regression fails the build.
FLOORS = {"ur": 0.9, "en": 0.9, "ur-Latn": 0.9, "sd": 0.9, "ps": 0.9, "pa": 0.7}


def _rows() -> list[dict[str, str]]:
    with open(DATA, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_labelled_set_has_30_per_language() -> None:
    counts = Counter(r["lang"] for r in _rows())
    assert all(counts[lang] >= 30 for lang in FLOORS), counts


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_accuracy_per_language(lang: str) -> None:
    rows = [r for r in _rows() if r["lang"] == lang]
    correct = sum(detect_language(r["text"]).lang == lang for r in rows)
    assert correct / len(rows) >= FLOORS[lang], f"{lang}: {correct}/{len(rows)}"


@pytest.mark.parametrize(("text", "lang"), [
    ("passport ki tajdeed ke liye kya chahiye", "ur-Latn"),
    ("shanakhtee card gum ho gya", "ur-Latn"),
    ("how do I renew my CNIC", "en"),
    ("شناختی کارڈ کی تجدید کیسے ہوگی؟", "ur"),
    ("FRC کے لیے NADRA جانا ضروری ہے؟", "ur"),
    ("مجھے online apply کرنا ہے", "ur"),
])
def test_examples(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


def test_code_switching_is_flagged_and_empty_is_undetermined() -> None:
    assert detect_language("FRC کے لیے NADRA جانا ضروری ہے؟").code_switched
    assert detect_language("123 ???").lang == "und"
