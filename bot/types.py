"""Values passed between pipeline stages (frozen) and the closed sets of outcomes and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    ANSWERED = "answered"  # a cited answer from the corpus
    HANDOFF = "handoff"  # a person takes over; handoff_reason says why
    CLARIFY = "clarify"  # two services about equally likely: the bot asks which one
    SMALLTALK = "smalltalk"  # greeting or thanks, answered with a canned reply


class HandoffReason(StrEnum):
    LOW_CONFIDENCE = "low_confidence"
    OUT_OF_SCOPE = "out_of_scope"
    PERSONAL_CASE = "personal_case"
    USER_REQUESTED = "user_requested"
    UNSUPPORTED_LANGUAGE = "unsupported_language"
    SENSITIVE = "sensitive"
    EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class Citation:
    doc_id: str
    service_id: str
    department: str
    title: str
    section: str
    url: str
    lang: str
    snippet: str
    last_verified: str = ""


@dataclass(frozen=True, slots=True)
class ServiceCandidate:
    """A service ranked from passage hits: its best fused score and the section that scored it."""

    service_id: str
    score: float
    best_section: str
    best_doc_id: str


@dataclass(frozen=True, slots=True)
class Assessment:
    confidence: float
    service: ServiceCandidate | None
    runner_up: ServiceCandidate | None
    section: str
    features: tuple[tuple[str, float], ...] = ()
    ranked: tuple[str, ...] = ()  # top service ids, best first
    # the message classifier's likeliest reason not to answer, where it outranks "answerable": the
    # reason a low-confidence handoff gives (None: the classifier is off or thinks it answerable)
    likely_reason: HandoffReason | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """The end of one turn. ``to_public()`` is the API/CLI response contract."""

    session_id: str
    message_id: str
    outcome: Outcome
    language: str
    answer: str
    confidence: float
    handoff_reason: HandoffReason | None = None
    citations: tuple[Citation, ...] = ()
    service_id: str | None = None
    section: str | None = None
    detected_language: str = ""
    options: tuple[str, ...] = ()  # clarify: the services offered (titles, in the reply language)
    option_service_ids: tuple[str, ...] = ()  # clarify: the same services' ids (kept in the session)
    suggested_answer: str = ""  # for staff on handoff: what the bot would have said
    suggested_citations: tuple[Citation, ...] = ()  # its sources (not shown to the citizen)
    rule: str = ""  # the routing rule or decision that ended the turn (audit log)
    candidates: tuple[str, ...] = ()  # the top services retrieval ranked, best first (evaluation, staff)
    timings_ms: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    @property
    def staff_sources(self) -> tuple[Citation, ...]:
        """What a handoff shows staff as the suggestion's sources."""
        return self.suggested_citations or self.citations

    @property
    def handoff(self) -> bool:
        return self.outcome is Outcome.HANDOFF

    def to_public(self) -> dict[str, object]:
        return {
            "session_id": self.session_id,
            "message_id": self.message_id,
            "outcome": self.outcome.value,
            "handoff": self.handoff,
            "handoff_reason": self.handoff_reason.value if self.handoff_reason else None,
            "language": self.language,
            "detected_language": self.detected_language,
            "answer": self.answer,
            "confidence": round(self.confidence, 4),
            "service_id": self.service_id,
            "section": self.section,
            "options": list(self.options),
            "candidates": list(self.candidates),
            "citations": [
                {k: getattr(c, k) for k in ("doc_id", "service_id", "department", "title", "section", "url",
                                            "lang", "snippet", "last_verified")}
                for c in self.citations
            ],
        }
