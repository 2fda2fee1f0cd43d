"""Shared types and prompting for the optional generative answer backends.

A generator rewrites the retrieved service section(s) into a short answer to the question, citing
each fact with ``[S1]``-style markers. It never sees a URL: every link in the sources is replaced by
a ``[URL1]``-style token before generation (as GOV.UK Chat does), so the model cannot invent or
alter a link; tokens the model repeats are mapped back to the real URLs afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from bot.errors import ModelUnavailableError, RahnumaError


class GeneratorError(RahnumaError):
    """A generator could not produce an answer (server down, timeout, bad reply, model failure).

    The pipeline catches it and answers extractively."""


class GeneratorUnavailableError(GeneratorError, ModelUnavailableError):
    """The generator's model or optional dependency cannot be loaded; the message says what to do."""


@dataclass(frozen=True, slots=True)
class SourceSection:
    """One numbered source shown to the model. ``url`` is never shown; the caller cites it."""

    source_id: str  # "S1", "S2", ...
    doc_id: str
    title: str
    section: str
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class GeneratedAnswer:
    text: str  # the answer, with link tokens mapped back to the sources' URLs
    cited_ids: tuple[str, ...]  # source ids cited with [S1] markers, in order of first use
    raw: str = ""  # the model's output, untouched
    truncated: bool = False  # generation stopped at the token limit
    link_tokens: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (token, url) offered


@runtime_checkable
class Generator(Protocol):
    """Cheap to construct; ``load()`` does the work (``generate`` calls it when needed)."""

    id: str

    def load(self) -> None: ...
    def generate(self, question: str, sources: list[SourceSection], lang: str) -> GeneratedAnswer: ...


LANGUAGE_NAMES = {
    "ur": "Urdu, written in Urdu (Perso-Arabic) script",
    "en": "English",
    "ur-Latn": "Roman Urdu (Urdu written in Latin letters, as in WhatsApp chats)",
}

SYSTEM_PROMPT = """You are Rahnuma, an assistant for Pakistani public services (ID cards, passports, tax, \
licences, utility bills and similar).
Rules:
1. Answer ONLY from the numbered sources in the user's message. Do not use anything else you know.
2. Write the answer in {language}.
3. Be short and concrete: the facts the question asks for, as a few sentences or a short numbered list.
4. Cite every fact with the number of its source in square brackets, like [S1]; use only the numbers given.
5. Never write a link, phone number, fee, amount, date or other number that is not in the sources. \
Links appear in the sources as tokens like [URL1]; to give a link, copy its token exactly.
6. If the sources do not answer the question, say briefly that you do not know and do not guess."""

_URL = re.compile(
    r"https?://[^\s<>()\[\]{}\"']+"
    r"|www\.[^\s<>()\[\]{}\"']+"
    r"|(?<![@\w.\-])(?:[a-z0-9\-]+\.)+(?:gov|com|org|net|edu)(?:\.pk)?(?:/[^\s<>()\[\]{}\"']*)?(?![\w@])"
    r"|(?<![@\w.\-])(?:[a-z0-9\-]+\.)+pk(?:/[^\s<>()\[\]{}\"']*)?(?![\w@])",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)۔،؛"
LINK_TOKEN = re.compile(r"\[URL(\d+)\]")
_MARKER_GROUP = re.compile(r"\[\s*(S\d+(?:\s*[,،;]\s*S\d+)*)\s*\]", re.IGNORECASE)


def find_urls(text: str) -> list[str]:
    """The links in ``text`` (full URLs, www. addresses and bare .pk/.gov/.com domains)."""
    return [m.group(0).rstrip(_TRAILING) for m in _URL.finditer(text)]


def tokenise_urls(sources: list[SourceSection]) -> tuple[list[SourceSection], dict[str, str]]:
    """The sources with every URL in their text replaced by ``[URLn]``, and token -> URL.

    The same URL gets the same token everywhere. Each source's own ``url`` is also given a token
    (listed after the text) so the model can point to it without writing it."""
    links: dict[str, str] = {}  # url -> token

    def token(url: str) -> str:
        if url not in links:
            links[url] = f"[URL{len(links) + 1}]"
        return links[url]

    def sub(m: re.Match[str]) -> str:
        url = m.group(0).rstrip(_TRAILING)
        return token(url) + m.group(0)[len(url):]

    out = []
    for s in sources:
        text = _URL.sub(sub, s.text)
        if s.url:
            text += f"\n(Official page: {token(s.url)})"
        out.append(SourceSection(s.source_id, s.doc_id, s.title, s.section, "", text))
    return out, {tok: url for url, tok in links.items()}


def restore_links(text: str, links: dict[str, str]) -> str:
    """``[URLn]`` tokens replaced by their URLs; unknown tokens are left for the guardrails to flag."""
    return LINK_TOKEN.sub(lambda m: links.get(m.group(0), m.group(0)), text)


def cited_ids(text: str) -> tuple[str, ...]:
    """Source ids cited as [S1], [S1, S2] or [S1][S2], in order of first use."""
    seen: dict[str, None] = {}
    for group in _MARKER_GROUP.finditer(text):
        for sid in re.findall(r"S\d+", group.group(1), re.IGNORECASE):
            seen.setdefault(sid.upper(), None)
    return tuple(seen)


def strip_markers(text: str) -> str:
    """The text without [S1]-style markers (for a reply that names its single source below)."""
    text = _MARKER_GROUP.sub("", text)
    text = re.sub(r"[ \t]+([.,;:!?۔،؛])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def language_name(lang: str) -> str:
    try:
        return LANGUAGE_NAMES[lang]
    except KeyError:
        raise GeneratorError(
            f"Unknown reply language {lang!r}; generators answer in one of {sorted(LANGUAGE_NAMES)}."
        ) from None


def build_messages(question: str, sources: list[SourceSection], lang: str) -> tuple[list[dict[str, str]],
                                                                                    dict[str, str]]:
    """Chat messages (system + user) for the question, and the link tokens they use."""
    if not sources:
        raise GeneratorError("No sources to answer from: pass at least one SourceSection.")
    ids = [s.source_id for s in sources]
    if len(set(ids)) != len(ids):
        raise GeneratorError(f"Source ids must be unique, got {ids}.")
    shown, links = tokenise_urls(sources)
    blocks = "\n\n".join(f"[{s.source_id}] {s.title} — {s.section}\n{s.text.strip()}" for s in shown)
    name = language_name(lang)
    user = (f"Sources:\n\n{blocks}\n\nQuestion: {question.strip()}\n\n"
            f"Answer in {name}, citing sources like [S1].")
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(language=name)},
        {"role": "user", "content": user},
    ], links


def make_answer(raw: str, links: dict[str, str], truncated: bool = False) -> GeneratedAnswer:
    text = restore_links(raw.strip(), links)
    return GeneratedAnswer(text=text, cited_ids=cited_ids(text), raw=raw, truncated=truncated,
                           link_tokens=tuple(links.items()))
