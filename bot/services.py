"""From passage hits to ranked services, and per-service vocabularies for query-term coverage."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from bot.ages import stated_age
from bot.coverage import PhraseIndex, phrase_keys, word_key
from bot.sections import asks_for_section
from bot.types import ServiceCandidate
from retrieval.index import IndexData
from retrieval.roman import roman_key
from retrieval.tokenise import tokenise, words
from retrieval.types import Hit


def rank_services(hits: Sequence[Hit], prior: Mapping[str, float] | None = None, weight: float = 0.0,
                  keywords: Mapping[str, float] | None = None, keyword_weight: float = 0.0,
                  excluded: frozenset[str] = frozenset()) -> list[ServiceCandidate]:
    """Services ordered by their best passage's fused score (hits arrive best first), plus, given the
    service classifier's probabilities ``prior``, ``weight`` times log P(service | message), plus
    ``keyword_weight`` times the service's keyword evidence (``ServiceVocabulary.keyword_evidence``).
    A service the classifier never saw (added to the corpus since) gets the uniform probability 1/n,
    as if the classifier had no opinion of it: it can still win on retrieval, but a service the
    classifier is sure of outranks it by up to ``weight`` x log n. The ``excluded`` services
    (``ServiceVocabulary.outside_ages``) are left out, unless nothing else was found."""
    best: dict[str, ServiceCandidate] = {}
    for hit in hits:
        sid = hit.passage.service_id
        if sid not in best:
            best[sid] = ServiceCandidate(sid, hit.score, hit.passage.section, hit.passage.doc_id)
    if excluded and set(best) - excluded:
        best = {sid: c for sid, c in best.items() if sid not in excluded}
    use_prior = bool(prior) and weight > 0
    use_keywords = bool(keywords) and keyword_weight > 0
    if not use_prior and not use_keywords:
        return list(best.values())
    uniform = 1.0 / len(prior) if prior else 1.0

    def score(c: ServiceCandidate) -> float:
        out = c.score
        if use_prior and prior:
            out += weight * math.log(prior.get(c.service_id, uniform) + 1e-4)
        if use_keywords and keywords:
            out += keyword_weight * keywords.get(c.service_id, 0.0)
        return out

    return sorted((ServiceCandidate(c.service_id, score(c), c.best_section, c.best_doc_id) for c in best.values()),
                  key=lambda c: -c.score)


def favour_request(evidence: Mapping[str, float], asked: Mapping[str, float], factor: float,
                   department: Mapping[str, str] | None = None) -> dict[str, float]:
    """Keyword ``evidence`` for a whole message where the part that asks (``bot.clauses.request_part``)
    names services (``asked``, its own evidence): a service only the situation names keeps ``factor``
    of its evidence, where the asking part names one with at least that much, unless it is of the
    ``department`` of one the asking part names. A sibling's situation says which of the department's
    services is meant: "pasport gum ho gaya hai, naya banwane ki fees" asks for a new passport because
    the old one is lost, which is the lost passport's service; and a bare "naya" in the asking part
    (a word of "naya meter", "nayi gari") is too little to set the lost passport aside. Where the
    asking part names none, the evidence is as it was."""
    if not asked:
        return dict(evidence)
    dept = department or {}
    asked_departments = {dept.get(sid, sid) for sid in asked}
    strongest = max(asked.values())

    def kept(sid: str, w: float) -> float:
        if sid in asked or dept.get(sid, sid) in asked_departments or strongest < factor * w:
            return w
        return factor * w

    return {sid: kept(sid, w) for sid, w in evidence.items()}


def match_keys(text: str) -> frozenset[str]:
    """The content words of ``text`` as a set of ``word_key``s."""
    return frozenset(phrase_keys(text))


class ServiceVocabulary:
    """Every lexical token and Roman spelling key each service's documents contain."""

    def __init__(self, data: IndexData) -> None:
        self._tokens: dict[str, set[str]] = {}
        self._sections: dict[str, set[str]] = {}
        self._ages = {d.service_id: d.ages for d in data.documents.values() if d.ages}
        self.department = {d.service_id: d.department for d in data.documents.values() if d.department}
        # the words of each service's documents list, in both languages: what it asks people to bring
        self._required: dict[str, set[str]] = {}
        for passage, bm25, roman in zip(data.passages, data.bm25_tokens, data.roman_tokens, strict=True):
            self._sections.setdefault(passage.service_id, set()).add(passage.section)
            if passage.section == "documents":
                self._required.setdefault(passage.service_id, set()).update(phrase_keys(passage.text))
            vocab = self._tokens.setdefault(passage.service_id, set())
            vocab.update(bm25)
            vocab.update(t for t in roman if "#" not in t)  # whole spelling keys, not n-grams
        # the names citizens use for each service: the documents' keyword phrases, normalised
        self._names = PhraseIndex((tuple(words(k)), None) for d in data.documents.values() for k in d.keywords)
        # the same phrases as sets of match keys, with the services that list them, and each key's
        # rarity among services (a key every service lists, like "card", proves little)
        phrases: dict[frozenset[str], set[str]] = {}
        runs: set[tuple[str, ...]] = set()
        # each phrase without its words that ask for a section ("fees", "kaise", "دستاویزات"): such a
        # word names no service, so it is no part of the phrase as evidence. "passport fees" is
        # "passport", no more specific however few services list "fees", and "licence banwana" is
        # named by "lisence ke liye kya documents chahiye". Words are judged as written, not by key
        # ("qist" shares its key with "cost").
        cores: list[tuple[frozenset[str], str, bool]] = []  # (core, service, whether it is the whole phrase)
        for d in data.documents.values():
            for k in d.keywords:
                if run := phrase_keys(k):
                    phrases.setdefault(frozenset(run), set()).add(d.service_id)
                    runs.add(run)
                    if core := frozenset(word_key(w) for w in tokenise(k) if not asks_for_section(w)):
                        cores.append((core, d.service_id, core == frozenset(run)))
        holders: dict[str, set[str]] = {}
        for keys, owners in phrases.items():
            for key in keys:
                holders.setdefault(key, set()).update(owners)
        n = len({d.service_id for d in data.documents.values()})
        idf = {key: math.log(n / len(owners)) for key, owners in holders.items()}
        # A core of one word stands alone only where the service's phrases use that word more than
        # once ("passport" of "passport fees", "passport office", …), not where it was a bystander
        # ("nahi" of "eligible nahi").
        uses = Counter((key, sid) for core, sid, _ in cores for key in core)
        named: dict[frozenset[str], set[str]] = {}
        for core, sid, whole in cores:
            if whole or len(core) > 1 or uses[(next(iter(core)), sid)] > 1:
                named.setdefault(core, set()).add(sid)
        # the phrases that name one service on their own: two words or more, or one word at most two
        # services list ("renewal", "fee" or "nadra" alone name none)
        self._runs = PhraseIndex((r, None) for r in runs if len(r) > 1 or len(holders.get(r[0], ())) <= 2)
        self._phrases = [(keys, frozenset(owners), sum(idf[k] for k in keys)) for keys, owners in named.items()]

    def names_a_service_outside(self, keys: Sequence[str], span: tuple[int, int]) -> bool:
        """Does a keyword phrase that names one service on its own occur, as a run of words, in a
        message's ``phrase_keys`` wholly before or after ``span``?"""
        return any(start + len(run) <= span[0] or start >= span[1] for start, run, _ in self._runs.find(keys))

    def keyword_evidence(self, text: str) -> dict[str, float]:
        """Per service, how specific the most specific of its keyword phrases is that the message
        contains, word order and filler words aside and Latin words by spelling key ("nayi bike ki
        registration" contains "bike registration", and "licens pakka" "pakka license"): the sum over the
        phrase's words of log(services / services whose keywords have the word)."""
        seq = phrase_keys(text)  # in order, for the phrases as written below
        found = frozenset(seq)  # = match_keys(text)
        out: dict[str, float] = {}
        matched: dict[str, list[frozenset[str]]] = {}
        for keys, owners, weight in self._phrases:
            if keys <= found:
                for sid in owners:
                    out[sid] = max(out.get(sid, 0.0), weight)
                    matched.setdefault(sid, []).append(keys)

        # A service named by a document another named service asks people to bring is that document,
        # not the service: "teekay lagwane ke liye b form zaroori hai?" asks about vaccination, and
        # "FRC ke liye ... bachon ke b form bhi?" about the FRC. Where each asks for the other's, both
        # stay; and the other must be named by more than documents of its own ("ب فارم" is a keyword of
        # the child's passport, which asks for one, but does not make a B-form question about it).
        def brought_for(sid: str, other: str) -> bool:  # is ``sid`` named by a document ``other`` asks for?
            required = self._required.get(other, set())
            return any(keys <= required for keys in matched[sid])

        def named_by_its_documents(sid: str) -> bool:
            required = self._required.get(sid, set())
            return all(keys <= required for keys in matched[sid])

        # and the other must be named by more than words of the first's own phrase as the message
        # writes it: "بی آئی ایس پی کا سروے" names the NSER survey, whose phrase contains the "BISP"
        # that names Kafaalat, so Kafaalat, which asks for the survey, does not make it a document
        def as_written(keys: frozenset[str]) -> bool:  # the phrase's words side by side in the message
            return any(frozenset(seq[i:i + len(keys)]) == keys for i in range(len(seq) - len(keys) + 1))

        def named_apart(other: str, sid: str) -> bool:
            own = frozenset().union(*(keys for keys in matched[sid] if as_written(keys)))
            return any(not keys <= own for keys in matched[other])

        return {sid: w for sid, w in out.items()
                if not any(other != sid and brought_for(sid, other) and not brought_for(other, sid)
                           and not named_by_its_documents(other) and named_apart(other, sid) for other in out)}

    def outside_ages(self, text: str) -> frozenset[str]:
        """The services for other ages than the one the message states, where another service is
        for it: "beti 8 saal ki hai, passport banwana hai" is not about the adult's passport."""
        age = stated_age(text) if self._ages else None
        if age is None or not any(lo <= age <= hi for lo, hi in self._ages.values()):
            return frozenset()
        return frozenset(sid for sid, (lo, hi) in self._ages.items() if not lo <= age <= hi)

    def names_a_service(self, text: str) -> bool:
        """Does the message contain a keyword phrase of some service ("bay form", "بی فارم")?"""
        return next(self._names.find(words(text)), None) is not None

    def sections(self, service_id: str) -> frozenset[str]:
        """The sections the service's documents have."""
        return frozenset(self._sections.get(service_id, ()))

    def coverage(self, service_id: str, query: str) -> float:
        """Share of the query's content words found in the service's documents (Latin words may
        match by spelling key, so "tajdeed" finds the romanised "تجدید")."""
        content = tokenise(query)
        if not content:
            return 0.0
        vocab = self._tokens.get(service_id, set())
        found = sum(1 for w in content if w in vocab or (w.isascii() and roman_key(w) in vocab))
        return found / len(content)


def choose_section(asked: str | None, hits: Sequence[Hit], service_id: str, question: str,
                   probs: Mapping[str, float] | None = None, w_retrieval: float = 0.25, w_cue: float = 2.0,
                   available: frozenset[str] | None = None) -> str:
    """The section to answer from.

    With the section classifier's ``probs``, each section scores log P(section | message), plus
    ``w_retrieval`` times the fused score of the service's best passage in that section (what the
    text matches), plus ``w_cue`` when it is the section the cue rules found (``asked``). Weights
    measured held out by scripts/section_cv.py (docs/benchmarks.md). Without ``probs``: the asked
    section; else, for a real question, the best-scoring section other than the overview (whose
    keywords make it win retrieval for nearly everything); else the overview ("b form", "token tax").
    """
    if probs is not None and (asked or len(question.split()) > 3):
        best: dict[str, float] = {}
        for hit in hits:
            if hit.passage.service_id == service_id:
                best.setdefault(hit.passage.section, hit.score)
        floor = min(best.values(), default=0.0) - 1.0
        options = [k for k in probs if available is None or k in available] or list(probs)
        return max(options, key=lambda k: math.log(probs[k] + 1e-6) + w_retrieval * best.get(k, floor)
                   + (w_cue if k == asked else 0.0))
    if asked:
        return asked
    if len(question.split()) > 3:
        for hit in hits:
            if hit.passage.service_id == service_id and hit.passage.section not in ("overview", "notes"):
                return hit.passage.section
    return "overview"
