"""Answer scoring: SQuAD-style exact match and token F1, extended for Urdu, plus citation checks.

``normalize_answer`` follows the official SQuAD 2.0 script (lowercase, drop punctuation, drop the
English articles a/an/the, fold whitespace) and adds what Urdu needs: the project's
``retrieval.normalise.normalise`` (Arabic -> Urdu letter variants, diacritics, tatweel, invisible
marks, Eastern digits), and every Unicode punctuation mark, so Urdu ۔ ، ؟ ؛ « » and Arabic ٪ ٫ ٬ go
too. Punctuation is deleted, not replaced by a space, as in SQuAD.

No-answer convention (SQuAD 2.0): a gold list that is empty or holds only empty strings means the
question has no answer; EM and F1 are then 1 iff the normalised prediction is empty.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from retrieval.normalise import URDU_SENTENCE_END, normalise

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_ASCII_PUNCT = set(string.punctuation)
_SENTENCE_SPLIT = re.compile(f"(?<=[{re.escape(URDU_SENTENCE_END)}])\\s+|\\n+")


def _is_punct(ch: str) -> bool:
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P")


def normalize_answer(text: str) -> str:
    """Normalise an answer string for comparison (see the module docstring for the steps).

    >>> normalize_answer("The  Capital, Islamabad!")
    'capital islamabad'
    >>> normalize_answer("اسلام آباد۔")
    'اسلام آباد'
    """
    text = normalise(text)  # NFKC, letter variants, diacritics, digits, lowercase, spaces
    text = "".join(ch for ch in text if not _is_punct(ch))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def is_no_answer(golds: Sequence[str]) -> bool:
    """True when the gold list means "no answer": empty, or only empty/punctuation-only strings."""
    return all(not normalize_answer(g) for g in golds)


def _tokens(text: str) -> list[str]:
    return normalize_answer(text).split()


def _f1_one(prediction: str, gold: str) -> float:
    pred, ref = _tokens(prediction), _tokens(gold)
    if not pred or not ref:
        return float(pred == ref)
    common = Counter(pred) & Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """1.0 if the normalised prediction equals any normalised gold answer; no-answer rule for empty golds."""
    if is_no_answer(golds):
        return float(not normalize_answer(prediction))
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(g) for g in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """Bag-of-tokens F1 between prediction and gold, the maximum over the gold answers.

    >>> round(token_f1("اسلام آباد شہر", ["اسلام آباد"]), 4)
    0.8
    """
    if is_no_answer(golds):
        return float(not normalize_answer(prediction))
    return max(_f1_one(prediction, g) for g in golds if normalize_answer(g))


def contains_answer(text: str, golds: Sequence[str]) -> float | None:
    """1.0 if any normalised gold answer occurs in the normalised ``text`` (token-aligned), else 0.0.

    For long generated answers, where EM is meaningless. ``None`` for no-answer golds.
    """
    if is_no_answer(golds):
        return None
    hay = f" {normalize_answer(text)} "
    return float(any(f" {normalize_answer(g)} " in hay for g in golds if normalize_answer(g)))


def split_sentences(context: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of ``context``.

    Sentences end after ۔ ؟ ! ? . (followed by whitespace) and at newlines.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_SPLIT.finditer(context):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(context):
        spans.append((start, len(context)))
    return spans


def answer_sentence_hit(
    context: str, prediction: str, golds: Sequence[str], start: int | None = None
) -> float | None:
    """1.0 if the sentence(s) of ``context`` holding the predicted span contain a gold answer.

    A looser reading of extractive QA: a reader that lands in the right sentence has found the
    evidence even when its span boundaries differ. ``start`` is the prediction's character offset in
    ``context`` (found by search when omitted). Returns 0.0 when the prediction is empty or not in the
    context, ``None`` for no-answer golds (not applicable).
    """
    if is_no_answer(golds):
        return None
    if not prediction.strip():
        return 0.0
    if start is None or context[start : start + len(prediction)] != prediction:
        start = context.find(prediction)
        if start < 0:
            return 0.0
    end = start + len(prediction)
    pieces = [context[s:e] for s, e in split_sentences(context) if s < end and e > start]
    return contains_answer(" ".join(pieces), golds)


def _citation_ids(citation: Mapping[str, object]) -> set[str]:
    return {str(citation[k]) for k in ("doc_id", "service_id") if citation.get(k)}


def citation_precision(
    citations: Sequence[Mapping[str, object]], expected_ids: Iterable[str]
) -> float | None:
    """Share of citations whose doc_id or service_id is expected.

    ``None`` with no citations or no expectation.
    """
    expected = set(expected_ids)
    if not citations or not expected:
        return None
    return sum(1 for c in citations if _citation_ids(c) & expected) / len(citations)


def citation_correct(citations: Sequence[Mapping[str, object]], expected_ids: Iterable[str]) -> float | None:
    """1.0 if there is at least one citation and every citation's doc_id or service_id is expected.

    A reply citing the right service *and* an unrelated one counts as wrong: a citizen may follow the
    wrong link. ``None`` when nothing is expected (a must-not-answer item; the handoff metrics judge it).
    """
    expected = set(expected_ids)
    if not expected:
        return None
    if not citations:
        return 0.0
    return float(all(_citation_ids(c) & expected for c in citations))


def squad_summary(records: Iterable[tuple[str, Sequence[str]]]) -> dict[str, float | int | None]:
    """SQuAD 2.0-style aggregate over (prediction, golds) pairs, as percentages (rounded to 2 places).

    Keys: ``exact``, ``f1``, ``total``, ``HasAns_exact``, ``HasAns_f1``, ``HasAns_total``,
    ``NoAns_exact`` (= NoAns F1 = abstention accuracy), ``NoAns_total``. A group that is empty has ``None``.
    """
    has: list[tuple[float, float]] = []
    no: list[tuple[float, float]] = []
    for prediction, golds in records:
        (no if is_no_answer(golds) else has).append(
            (exact_match(prediction, golds), token_f1(prediction, golds))
        )

    def pct(rows: list[tuple[float, float]], i: int) -> float | None:
        return round(100 * sum(r[i] for r in rows) / len(rows), 2) if rows else None

    both = has + no
    return {
        "exact": pct(both, 0),
        "f1": pct(both, 1),
        "total": len(both),
        "HasAns_exact": pct(has, 0),
        "HasAns_f1": pct(has, 1),
        "HasAns_total": len(has),
        "NoAns_exact": pct(no, 0),
        "NoAns_total": len(no),
    }
