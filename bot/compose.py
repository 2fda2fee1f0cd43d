"""Compose a focused, cited answer from one service section, in the reply language and script.

The reply comes from the document in the citizen's language (the Roman-Urdu copy of the Urdu one
for Roman Urdu), whichever language retrieval found. Only the items of the section that answer the
question are quoted (the urgent fee, not the whole fee table); steps stay a numbered list; the text
is trimmed for a phone screen; the source line names title, department, link and verified date.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.canned import SOURCE_LABEL, VERIFIED_LABEL
from bot.sections import display_name
from bot.types import Citation
from retrieval.chunking import split_sentences
from retrieval.roman import roman_key
from retrieval.tokenise import tokenise
from retrieval.types import Document

# Sections whose every item belongs in the answer (a procedure missing a step is wrong).
WHOLE_SECTIONS = frozenset({"procedure"})
_MARKDOWN = re.compile(r"\*\*|__|`")


@dataclass(frozen=True, slots=True)
class Composed:
    text: str
    citation: Citation
    items: tuple[str, ...]


def doc_for(documents: dict[str, Document], service_id: str, lang: str) -> Document | None:
    """The service's document in the reply language, falling back to Urdu, then English."""
    order = {"en": ("en", "ur"), "ur-Latn": ("ur-Latn", "ur", "en")}.get(lang, ("ur", "en"))
    for code in order:
        doc = documents.get(f"{service_id}.{code}")
        if doc is not None:
            return doc
    return next((d for d in documents.values() if d.service_id == service_id), None)


def section_text(doc: Document, key: str) -> str | None:
    return next((s.text for s in doc.sections if s.key == key), None)


EVERYDAY_WORDS = Path(__file__).with_name("data") / "everyday_words.tsv"


@lru_cache(maxsize=1)
def everyday_words() -> dict[str, tuple[str, ...]]:
    """{citizen's word: the documents' tokens for the same thing} from data/everyday_words.tsv."""
    out: dict[str, tuple[str, ...]] = {}
    for n, line in enumerate(EVERYDAY_WORDS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, sep, expansion = line.partition("\t")
        if not sep or not word.strip() or not tokenise(expansion):
            raise ValueError(f"{EVERYDAY_WORDS}:{n}: expected 'word<TAB>document words', got {line!r}")
        out[word.strip().lower()] = tuple(tokenise(expansion))
    return out


def select_items(items: list[str], parallel: list[list[str]], query: str, section: str, max_items: int) -> list[int]:
    """Indexes of the items that answer ``query``; ``parallel`` holds the same items in the other
    versions (same positions) so an English or Roman question can pick from the Urdu list.

    Words are weighted by how rare they are among the section's items: "passport" in every fee
    line says nothing; "urgent" in one says which line is meant. Everyday words also bring the
    documents' words for the same thing ("bike" -> motorcycle, موٹر سائیکل).
    """
    if section in WHOLE_SECTIONS:
        return list(range(min(len(items), max(max_items, 10))))
    if len(items) <= 1:
        return list(range(len(items)))
    words = set(tokenise(query))
    words |= {t for w in words for t in everyday_words().get(w, ())}
    keys = {roman_key(w) for w in words if w.isascii() and len(w) > 2}
    item_terms: list[set[str]] = []
    for i, item in enumerate(items):
        versions = [item] + [p[i] for p in parallel if len(p) == len(items)]
        toks = {t for v in versions for t in tokenise(v)}
        item_terms.append(toks | {"§" + roman_key(t) for t in toks if t.isascii()})
    query_terms = words | {"§" + k for k in keys}
    n = len(items)
    df = {t: sum(t in terms for terms in item_terms) for t in query_terms}
    scores = [sum(math.log(n / df[t]) for t in query_terms & terms) for terms in item_terms]
    best = max(scores)
    if best <= 0:
        return list(range(min(len(items), max_items)))
    return [i for i, s in enumerate(scores) if s >= 0.5 * best][:max_items]


def compose_answer(
    documents: dict[str, Document], department_names: dict[str, dict[str, str]], service_id: str,
    section: str, lang: str, query: str, max_items: int, max_chars: int, prefer: tuple[str, ...] = (),
) -> Composed | None:
    """The section's items that answer ``query``, trimmed, with the source. ``prefer``: items whose
    text in any version contains one of these (lowercase) come first (the mental-health helplines of
    the emergency list for a message about self-harm)."""
    doc = doc_for(documents, service_id, lang)
    if doc is None:
        return None
    if section_text(doc, section) is None:
        section = "overview" if section_text(doc, "overview") is not None else doc.sections[0].key
    items = split_sentences(section_text(doc, section) or "")
    parallel = [
        split_sentences(section_text(other, section) or "")
        for code in ("ur", "en", "ur-Latn")
        if (other := documents.get(f"{service_id}.{code}")) is not None and other.doc_id != doc.doc_id
    ]
    order = select_items(items, parallel, query, section, max_items)
    if prefer:
        def preferred(i: int) -> bool:
            versions = [items[i]] + [p[i] for p in parallel if len(p) == len(items)]
            return any(m in v.lower() for v in versions for m in prefer)
        first = [i for i in range(len(items)) if preferred(i)]
        order = (first + [i for i in order if i not in first])[:max_items]
    chosen = [_MARKDOWN.sub("", items[i]) for i in order]
    heading = f"{doc.title} — {display_name(section, lang)}"
    body = _trim(chosen, max_chars - len(heading) - 200)
    cited = doc if doc.lang != "ur-Latn" else documents.get(f"{service_id}.ur", doc)
    dept = department_names.get(doc.department, {})
    dept_name = dept.get("ur" if lang == "ur" else "en") or doc.department
    source = f"{SOURCE_LABEL.get(lang, 'Source')}: {doc.title} — {dept_name}\n{doc.url}"
    if doc.last_verified:
        source += f" ({VERIFIED_LABEL.get(lang, 'verified')}: {doc.last_verified})"
    text = f"{heading}\n" + "\n".join(body) + f"\n\n{source}"
    citation = Citation(
        doc_id=cited.doc_id, service_id=service_id, department=doc.department, title=cited.title,
        section=section, url=doc.url, lang=cited.lang, snippet=" ".join(body)[:280],
        last_verified=doc.last_verified,
    )
    return Composed(text, citation, tuple(body))


def _trim(items: list[str], budget: int) -> list[str]:
    out: list[str] = []
    used = 0
    for item in items:
        if out and used + len(item) > budget:
            out.append("…")
            break
        out.append(item)
        used += len(item) + 1
    return out
