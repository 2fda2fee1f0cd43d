"""Urdu-aware text normalisation for matching.

Matching needs one spelling per letter: Urdu text arrives typed on Arabic, Persian and Urdu keyboards,
with diacritics, tatweel, invisible direction marks and three kinds of digits. ``normalise`` folds
these to one form; it is used on both the corpus and the query, never on text shown to a citizen.

>>> normalise("شناختي كارڈ ۱۲۳")
'شناختی کارڈ 123'
"""

from __future__ import annotations

import re
import unicodedata

# Arabic letter forms that Urdu keyboards and copy-paste from Arabic sources produce -> Urdu letters.
_LETTER_MAP = {
    "\u064a": "\u06cc",  # ARABIC YEH ي -> FARSI YEH ی
    "\u0649": "\u06cc",  # ALEF MAKSURA ى -> ی
    "\u0643": "\u06a9",  # ARABIC KAF ك -> KEHEH ک
    "\u0647": "\u06c1",  # ARABIC HEH ه -> HEH GOAL ہ (Urdu writes the 'gol he')
    "\u0629": "\u06c3",  # TEH MARBUTA ة -> ۃ
    "\u06c0": "\u06c2",  # HEH WITH YEH ABOVE (Persian form) -> Urdu ۂ
    "\u0640": "",        # TATWEEL (kashida), pure elongation
}
# Harakat, superscript alef, Quranic marks; they change no word a citizen types.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
# Zero-width and bidi controls: invisible, yet they split or glue words.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_SPACES = re.compile(r"\s+")
_LETTERS = str.maketrans({k: v for k, v in _LETTER_MAP.items()})

URDU_SENTENCE_END = "۔؟!?."


def normalise(text: str) -> str:
    """Fold Urdu/Arabic letter variants, strip diacritics and invisible marks, ASCII digits, lowercase.

    Also composes Unicode (NFC) first so that "آ" typed as alef + madda matches the single letter.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_LETTERS).translate(_DIGITS)
    text = _SPACES.sub(" ", text)
    return text.strip().lower()


def normalise_letters(text: str) -> str:
    """Only the letter folding of ``normalise`` (no case, digit or space changes): for text that is
    transformed further but must keep its layout."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _DIACRITICS.sub("", text).translate(_LETTERS)


def clean_display(text: str) -> str:
    """Light clean-up for text shown to people: invisible controls removed, spaces folded."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def is_arabic_script(ch: str) -> bool:
    """True for letters of the Arabic script block (Urdu, Sindhi, Pashto, Punjabi Shahmukhi)."""
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


def arabic_script_ratio(text: str) -> float:
    """Share of letters that are Arabic-script letters (0 when the text has no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if is_arabic_script(c)) / len(letters)
