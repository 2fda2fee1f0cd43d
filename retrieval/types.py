"""Values passed between retrieval stages. Frozen so that no stage edits another's output."""

from __future__ import annotations

from dataclasses import dataclass, field

SECTION_KEYS: tuple[str, ...] = (
    "overview", "eligibility", "documents", "procedure", "fees", "processing_time",
    "where_to_apply", "contact", "faq", "notes",
)


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """One source document. Service documents fill every field; plain files get defaults."""

    doc_id: str
    service_id: str
    lang: str
    title: str
    sections: tuple[Section, ...]
    department: str = ""
    summary: str = ""
    url: str = ""
    source_urls: tuple[str, ...] = ()
    last_verified: str = ""
    province: str = ""
    keywords: tuple[str, ...] = ()
    path: str = ""
    # the ages in years, inclusive, of the people the service is for, where a sibling service serves
    # the others (the child's passport (0, 17), the adult's (18, 120)); None: any age
    ages: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrievable unit: one section of one document (or a part of a long section)."""

    passage_id: int
    doc_id: str
    service_id: str
    lang: str
    section: str
    title: str
    text: str
    department: str = ""
    url: str = ""
    last_verified: str = ""


@dataclass(frozen=True, slots=True)
class Signals:
    """Per-passage retrieval evidence, raw and fused. ``None`` = the signal did not see it."""

    bm25: float = 0.0
    dense: float = 0.0
    window: float = 0.0
    roman: float = 0.0
    fused: float = 0.0


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    score: float
    signals: Signals = field(default_factory=Signals)
