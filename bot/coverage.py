"""Services citizens ask about that the corpus does not cover: ``corpora/uncovered.yaml``.

"arms licence kaise banta hai" shares "licence" with the driving licence, and "kissan card" shares
"card" with the ID card; retrieval then finds a covered service and may answer it with confidence.
The registry names such services and the phrases citizens use for them, so the bot can say plainly
that it has no verified information on that service (and who handles it), and hand the citizen to
a person with ``out_of_scope`` instead of answering about the wrong service.

A phrase matches where its words occur in the message one after the other, filler words aside and
Latin words by spelling key ("arms ka license" matches "arms licence"; "kisan ka shanakhti card"
does not match "kissan card"). A message that also names a covered service elsewhere ("vehicle
transfer ke liye succession certificate") goes on to retrieval (bot/pipeline.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import yaml

from bot.errors import CorpusError
from retrieval.roman import roman_key
from retrieval.tokenise import tokenise

T = TypeVar("T")
LANGS = ("en", "ur", "ur-Latn")
FILE_NAME = "uncovered.yaml"


def word_key(word: str) -> str:
    """A content word as matched against keyword phrases: a Latin word by its spelling key when the
    key keeps three letters or more ("lisence" and "licence" -> "lsns"), else as written, since a
    short key is ambiguous ("fir" and "phir" -> "fr", "epi" and "app" -> "p"); others as normalised."""
    if not word.isascii():
        return word
    key = roman_key(word)
    return key if len(key) >= 3 else word


def phrase_keys(text: str) -> tuple[str, ...]:
    """The content words of ``text`` in order, as ``word_key``s."""
    return tuple(word_key(w) for w in tokenise(text))


@dataclass(frozen=True, slots=True)
class UncoveredService:
    service_id: str
    name: dict[str, str]  # per reply language
    handled_by: dict[str, str]  # per reply language; empty when not known
    phrases: tuple[tuple[str, ...], ...]  # phrase_keys of each phrase


@dataclass(frozen=True, slots=True)
class UncoveredMatch:
    service: UncoveredService
    keys: tuple[str, ...]  # phrase_keys(message)
    span: tuple[int, int]  # where the phrase lies in keys: [start, end)


class Uncovered:
    """The registry, and which entry (if any) a message names."""

    def __init__(self, services: Sequence[UncoveredService] = ()) -> None:
        self.services = tuple(services)
        self._by_id = {s.service_id: s for s in self.services}
        self._by_first = PhraseIndex((phrase, s) for s in self.services for phrase in s.phrases)

    def __len__(self) -> int:
        return len(self.services)

    def get(self, service_id: str) -> UncoveredService | None:
        return self._by_id.get(service_id)

    def match(self, text: str) -> UncoveredMatch | None:
        """The entry with the longest (most specific) phrase in the message, and where it is."""
        keys = phrase_keys(text)
        best: UncoveredMatch | None = None
        for start, phrase, service in self._by_first.find(keys):
            if best is None or len(phrase) > best.span[1] - best.span[0]:
                best = UncoveredMatch(service, keys, (start, start + len(phrase)))
        return best


class PhraseIndex(Generic[T]):
    """Phrases (tuples of keys) with a payload each, looked up by their first key."""

    def __init__(self, items: Iterable[tuple[tuple[str, ...], T]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], T]]] = {}
        for phrase, payload in items:
            if phrase:
                self._by_first.setdefault(phrase[0], []).append((phrase, payload))

    def find(self, keys: Sequence[str]) -> Iterator[tuple[int, tuple[str, ...], T]]:
        """(start, phrase, payload) of every phrase occurring in ``keys`` as a run."""
        for i, key in enumerate(keys):
            for phrase, payload in self._by_first.get(key, ()):
                if tuple(keys[i:i + len(phrase)]) == phrase:
                    yield i, phrase, payload


def load_uncovered(path: Path) -> Uncovered:
    """The registry at ``path``; a missing file is an empty registry. A malformed entry is a
    ``CorpusError`` naming the file, the entry and the field."""
    if not path.exists():
        return Uncovered()
    problems, services = _parse(path)
    if problems:
        raise CorpusError("; ".join(problems) + " (format: corpora/README.md, 'Uncovered services')")
    return Uncovered(services)


def uncovered_problems(path: Path, keywords: Iterable[tuple[str, str]]) -> list[str]:
    """Everything wrong with the registry at ``path`` for `rahnuma corpus validate`, including a
    phrase that a service document lists among its ``keywords`` ((service_id, keyword) pairs): the
    corpus covers that service now, or the phrase is too general."""
    if not path.exists():
        return []
    problems, services = _parse(path)
    covered: dict[tuple[str, ...], set[str]] = {}
    for service_id, keyword in keywords:
        covered.setdefault(phrase_keys(keyword), set()).add(service_id)
    ours = PhraseIndex((phrase, service) for service in services for phrase in service.phrases)
    first_owners: dict[tuple[str, tuple[str, ...]], set[str]] = {}  # each phrase reported once
    for keys, owners in covered.items():
        for _, phrase, service in ours.find(keys):
            first_owners.setdefault((service.service_id, phrase), owners)
    for (service_id, phrase), owners in first_owners.items():
        problems.append(
            f"{path}: entry '{service_id}': phrase '{' '.join(phrase)}' is within a keyword of "
            f"{', '.join(sorted(owners))}; make it more specific, or delete the entry if the corpus "
            "now covers the service")
    return problems


def _parse(path: Path) -> tuple[list[str], list[UncoveredService]]:
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as e:
        return [f"{path}: not valid YAML: {e}"], []
    if not isinstance(rows, list):
        return [f"{path}: must be a list of entries, got {type(rows).__name__}"], []
    problems: list[str] = []
    services: list[UncoveredService] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, 1):
        where = f"{path}: entry {n}"
        if not isinstance(row, dict):
            problems.append(f"{where}: must be a mapping with id, name, phrases")
            continue
        sid = row.get("id")
        if not isinstance(sid, str) or not sid.strip():
            problems.append(f"{where}: field 'id' must be a non-empty string")
            continue
        where = f"{path}: entry '{sid}'"
        if sid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(sid)
        name = _per_language(row.get("name"), where, "name", problems, required=True)
        handled_by = _per_language(row.get("handled_by"), where, "handled_by", problems, required=False)
        phrases = row.get("phrases")
        if not isinstance(phrases, list) or not phrases:
            problems.append(f"{where}: field 'phrases' must be a non-empty list of strings")
            continue
        keys = []
        for p in phrases:
            k = phrase_keys(str(p)) if isinstance(p, str) else ()
            if not k:
                problems.append(f"{where}: phrase {p!r} has no content word (filler words are ignored)")
            else:
                keys.append(k)
        services.append(UncoveredService(sid, name, handled_by, tuple(keys)))
    return problems, services


def _per_language(value: object, where: str, field: str, problems: list[str], required: bool) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          for lang in LANGS):
        problems.append(f"{where}: field '{field}' must map each of {', '.join(LANGS)} to a non-empty string")
        return {}
    return {lang: str(value[lang]).strip() for lang in LANGS}
