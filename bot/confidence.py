"""Confidence that the top service answers the question, from retrieval signals.

A logistic model over a few interpretable features (retrieval signals, and the message classifier's
log-odds that the message is a service question at all), fitted on the training messages by
``rahnuma calibrate`` (weights in bot/confidence_weights.json) and checked on `test`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.services import ServiceVocabulary, choose_section
from bot.types import Assessment, ServiceCandidate
from retrieval.types import Hit

WEIGHTS_PATH = Path(__file__).with_name("confidence_weights.json")
FEATURES = ("top_score", "margin", "dense", "window", "bm25", "coverage", "section_match", "latin", "agreement",
            "scope")
NEUTRAL_SCOPE = 0.0


def scope_logit(p_answerable: float) -> float:
    """The message classifier's log-odds that this is a service question, clipped to [-8, 8]."""
    p = min(max(p_answerable, 1e-4), 1 - 1e-4)
    return max(-8.0, min(8.0, math.log(p / (1 - p))))


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    weights: tuple[float, ...]
    bias: float

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> ConfidenceModel:
        data = json.loads(path.read_text())
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError(f"{path}: features {names} do not match the code's {FEATURES}; re-run bot.calibrate")
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]))

    def predict(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def features(
    query: str, hits: Sequence[Hit], services: Sequence[ServiceCandidate], vocab: ServiceVocabulary,
    asked_section: str | None, latin: bool, scope: float = NEUTRAL_SCOPE,
) -> tuple[float, ...]:
    top = services[0]
    runner = services[1].score if len(services) > 1 else top.score - 3.0
    top_hits = [h for h in hits if h.passage.service_id == top.service_id]
    dense = max(h.signals.dense for h in top_hits)
    window = max(h.signals.window for h in top_hits)
    bm25 = max(h.signals.bm25 for h in top_hits)
    section_match = 1.0 if asked_section and any(h.passage.section == asked_section for h in top_hits) else 0.0
    # do the lexical and the dense signal agree on the top passage's service?
    by_dense = max(hits, key=lambda h: h.signals.window).passage.service_id
    by_lex = max(hits, key=lambda h: h.signals.bm25 + h.signals.roman).passage.service_id
    agreement = (by_dense == top.service_id) + (by_lex == top.service_id)
    return (
        top.score, min(top.score - runner, 5.0), dense, window, math.log1p(bm25),
        vocab.coverage(top.service_id, query), section_match, float(latin), agreement / 2.0, scope,
    )


def assess_confidence(
    model: ConfidenceModel, query: str, hits: Sequence[Hit], services: Sequence[ServiceCandidate],
    vocab: ServiceVocabulary, asked_section: str | None, latin: bool, scope: float = NEUTRAL_SCOPE,
    section_probs: Mapping[str, float] | None = None, section_weights: tuple[float, float] = (0.25, 2.0),
) -> Assessment:
    if not services:
        return Assessment(0.0, None, None, asked_section or "overview")
    x = features(query, hits, services, vocab, asked_section, latin, scope)
    top = services[0].service_id
    section = choose_section(asked_section, hits, top, query, section_probs, *section_weights, vocab.sections(top))
    return Assessment(
        confidence=model.predict(x), service=services[0],
        runner_up=services[1] if len(services) > 1 else None, section=section,
        features=tuple(zip(FEATURES, x, strict=True)), ranked=tuple(c.service_id for c in services[:3]),
    )
