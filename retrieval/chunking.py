"""Chunking: one passage per document section, long sections split at sentence boundaries,
plus sentence windows used for dense scoring.

Sentences end at Urdu and English terminators (۔ ؟ ! . ?) or at line breaks: list items and
numbered steps are sentences of their own, which is what the answer composer quotes.
"""

from __future__ import annotations

import re

from retrieval.types import Document, Passage

# Within a line, a terminator followed by space. "." inside numbers and links ("Rs 1,500.00",
# "nadra.gov.pk") is not followed by a space, so it does not split.
_SENTENCE_END = re.compile(r"(?<=[۔؟!?.])\s+(?=\S)")
_LIST_ITEM = re.compile(r"^(?:\d+[.)]|[-*•])\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences and list items, stripped, empties dropped. A list item stays whole, even with two
    sentences in it ("Normal: Rs 750. Valid 10 years."), since its parts belong together.

    >>> split_sentences("پہلا جملہ۔ دوسرا جملہ؟\\n- item one\\n1. step")
    ['پہلا جملہ۔', 'دوسرا جملہ؟', '- item one', '1. step']
    """
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if _LIST_ITEM.match(line):
            out.append(line)
        else:
            out.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return out


def chunk_document(doc: Document, max_words: int, start_id: int = 0) -> list[Passage]:
    """Passages for one document: sections, long ones cut into runs of whole sentences."""
    passages: list[Passage] = []
    for section in doc.sections:
        for part in _pack(split_sentences(section.text), max_words):
            passages.append(
                Passage(
                    passage_id=start_id + len(passages),
                    doc_id=doc.doc_id,
                    service_id=doc.service_id,
                    lang=doc.lang,
                    section=section.key,
                    title=doc.title,
                    text=part,
                    department=doc.department,
                    url=doc.url,
                    last_verified=doc.last_verified,
                )
            )
    return passages


def _pack(sentences: list[str], max_words: int) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if current and count + n > max_words:
            parts.append("\n".join(current))
            current, count = [], 0
        current.append(sentence)
        count += n
    if current:
        parts.append("\n".join(current))
    return parts


def sentence_windows(text: str, size: int) -> list[str]:
    """Overlapping windows of ``size`` consecutive sentences (the whole text if shorter).

    >>> sentence_windows("a. b. c.", 2)
    ['a. b.', 'b. c.']
    """
    sentences = split_sentences(text)
    if len(sentences) <= size:
        return [" ".join(sentences)] if sentences else []
    return [" ".join(sentences[i : i + size]) for i in range(len(sentences) - size + 1)]
