"""Roman Urdu matching: a romanised shadow of Urdu text and a spelling-tolerant key for Latin words.

Roman Urdu has no standard spelling ("shanakhti", "shanakhtee", "shnakhti"). Urdu-script passages are
romanised once at index time (uromanizer) and both sides are reduced to a *spelling key*: vowel
clusters and doubled letters folded, interchangeable consonants merged. Character n-grams of the key
then match despite the variants. The choice is measured in docs/benchmarks.md (Dakshina).

>>> roman_key("shanakhtee")
'shnkht'
>>> roman_key("shanaakhti") == roman_key("shnakhti")
True
>>> roman_key("licence") == roman_key("license") == roman_key("lisense")
True
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from retrieval.normalise import arabic_script_ratio, normalise, normalise_letters

_LATIN_WORD = re.compile(r"[a-z0-9]+")
# Spelling variants that stand for one Urdu sound; order matters (digraphs first).
_FOLDS = (
    ("ph", "f"), ("q", "k"), ("ck", "k"), ("c", "k"), ("w", "v"), ("x", "ks"),
    ("dh", "d"), ("th", "t"), ("bh", "b"), ("gh", "g"), ("jh", "j"), ("rh", "r"), ("zh", "z"),
    ("z", "z"), ("y", "i"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")  # the c of English loanwords before e, i, y sounds as s: licence, police, office
_VOWELS = re.compile(r"[aeiou]+")
# Bump when roman_key changes: the index's Roman tokens are built with it (retrieval/index.py fingerprint).
ROMAN_KEY_VERSION = 2
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def roman_key(word: str) -> str:
    """Spelling-tolerant key of one Latin-script word: the consonant skeleton.

    A word that is only vowels keeps its first letter so that "aao" and "o" stay words.
    """
    w = _SOFT_C.sub("s", word.lower().replace("ck", "k"))
    for a, b in _FOLDS:
        w = w.replace(a, b)
    w = _REPEATS.sub(r"\1", w)
    skeleton = _VOWELS.sub("", w)
    return skeleton or w[:1]


def roman_keys(text: str) -> list[str]:
    """Spelling keys of the Latin-script words of ``text``."""
    return [roman_key(w) for w in _LATIN_WORD.findall(normalise(text))]


# A run of Urdu-script words (with the spaces between them); everything else (digits, "Rs 1,500",
# links, Latin words, list markers) is copied as it is, since the romaniser mangles numbers.
_URDU_RUN = re.compile(r"[\u0600-\u06ff\u0750-\u077f](?:[\u0600-\u06ff\u0750-\u077f\s]*[\u0600-\u06ff\u0750-\u077f])?")
_URDU_PUNCT = str.maketrans({"۔": ".", "،": ",", "؟": "?", "؛": ";", "٪": "%"})


LOANWORDS = Path(__file__).with_name("data") / "loanwords.tsv"


@lru_cache(maxsize=1)
def loanwords() -> dict[str, str]:
    """Urdu-script spellings of English words mapped back to English (see data/loanwords.tsv)."""
    out: dict[str, str] = {}
    for line in LOANWORDS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            urdu, latin = line.split("\t")
            out[urdu] = latin
    return out


@lru_cache(maxsize=1)
def _LOANWORD_RX() -> re.Pattern[str]:  # noqa: N802 - a cached constant
    words = sorted(loanwords(), key=len, reverse=True)  # "اسلام آباد" before "اسلام"
    return re.compile(r"(?<![\u0600-\u06ff])(?:" + "|".join(map(re.escape, words)) + r")(?![\u0600-\u06ff])")


def romaniser_id() -> str:
    """Cache key for romanised text: changes when the loanword list does."""
    return "uromanizer-" + hashlib.sha256(LOANWORDS.read_bytes()).hexdigest()[:8]


class UrduRomaniser:
    """Romanises the Urdu-script runs of a text with uromanizer (loaded on first use); numbers,
    links and Latin words pass through untouched."""

    def __init__(self) -> None:
        self._romanizer: Any = None

    def romanise(self, text: str) -> str:
        if arabic_script_ratio(text) == 0:
            return text
        if self._romanizer is None:
            from uromanizer import Romanizer

            self._romanizer = Romanizer()
        romanizer = self._romanizer
        # loanwords first, as Latin (which the romaniser copies): its own tables override a lexicon
        # passed to it, and read "فیس" as "face"
        text = _LOANWORD_RX().sub(lambda m: loanwords()[m.group(0)], normalise_letters(text).translate(_URDU_PUNCT))
        return _URDU_RUN.sub(lambda m: str(romanizer.romanize(m.group(0))), text)


def char_ngrams(keys: list[str], n: int = 3) -> list[str]:
    """Character n-grams of each key with word-boundary marks, plus the whole keys.

    >>> char_ngrams(["tjd"])
    ['tjd', '#tj', 'tjd', 'jd#']
    """
    out: list[str] = []
    for k in keys:
        out.append(k)
        padded = f"#{k}#"
        out.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return out
