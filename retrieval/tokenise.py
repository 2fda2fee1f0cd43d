"""Tokenisation for lexical matching: normalised words minus function words, in three scripts."""

from __future__ import annotations

import re

from retrieval.normalise import normalise

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Function words that carry no service meaning. Kept short on purpose: over-eager lists drop
# content words that Roman Urdu spells like English ones ("do" = two/give, "per" = on).
STOPWORDS = frozenset(
    """
    کے کی کا کو سے میں ہے ہیں ہو ہوں ہوتا ہوتی ہوتے اور یا پر نے بھی تو یہ وہ اس ان جو کہ
    کیا کیسے کہاں کب کتنا کتنی کتنے ایک لیے لئے ساتھ تھا تھی تھے گا گی گے رہا رہی جا جاتا جاتی
    مجھے میرا میری میرے ہم ہمیں آپ اپنا اپنی اپنے چاہیے چاہئے کریں کرنا کرنی کرنے کر
    ka ki ke ko se mein main men mai hai hain he hy ho hon aur ya par pe ne bhi to ye yeh woh wo
    is us jo kya kia kaise kese kesay kaisay kahan kab kitna kitni kitne liye lye sath tha thi the
    ga gi ge raha rahi mujhe mujhay mera meri mere hum hamein ap aap apna apni apne chahiye chahye
    karna karni karne kar karen krna krni krne hy hai?
    the a an of to in on for and or is are be was were do does did how what where when which who
    can i my me we you your it this that with from by at as please tell about get
    """.split()
)


def words(text: str) -> list[str]:
    """Normalised word tokens, function words kept (for language and sentence work)."""
    return _WORD.findall(normalise(text))


def tokenise(text: str) -> list[str]:
    """Normalised content-word tokens for BM25.

    >>> tokenise("پاسپورٹ کی تجدید کے لیے کیا چاہیے؟")
    ['پاسپورٹ', 'تجدید']
    """
    return [w for w in words(text) if w not in STOPWORDS]
