"""PII redaction for logs and the audit trail: CNIC numbers, phone numbers, emails, long digit runs.

>>> redact("mera cnic 35202-1234567-1 aur number 0300-1234567 hai")
'mera cnic [CNIC] aur number [PHONE] hai'
"""

from __future__ import annotations

import re

from retrieval.normalise import normalise

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
    (re.compile(r"\b\d{5}[-\s]?\d{7}[-\s]?\d\b"), "[CNIC]"),
    (re.compile(r"(?:\+92|0092|\b0)[-\s]?3\d{2}[-\s]?\d{7}\b"), "[PHONE]"),
    (re.compile(r"(?:\+|\b)\d[\d\s-]{8,}\d\b"), "[NUMBER]"),
)
_NON_ASCII_DIGITS = re.compile("[٠-٩۰-۹]")


def redact(text: str) -> str:
    """Mask personal identifiers. Urdu/Arabic-Indic digits are folded first so they are caught too."""
    if _NON_ASCII_DIGITS.search(text):
        text = normalise(text)
    for pattern, token in _RULES:
        text = pattern.sub(token, text)
    return text


def redact_data(value: object) -> object:
    """``redact`` applied to every string inside nested dicts and lists."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    return value
