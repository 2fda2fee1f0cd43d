"""Service ranking evidence from the documents' keyword phrases (bot/services.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.services import ServiceVocabulary, match_keys, rank_services
from retrieval.types import Document, Hit, Passage, Section, Signals


def _doc(service_id: str, keywords: tuple[str, ...]) -> Document:
    return Document(doc_id=f"{service_id}.en", service_id=service_id, lang="en", title=service_id,
                    department="d", url="https://example.gov.pk", sections=(Section("overview", "x"),),
                    keywords=keywords)


def _vocabulary(*docs: Document) -> ServiceVocabulary:
    data = SimpleNamespace(passages=[], bm25_tokens=[], roman_tokens=[], documents={d.doc_id: d for d in docs})
    return ServiceVocabulary(data)  # type: ignore[arg-type]


VOCAB = _vocabulary(
    _doc("vehicle-registration", ("bike registration", "gari ki registration", "number plate")),
    _doc("birth-registration", ("birth registration", "پیدائش کا اندراج", "b form")),
    _doc("licence", ("driving license", "pakka license", "b form")),
    _doc("vaccination", ("EPI", "polio drops")),
)


def test_match_keys_fold_spellings_and_drop_filler_words() -> None:
    assert match_keys("Bike KI registration") == match_keys("bike registraton")
    assert match_keys("baik") != match_keys("bike")  # a key under three letters must match as written
    assert match_keys("pakka license") == match_keys("pakka lisence")
    assert match_keys("کا اندراج") == frozenset({"اندراج"})


def test_keyword_evidence_needs_every_word_of_a_phrase_in_any_order() -> None:
    evidence = VOCAB.keyword_evidence("nayi bike ki registration fees kitni hai punjab me")
    assert set(evidence) == {"vehicle-registration"}
    assert VOCAB.keyword_evidence("registration kaise hoti hai") == {}  # one word of two proves nothing
    assert set(VOCAB.keyword_evidence("licens pakka kesay banwaun")) == {"licence"}
    assert set(VOCAB.keyword_evidence("بچے کی پیدائش کا اندراج")) == {"birth-registration"}


def test_a_word_whose_spelling_key_is_short_must_match_as_written() -> None:
    # "EPI" reduces to "p", as do "app" and "pay": by key it would match nearly any message
    assert "vaccination" not in VOCAB.keyword_evidence("app se pay kar sakte hain")
    assert "vaccination" in VOCAB.keyword_evidence("bachay ko polio ke drops")
    assert "vaccination" in VOCAB.keyword_evidence("EPI center kahan hai")


def test_keyword_evidence_weighs_words_by_how_few_services_list_them() -> None:
    # "registration" is listed by two services of three, "bike" by one: the phrase that needs the
    # rarer word is the stronger evidence, and a phrase every holder shares ("b form") is weak
    bike = VOCAB.keyword_evidence("bike registration")["vehicle-registration"]
    shared = VOCAB.keyword_evidence("b form")
    assert set(shared) == {"birth-registration", "licence"}
    assert bike > shared["licence"] > 0


def test_a_word_asking_for_a_section_adds_no_specificity() -> None:
    # only the new passport lists "passport fees", but "fees" says what is asked, not which service:
    # the renewal's own name outweighs it
    vocab = _vocabulary(_doc("passport-new", ("passport", "passport fees")),
                        _doc("passport-renewal", ("passport tajdeed",)),
                        _doc("cnic-renewal", ("tajdeed", "cnic fees", "cnic renewal")),
                        _doc("nser", ("eligible nahi", "nser survey")))
    evidence = vocab.keyword_evidence("passport ki tajdeed ki fees kya hai")
    assert evidence["passport-renewal"] > evidence["passport-new"] > 0
    assert evidence["passport-new"] == vocab.keyword_evidence("passport")["passport-new"]
    # and it is no part of the phrase: "cnic fees" is named by a message that asks something else
    assert "cnic-renewal" in vocab.keyword_evidence("cnic ke liye kya documents chahiye")
    # ...where the service's phrases use the word left more than once: "nahi" was a bystander
    assert "nser" not in vocab.keyword_evidence("pata nahi")


def _hit(service: str, score: float) -> Hit:
    passage = Passage(passage_id=0, doc_id=f"{service}.en", service_id=service, lang="en", section="fees",
                      title="t", text="x")
    return Hit(passage=passage, score=score, signals=Signals(fused=score))


def test_rank_services_adds_weighted_keyword_evidence() -> None:
    hits = [_hit("birth-registration", 2.0), _hit("vehicle-registration", 1.5)]
    evidence = {"vehicle-registration": 1.2}
    assert [c.service_id for c in rank_services(hits, keywords=evidence)] == ["birth-registration",
                                                                               "vehicle-registration"]
    ranked = rank_services(hits, keywords=evidence, keyword_weight=0.5)
    assert [c.service_id for c in ranked] == ["vehicle-registration", "birth-registration"]
    assert ranked[0].score == pytest.approx(1.5 + 0.5 * 1.2)
    both = rank_services(hits, {"birth-registration": 0.5, "vehicle-registration": 0.5}, 1.0, evidence, 0.5)
    assert both[0].service_id == "vehicle-registration"


def _with_documents(service_id: str, keywords: tuple[str, ...], documents: str) -> tuple[Document, Passage]:
    doc = _doc(service_id, keywords)
    return doc, Passage(passage_id=0, doc_id=doc.doc_id, service_id=service_id, lang="en", section="documents",
                        title=service_id, text=documents)


def test_a_service_named_by_a_document_another_named_service_asks_for_is_that_document() -> None:
    pairs = [_with_documents("bform", ("b form", "bachon ka b form"), "- Parents' CNICs.\n- Birth certificate."),
             _with_documents("vaccination", ("teekay", "vaccination"), "- The child's B-form or birth card."),
             _with_documents("minor-passport", ("bache ka passport", "b form"), "- The child's B-form.")]
    data = SimpleNamespace(passages=[p for _, p in pairs], bm25_tokens=[[] for _ in pairs],
                           roman_tokens=[[] for _ in pairs], documents={d.doc_id: d for d, _ in pairs})
    vocab = ServiceVocabulary(data)  # type: ignore[arg-type]
    # vaccination asks for a B-form: the B-form here is what is brought, not what is asked about
    assert set(vocab.keyword_evidence("teekay lagwane ke liye b form zaroori hai?")) == {"vaccination"}
    # the child's passport lists "b form" among its own names, but is named by nothing else here
    assert "bform" in vocab.keyword_evidence("bache ka b form banwane ke liye kya chahiye")
    assert set(vocab.keyword_evidence("b form banwana hai")) == {"bform", "minor-passport"}


def test_a_service_named_only_inside_the_others_phrase_does_not_make_it_a_document() -> None:
    pairs = [_with_documents("kafaalat", ("bisp", "kafaalat"), "- Survey record.\n- CNIC."),
             _with_documents("survey", ("bisp survey", "survey"), "- CNIC.\n- B-forms.")]
    data = SimpleNamespace(passages=[p for _, p in pairs], bm25_tokens=[[] for _ in pairs],
                           roman_tokens=[[] for _ in pairs], documents={d.doc_id: d for d, _ in pairs})
    vocab = ServiceVocabulary(data)  # type: ignore[arg-type]
    # "bisp" names Kafaalat only as part of "bisp survey": the survey stays
    assert "survey" in vocab.keyword_evidence("bisp survey karwane ke liye kya le kar jaun")
    # named by its own word, Kafaalat is what is asked about, and the survey is what it asks for
    assert set(vocab.keyword_evidence("kafaalat ke liye bisp survey zaroori hai?")) == {"kafaalat"}


def _aged(service_id: str, ages: tuple[int, int] | None) -> Document:
    return Document(doc_id=f"{service_id}.en", service_id=service_id, lang="en", title=service_id,
                    sections=(Section("overview", "x"),), keywords=("passport office", "passport fees"), ages=ages)


AGED = _vocabulary(_aged("passport-minor", (0, 17)), _aged("passport-new", (18, 120)), _aged("passport-lost", None))


@pytest.mark.parametrize(("text", "outside"), [
    ("beti 8 saal ki hai uska passport banwana hai", {"passport-new"}),
    ("abbu 65 saal ke hain, passport renew karwana hai", {"passport-minor"}),
    ("10 saal wala passport kitne ka hai", set()),  # a validity, not an age
    ("main 30 saal ka hoon, mere 5 saal ke bete ka passport", set()),  # two ages: which one is meant?
])
def test_outside_ages_leaves_out_the_services_for_other_ages(text: str, outside: set[str]) -> None:
    assert AGED.outside_ages(text) == outside


def test_rank_services_leaves_out_excluded_services_unless_nothing_else_was_found() -> None:
    hits = [_hit("passport-new", 2.0), _hit("passport-minor", 1.5)]
    assert [c.service_id for c in rank_services(hits, excluded=frozenset({"passport-new"}))] == ["passport-minor"]
    assert [c.service_id for c in rank_services(hits[:1], excluded=frozenset({"passport-new"}))] == ["passport-new"]
