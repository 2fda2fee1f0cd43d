"""Checks on a generated answer before a citizen sees it; any problem means the extractive answer.

Rules (``validate_generated``):
- it cites at least one source with an [S1]-style marker, and only sources that exist;
- every link is one of the sources' links (the model sees links only as [URLn] tokens, so a
  written-out URL it was not given is invented) and no unknown [URLn] token is left;
- every phone-number-like number (3+ digits, with or without dashes or spaces: 0800-26477,
  051-111-786-100, 1122) and every amount (next to Rs/PKR/روپے, or with thousands separators)
  appears in a source, compared after normalising digits (Urdu/Arabic-Indic -> ASCII) and
  removing separators; every email address appears in a source;
- the answer is not empty, not cut off at the token limit, and (given ``lang``) in the right script.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from models.generators.base import (
    LINK_TOKEN,
    GeneratedAnswer,
    Generator,
    GeneratorError,
    SourceSection,
    find_urls,
    strip_markers,
)

log = logging.getLogger("rahnuma.guardrails")

# A number: digit groups joined by a thousands separator (then exactly 3 digits), a dash, a single
# space before a group of 3+ digits (phone numbers: "051 111 786 100") or a decimal point.
_NUMBER = re.compile(r"\+?[0-9]+(?:[,٬][0-9]{3}(?![0-9])|[-–‑][0-9]+| [0-9]{3,}|\.[0-9]+)*")
_GROUP_SEP = re.compile(r"[,٬\-–‑ ]")
_CURRENCY_BEFORE = re.compile(r"(?:\brs\.?|\bpkr|روپے|روپیہ|روپئے|\brupees?)\s*:?\s*$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:/-)?\s*(?:rs\b|pkr\b|روپے|روپیہ|روپئے|rupees?\b|rupay|rupaye)", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_MARKER = re.compile(r"\[\s*S\d+(?:\s*[,،;]\s*S\d+)*\s*\]", re.IGNORECASE)


def ascii_digits(text: str) -> str:
    """Every decimal digit (Urdu ۱۲۳, Arabic-Indic ١٢٣, ...) as ASCII 0-9."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


@dataclass(frozen=True, slots=True)
class _Number:
    raw: str
    digits: str  # separators removed, decimal point kept
    groups: tuple[str, ...]
    checked: bool  # phone-like (3+ digits), an amount or written with thousands separators


def _numbers(text: str) -> list[_Number]:
    text = ascii_digits(text)
    out = []
    for m in _NUMBER.finditer(text):
        raw = m.group(0)
        groups = tuple(g for g in _GROUP_SEP.split(raw.lstrip("+")) if g)
        digits = "".join(groups)
        currency = bool(_CURRENCY_BEFORE.search(text[max(0, m.start() - 12):m.start()])
                        or _CURRENCY_AFTER.search(text[m.end():m.end() + 12]))
        thousands = bool(re.search(r"[,٬][0-9]{3}", raw))
        n_digits = sum(c.isdigit() for c in digits)
        out.append(_Number(raw, digits, groups, n_digits >= 3 or currency or thousands))
    return out


def _allowed_numbers(sources: list[SourceSection]) -> set[str]:
    """Each source number, and each run of 2+ of its groups ("111-786-100" of "051-111-786-100")."""
    allowed: set[str] = set()
    for s in sources:
        for n in _numbers(s.text):
            allowed.add(n.digits)
            g = n.groups
            allowed.update("".join(g[i:j]) for i in range(len(g)) for j in range(i + 2, len(g) + 1))
    return allowed


def _url_key(url: str) -> str:
    u = url.strip().rstrip(".,;:!?)۔،؛").lower()
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^www\.", "", u)
    return u.rstrip("/")


def _allowed_urls(sources: list[SourceSection]) -> set[str]:
    allowed = set()
    for s in sources:
        if s.url:
            allowed.add(_url_key(s.url))
        allowed.update(_url_key(u) for u in find_urls(s.text))
    return allowed


def _script_ok(text: str, lang: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 8:
        return True
    arabic = sum("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" or "\ufb50" <= c <= "\ufeff"
                 for c in letters)
    share = arabic / len(letters)
    return share >= 0.5 if lang == "ur" else share <= 0.2


def validate_generated(answer: GeneratedAnswer, sources: list[SourceSection],
                       lang: str | None = None) -> list[str]:
    """The problems with ``answer`` (an empty list means it may be shown)."""
    problems: list[str] = []
    text = answer.text.strip()
    if not text:
        return ["the answer is empty"]
    ids = [s.source_id for s in sources]
    if not answer.cited_ids:
        problems.append(f"no [S1]-style citation (sources: {', '.join(ids)})")
    for sid in answer.cited_ids:
        if sid not in ids:
            problems.append(f"cites [{sid}], which is not a source (sources: {', '.join(ids)})")
    if answer.truncated:
        problems.append("the answer was cut off at the token limit ([generator].max_tokens)")
    for tok in dict.fromkeys(LINK_TOKEN.findall(text)):
        problems.append(f"link token [URL{tok}] does not stand for any source link")
    allowed_urls = _allowed_urls(sources)
    for url in dict.fromkeys(find_urls(text)):
        if _url_key(url) not in allowed_urls:
            problems.append(f"link {url!r} is not one of the sources' links")
    source_emails = {e.lower() for s in sources for e in _EMAIL.findall(s.text)}
    for email in dict.fromkeys(_EMAIL.findall(text)):
        if email.lower() not in source_emails:
            problems.append(f"email address {email!r} is not in the sources")
    plain = _EMAIL.sub(" ", _MARKER.sub(" ", LINK_TOKEN.sub(" ", text)))
    for url in find_urls(plain):
        plain = plain.replace(url, " ")
    allowed_numbers = _allowed_numbers(sources)
    for n in _numbers(plain):
        if n.checked and n.digits not in allowed_numbers:
            problems.append(f"number {n.raw!r} is not in the sources")
    if lang is not None and lang in ("ur", "en", "ur-Latn") and not _script_ok(strip_markers(plain), lang):
        problems.append(f"the answer is not in the reply language's script ({lang})")
    return problems


def choose_answer(generated: GeneratedAnswer | None, problems: list[str], extractive_text: str,
                  logger: logging.Logger | None = None, *, footer: str = "", keep_markers: bool = False,
                  context: dict[str, object] | None = None) -> str:
    """The generated text (markers stripped unless ``keep_markers``, then ``footer``, e.g. the source
    line) when it passed; else ``extractive_text``, logging a ``generation_rejected`` event."""
    logger = logger or log
    if generated is None or problems:
        fields = {"event": "generation_rejected", "problems": list(problems), **(context or {})}
        logger.warning("generation_rejected: %s", "; ".join(problems) or "no answer", extra=fields)
        return extractive_text
    body = generated.text if keep_markers else strip_markers(generated.text)
    return f"{body}\n\n{footer}" if footer else body


def generate_or_fallback(generator: Generator, question: str, sources: list[SourceSection], lang: str,
                         extractive_text: str, *, footer: str = "", keep_markers: bool = False,
                         logger: logging.Logger | None = None) -> tuple[str, bool]:
    """Generate, validate and choose in one call: (text, whether the generated answer was used).

    A ``GeneratorError`` (server down, timeout ...) is logged as ``generation_failed`` and the
    extractive text is returned; the citizen always gets an answer."""
    logger = logger or log
    context = {"generator": getattr(generator, "id", type(generator).__name__), "lang": lang,
               "sources": [s.doc_id for s in sources]}
    try:
        generated = generator.generate(question, sources, lang)
    except GeneratorError as err:
        logger.warning("generation_failed: %s", err, extra={"event": "generation_failed", "error": str(err),
                                                            **context})
        return extractive_text, False
    problems = validate_generated(generated, sources, lang)
    text = choose_answer(generated, problems, extractive_text, logger, footer=footer,
                         keep_markers=keep_markers, context=context)
    return text, not problems
