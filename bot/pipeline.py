"""The answer pipeline, top to bottom in ``Pipeline.answer``.

normalise -> detect language -> route (person? emergency? harmful? personal case? off-topic?) by
rules, then by the learned message classifier where no rule fired
-> retrieve (BM25 + dense + Roman shadow, fused) -> rank services -> assess confidence
-> compose a cited answer | ask which service | hand off with a reason.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot import canned
from bot.clauses import request_part
from bot.compose import Composed, compose_answer, doc_for, section_text
from bot.confidence import ConfidenceModel, assess_confidence, scope_logit
from bot.config import Config
from bot.coverage import FILE_NAME as UNCOVERED_FILE
from bot.coverage import Uncovered, load_uncovered
from bot.errors import InputError
from bot.guardrails import generate_or_fallback
from bot.intent import IntentModels, featurise
from bot.routing import CONTINUE, Route, names_service, route_message
from bot.sections import detect_section
from bot.services import ServiceVocabulary, favour_request, rank_services
from bot.session import Memory, SessionMemory, SessionState
from bot.types import Assessment, Citation, HandoffReason, Outcome, Reply
from models.embedders import Embedder, embedder_from_config
from models.generators import SourceSection, make_generator
from models.langid import REGIONAL, LanguageGuess, detect_language
from retrieval.chunking import split_sentences
from retrieval.index import IndexData, load_data
from retrieval.search import HybridRetriever, RetrievalSettings
from retrieval.tokenise import tokenise

_FOLLOW_UP = re.compile(r"^(?:aur|or|and|what about|also|phir|اور|پھر|نیز)\b", re.IGNORECASE)
_TRACKING_CUES = re.compile(r"track|status|8400|9988|8171|ٹریک|اسٹیٹس|صورتحال|معلوم", re.IGNORECASE)
EMERGENCY_SERVICE = "emergency-helplines"
# contact items of that service that serve someone thinking of ending their life (matched in any version)
SELF_HARM_MARKERS = ("mental", "suicid", "distress")
log = logging.getLogger(__name__)
# The scope feature of a message that continues the conversation (a reply to a clarifying question,
# a follow-up on the last service) or when the classifier is off: a service question, fairly sure.
IN_CONTEXT = scope_logit(0.95)


def new_id() -> str:
    return uuid.uuid4().hex


def check_message(message: object, max_chars: int) -> str:
    """The message as text, or an InputError saying what is wrong with it."""
    if not isinstance(message, str):
        raise InputError(f"message must be a string, got {type(message).__name__}")
    text = message.strip()
    if not text:
        raise InputError("message is empty: type a question, e.g. 'passport ki fee kitni hai?'")
    if len(text) > max_chars:
        raise InputError(f"message is {len(text)} characters; the limit is {max_chars}. Send a shorter question.")
    return text


def reply_language(guess: LanguageGuess, state: SessionState) -> str:
    """ur / en / ur-Latn; regional languages are answered in Urdu; an unclear short message keeps
    the conversation's language."""
    if guess.lang in ("ur", "en", "ur-Latn"):
        if guess.confidence < 0.6 and state.language and guess.script == "Latn" and state.language != "ur":
            return state.language
        return guess.lang
    if guess.lang in REGIONAL:
        return "ur"
    return state.language or "ur"


class Pipeline:
    """Cheap to construct; ``load()`` loads the index and models. Thread-safe for reads."""

    def __init__(self, config: Config, embedder: Embedder | None = None, memory: Memory | None = None,
                 data_loader: Callable[[], IndexData] | None = None) -> None:
        self.config = config
        self.embedder = embedder or embedder_from_config(
            config.embedder, str(config.resolve(config.index.cache_path)))
        self.memory: Memory = memory or SessionMemory()
        self._data_loader = data_loader or (lambda: load_data(config.resolve(config.index.path)))
        self.retriever: HybridRetriever | None = None
        self.uncovered = Uncovered()
        self.confidence_model = ConfidenceModel.load()
        self.intents = _intents_for(self.embedder.id)
        self.generator = make_generator(config.generator, config.root)  # None unless configured

    def load(self) -> None:
        data = self._data_loader()
        retriever = HybridRetriever(data, self.embedder, RetrievalSettings.from_config(self.config.retrieval))
        retriever.load()
        if self.generator is not None:
            self.generator.load()
        self.vocab = ServiceVocabulary(data)
        corpus = self.config.resolve(self.config.corpus.path)
        self.departments = load_departments(corpus / "departments.yaml")
        self.uncovered = load_uncovered(corpus / UNCOVERED_FILE)
        self.retriever = retriever  # swapped last: a reload never exposes a half-built pipeline

    @property
    def data(self) -> IndexData:
        assert self.retriever is not None, "Pipeline.load() was not called"
        return self.retriever.data

    def answer(self, message: object, session_id: str | None = None, channel: str = "web") -> Reply:
        """One citizen turn, start to finish."""
        started = time.perf_counter()
        text = check_message(message, self.config.limits.max_message_chars)
        sid, mid = session_id or new_id(), new_id()
        state = self.memory.get(sid)
        guess = detect_language(text)
        lang = reply_language(guess, state)
        route = route_message(text)
        assessment = None
        if route.outcome is None:
            route, assessment = self._classify_and_assess(text, state, guess)
        if route.outcome is not None or assessment is None:
            reply = self._routed(route, text, sid, mid, lang, guess, state)
        else:
            reply = self._decide(assessment, text, sid, mid, lang, guess, state)
        self.memory.put(sid, _next_state(state, reply, lang))
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        return _with_timing(reply, elapsed)

    # --- stages -------------------------------------------------------------------------------

    def _scope(self, x: np.ndarray, text: str, state: SessionState) -> dict[str, float]:
        """The message classifier's probabilities; empty when it is off. A short follow-up inside a
        conversation ("aur fee?") continues the last service, which is a service question."""
        if self.intents is None or (state.service_id and _is_follow_up(text)):
            return {}
        return self.intents.scope.probabilities(x)

    def _classify_and_assess(self, text: str, state: SessionState,
                             guess: LanguageGuess) -> tuple[Route, Assessment | None]:
        """Where no rule fired: the message classifier's view, then retrieval. A message the
        classifier is sure the bot must not answer is handed off with that reason (its rule names the
        classifier and its probability); else a message naming a service the corpus does not cover is
        handed off as out of scope (``_uncovered``). An "off-topic" one that names one of our services
        or that the corpus answers with confidence ``scope_overrule`` goes on. Less sure, the
        classifier's log-odds enter the confidence model instead."""
        assert self.retriever is not None, "Pipeline.load() was not called"
        query_vec = self.retriever.embed_query(text)
        x = featurise(text, query_vec)
        scope = self._scope(x, text, state)
        route = self._classify(scope)
        off_topic = route.reason is HandoffReason.OUT_OF_SCOPE
        if route.outcome is not None and not off_topic:
            return route, None  # sure of an emergency, a harmful request, a personal case
        if (uncovered := self._uncovered(text)).outcome is not None:
            return uncovered, None
        if off_topic and (names_service(text) or self.vocab.names_a_service(text)):
            route = CONTINUE
        pending = state.pending_section if state.options else None
        asked = detect_section(text) or pending
        probs = self.intents.section.probabilities(x) if self.intents is not None and not pending else None
        # which service the message names, by the classifier (not for a follow-up, whose words alone
        # name none: `scope` is empty then)
        services = self.intents.service.probabilities(x) if scope and self.intents and self.intents.service else None
        assessment = self._assess(text, state, asked, guess, query_vec, scope, probs, services)
        if route.outcome is not None and assessment.confidence >= self.config.answer.scope_overrule:
            route = CONTINUE
        likeliest = max(scope, key=scope.__getitem__) if scope else "answerable"
        if likeliest != "answerable":
            assessment = replace(assessment, likely_reason=HandoffReason(likeliest))
        return route, assessment

    def _uncovered(self, text: str) -> Route:
        """A handoff when the message names a service the corpus does not cover (bot/coverage.py),
        unless it also names a covered one elsewhere ("vehicle transfer ke liye succession
        certificate": retrieval decides). "arms license renewal" names none elsewhere: the covered
        "license renewal" overlaps the uncovered "arms license"."""
        found = self.uncovered.match(text)
        if found is None or self.vocab.names_a_service_outside(found.keys, found.span):
            return CONTINUE
        sid = found.service.service_id
        return Route(Outcome.HANDOFF, HandoffReason.OUT_OF_SCOPE, rule=f"uncovered:{sid}", kind=sid)

    def _classify(self, scope: dict[str, float]) -> Route:
        """A handoff for the likeliest must-not-answer reason when its probability reaches
        ``scope_threshold``; else carry on."""
        if not scope:
            return CONTINUE
        reason = max((c for c in scope if c != "answerable"), key=scope.__getitem__)
        if scope[reason] < self.config.answer.scope_threshold:
            return CONTINUE
        return Route(Outcome.HANDOFF, HandoffReason(reason), rule=f"classifier:{reason}:{scope[reason]:.2f}")

    def _search(self, query: str, asked: str | None, latin: bool, query_vec: np.ndarray | None = None,
                scope: float = IN_CONTEXT, section_probs: dict[str, float] | None = None,
                service_probs: dict[str, float] | None = None) -> Assessment:
        assert self.retriever is not None
        cfg = self.config.answer
        query_vec = self.retriever.embed_query(query) if query_vec is None else query_vec  # for both searches
        hits = self.retriever.search(query, query_vec)
        keywords = self.vocab.keyword_evidence(query) if cfg.keyword_weight > 0 else None
        # "abbu ka inteqal ho gaya, ab gaari ammi ke naam karwani hai": the car transfer is asked, the
        # death only told
        if keywords and cfg.situation_keyword_factor < 1 and (asking := request_part(query)):
            keywords = favour_request(keywords, self.vocab.keyword_evidence(asking), cfg.situation_keyword_factor,
                                      self.vocab.department)
        # a service the classifier or the keywords point to is ranked even when none of its passages
        # made the top hits ("lisence ke liye kya documents chahiye" retrieves other services' document
        # lists): its best passage is scored among the same candidates
        pointed = {max(keywords, key=keywords.__getitem__)} if keywords else set()
        if service_probs:
            top = max(service_probs, key=service_probs.__getitem__)
            if service_probs[top] >= cfg.pointed_probability:
                pointed.add(top)
        missing = pointed - {h.passage.service_id for h in hits}
        if missing:
            hits = self.retriever.search(query, query_vec, services=missing)
        services = rank_services(hits, service_probs, cfg.service_prior_weight, keywords, cfg.keyword_weight,
                                 self.vocab.outside_ages(query))
        return assess_confidence(self.confidence_model, query, hits, services, self.vocab, asked, latin, scope,
                                 section_probs, (cfg.section_retrieval_weight, cfg.section_cue_weight))

    def _assess(self, text: str, state: SessionState, asked: str | None, guess: LanguageGuess,
                query_vec: np.ndarray | None = None, scope: dict[str, float] | None = None,
                section_probs: dict[str, float] | None = None,
                service_probs: dict[str, float] | None = None) -> Assessment:
        """Retrieve for the message; a short follow-up is retried in the context of the last service."""
        latin = guess.script == "Latn"
        chosen = self._pick_option(text, state.options)
        if chosen:
            return self._search(f"{self._title(chosen)} {text}", asked, latin, section_probs=section_probs)
        logit = scope_logit(scope["answerable"]) if scope else IN_CONTEXT
        assessment = self._search(text, asked, latin, query_vec, logit, section_probs, service_probs)
        follow_up = state.service_id and _is_follow_up(text)
        if not follow_up or assessment.service is None or assessment.service.service_id == state.service_id:
            return assessment
        # "aur fee kitni hai?" names no service (its only content word asks for a section), so it
        # continues the last one; "aur passport ki fee?" names one and is searched as it is.
        names_other = any(detect_section(w) is None for w in tokenise(text))
        contextual = self._search(f"{self._title(state.service_id or '')} {text}", asked, latin,
                                  section_probs=section_probs)
        if not names_other and contextual.service and contextual.service.service_id == state.service_id:
            return contextual
        return assessment

    def _decide(self, a: Assessment, text: str, sid: str, mid: str, lang: str, guess: LanguageGuess,
                state: SessionState) -> Reply:
        cfg = self.config.answer
        base: dict[str, Any] = dict(session_id=sid, message_id=mid, language=lang, detected_language=guess.lang,
                                    candidates=a.ranked)
        composed = self._compose(a, lang, text) if a.service else None
        if self._should_clarify(a, state) and a.confidence >= cfg.answer_threshold / 2:
            return self._clarify(a, lang, base)
        if a.likely_reason is not None and a.confidence < cfg.answer_threshold and guess.lang not in REGIONAL:
            # not answering, and the classifier says why better than "low confidence" can: an
            # emergency gets its numbers, a harmful request its refusal, as if a rule had fired
            route = Route(Outcome.HANDOFF, a.likely_reason,
                          rule=f"confidence<{cfg.answer_threshold}+classifier:{a.likely_reason.value}")
            routed = self._routed(route, text, sid, mid, lang, guess, state)
            if composed is not None and a.likely_reason is not HandoffReason.EMERGENCY:
                routed = replace(routed, suggested_answer=composed.text, suggested_citations=(composed.citation,))
            return replace(routed, confidence=a.confidence, candidates=a.ranked)
        if a.service is None or composed is None or a.confidence < cfg.answer_threshold:
            regional = guess.lang in REGIONAL
            reason = HandoffReason.UNSUPPORTED_LANGUAGE if regional else (
                HandoffReason.OUT_OF_SCOPE if _coverage(a) == 0.0 else HandoffReason.LOW_CONFIDENCE)
            return Reply(outcome=Outcome.HANDOFF, handoff_reason=reason, answer=canned.handoff_text(reason, lang),
                         confidence=a.confidence, suggested_answer=composed.text if composed else "",
                         suggested_citations=(composed.citation,) if composed else (),
                         rule=f"confidence<{cfg.answer_threshold}",
                         service_id=a.service.service_id if a.service else None, section=a.section, **base)
        answer = self._generate(text, composed, lang) if self.generator is not None else composed.text
        if guess.lang in REGIONAL:
            answer += "\n\n" + canned.REGIONAL_OFFER[guess.lang]
        return Reply(outcome=Outcome.ANSWERED, answer=answer, confidence=a.confidence, citations=(composed.citation,),
                     service_id=a.service.service_id, section=composed.citation.section, rule="answered", **base)

    def _generate(self, text: str, composed: Composed, lang: str) -> str:
        """The optional LLM's answer from the cited section only; the extractive answer whenever its
        citations, links, numbers or script do not check out (bot/guardrails.py logs why)."""
        assert self.generator is not None
        c = composed.citation
        doc = doc_for(self.data.documents, c.service_id, lang)
        body = section_text(doc, c.section) if doc else None
        if doc is None or not body:
            return composed.text
        sources = [SourceSection("S1", doc.doc_id, doc.title, c.section, doc.url, body)]
        footer = composed.text.rsplit("\n\n", 1)[-1]  # the source line stays the extractive one
        answer, _ = generate_or_fallback(self.generator, text, sources, lang, composed.text, footer=footer)
        return answer

    def _clarify(self, a: Assessment, lang: str, base: dict[str, Any]) -> Reply:
        """Two sibling services about equally likely: ask which one ("new CNIC or renewal?")."""
        assert a.service is not None and a.runner_up is not None
        options = (a.service.service_id, a.runner_up.service_id)
        titles = tuple(self._title(o, lang) for o in options)
        body = canned.CLARIFY[lang] + "\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(titles, 1))
        return Reply(outcome=Outcome.CLARIFY, answer=body, confidence=a.confidence, options=titles,
                     option_service_ids=options, section=a.section, rule="clarify:close_services", **base)

    def _should_clarify(self, a: Assessment, state: SessionState) -> bool:
        if a.runner_up is None or a.service is None or state.options:
            return False
        same_department = a.service.service_id.split("-")[0] == a.runner_up.service_id.split("-")[0]
        margin = dict(a.features).get("margin", 99.0)
        return same_department and margin < self.config.answer.clarify_margin

    def _compose(self, a: Assessment, lang: str, text: str) -> Composed | None:
        assert a.service is not None
        cfg = self.config.answer
        return compose_answer(self.data.documents, self.departments, a.service.service_id, a.section, lang, text,
                              cfg.max_items, cfg.max_chars)

    def _routed(self, route: Route, text: str, sid: str, mid: str, lang: str, guess: LanguageGuess,
                state: SessionState) -> Reply:
        base: dict[str, Any] = dict(session_id=sid, message_id=mid, language=lang, detected_language=guess.lang,
                                    rule=route.rule)
        if route.outcome is Outcome.SMALLTALK:
            return Reply(outcome=Outcome.SMALLTALK, answer=canned.SMALLTALK[route.kind][lang], confidence=1.0, **base)
        assert route.reason is not None
        answer = canned.handoff_text(route.reason, lang)
        citations: tuple[Citation, ...] = ()
        if route.reason is HandoffReason.EMERGENCY:
            answer, citations = self._emergency_answer(lang, self_harm=route.kind == "self_harm")
        elif route.reason is HandoffReason.OUT_OF_SCOPE and (gap := self.uncovered.get(route.kind)):
            answer = canned.UNCOVERED[lang].format(name=gap.name[lang])
            if gap.handled_by:
                answer += " " + canned.UNCOVERED_WHO[lang].format(who=gap.handled_by[lang])
            answer += " " + canned.UNCOVERED_TAIL[lang]
        elif route.reason is HandoffReason.PERSONAL_CASE:
            extra = self._tracking_help(text, lang, guess)
            if extra:
                answer += f"\n\n{canned.PERSONAL_TRACKING[lang]}\n{extra.text}"
                citations = (extra.citation,)
        suggested, suggested_citations = answer, citations
        if route.reason is HandoffReason.USER_REQUESTED and state.service_id:
            # the staff member sees what the bot knows about the service the citizen was asking about
            last = compose_answer(self.data.documents, self.departments, state.service_id, state.section or "overview",
                                  lang, "", self.config.answer.max_items, self.config.answer.max_chars)
            if last is not None:
                suggested, suggested_citations = last.text, (last.citation,)
        # confidence is the probability that a corpus answer is right; a rule-decided handoff gives none
        return Reply(outcome=Outcome.HANDOFF, handoff_reason=route.reason, answer=answer, confidence=0.0,
                     citations=citations, suggested_answer=suggested, suggested_citations=suggested_citations,
                     **base)

    def _emergency_answer(self, lang: str, self_harm: bool = False) -> tuple[str, tuple[Citation, ...]]:
        """The corpus's emergency numbers; for a message about self-harm the mental-health
        helplines first, under a gentler opening."""
        head = canned.SELF_HARM_HEAD[lang] if self_harm else canned.handoff_text(HandoffReason.EMERGENCY, lang)
        tail = canned.EMERGENCY_TAIL[lang]
        composed = compose_answer(self.data.documents, self.departments, EMERGENCY_SERVICE, "contact", lang,
                                  "", max_items=10, max_chars=self.config.answer.max_chars,
                                  prefer=SELF_HARM_MARKERS if self_harm else ())
        if composed is None:
            fallback = canned.SELF_HARM_FALLBACK[lang] if self_harm else canned.EMERGENCY_FALLBACK[lang]
            return f"{head}\n{fallback}\n\n{tail}", ()
        return f"{head}\n{composed.text}\n\n{tail}", (composed.citation,)

    def _tracking_help(self, text: str, lang: str, guess: LanguageGuess) -> Composed | None:
        """The service's own tracking instructions, when the question names a service we know."""
        a = self._search(text, "procedure", guess.script == "Latn")
        if a.service is None or a.confidence < self.config.answer.answer_threshold * 0.6:
            return None
        dept = a.service.service_id.split("-")[0]
        tracking = next((d.service_id for d in self.data.documents.values()
                         if d.service_id.startswith(dept + "-") and d.service_id.endswith("-tracking")), None)
        if tracking:
            return compose_answer(self.data.documents, self.departments, tracking, "procedure", lang, text, 6, 600)
        doc = doc_for(self.data.documents, a.service.service_id, lang)
        if doc is None:
            return None
        for key in ("faq", "contact", "procedure", "notes"):
            if any(_TRACKING_CUES.search(i) for i in split_sentences(section_text(doc, key) or "")):
                return compose_answer(self.data.documents, self.departments, a.service.service_id, key, lang,
                                      "status track", 3, 500)
        return None

    def _pick_option(self, text: str, options: tuple[str, ...]) -> str | None:
        """The service a reply to a clarifying question chose: "1"/"2" or a word of its title."""
        if not options:
            return None
        t = text.strip().rstrip(".۔").translate(str.maketrans("۱۲", "12"))
        if t in ("1", "2"):
            return options[int(t) - 1]
        words = set(tokenise(text))
        title_words = {o: set(tokenise(" ".join(self._title(o, c) for c in ("en", "ur", "ur-Latn")))) for o in options}
        for option in options:
            others = set().union(*(w for o, w in title_words.items() if o != option))
            if words & (title_words[option] - others):  # a word only this option's title has
                return option
        return None

    def _title(self, service_id: str, lang: str = "en") -> str:
        doc = doc_for(self.data.documents, service_id, lang)
        return doc.title if doc else service_id


def _intents_for(embedder_id: str) -> IntentModels | None:
    """The shipped message classifiers, or None (rules only, with a warning) when they were fitted
    on another embedder's vectors: `rahnuma train-intent` refits them for the configured one."""
    models = IntentModels.load()
    if models.meta.get("embedder") != embedder_id:
        log.warning("message classifiers were fitted with embedder %s, not %s: routing and section choice use "
                    "rules only until `rahnuma train-intent` is run", models.meta.get("embedder"), embedder_id)
        return None
    return models


def _is_follow_up(text: str) -> bool:
    """A short message that leans on the conversation: "aur fee?", "kitne din?", "اور کہاں؟"."""
    return len(text.split()) <= 7 and (bool(_FOLLOW_UP.search(text)) or detect_section(text) is not None)


def _coverage(a: Assessment) -> float:
    return dict(a.features).get("coverage", 0.0)


def _next_state(state: SessionState, reply: Reply, lang: str) -> SessionState:
    return SessionState(
        language=lang, service_id=reply.service_id or state.service_id,
        section=reply.section or state.section, options=reply.option_service_ids,
        pending_section=reply.section if reply.outcome is Outcome.CLARIFY else None, turns=state.turns + 1,
    )


def _with_timing(reply: Reply, elapsed_ms: float) -> Reply:
    return replace(reply, timings_ms=(("total", elapsed_ms),))


def load_departments(path: Path) -> dict[str, dict[str, str]]:
    """{department id: {"en": name, "ur": name, "website":…, "helpline":…}} from departments.yaml."""
    if not path.exists():
        return {}
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return {
        str(r["id"]): {"en": str(r.get("name_en", "")), "ur": str(r.get("name_ur", "")),
                       "website": str(r.get("website", "")), "helpline": str(r.get("helpline", ""))}
        for r in rows
    }


def build_pipeline(config: Config) -> Pipeline:
    """A loaded pipeline for ``config`` (raises IndexMissingError when no index is built)."""
    pipeline = Pipeline(config)
    pipeline.load()
    return pipeline
