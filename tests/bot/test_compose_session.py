"""Focused answers, language fallbacks, and session memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.compose import compose_answer, doc_for, everyday_words, select_items
from bot.session import SessionMemory, SessionState
from retrieval.types import Document, Section

FEES_UR = ["- عام: 750 روپے۔", "- ارجنٹ: 1,500 روپے۔", "- ایگزیکٹو: 2,500 روپے۔"]
FEES_EN = ["- Normal: Rs 750.", "- Urgent: Rs 1,500.", "- Executive: Rs 2,500."]


def test_the_item_asked_about_is_chosen_across_languages() -> None:
    assert select_items(FEES_UR, [FEES_EN], "urgent fee kitni hai", "fees", 6) == [1]
    assert select_items(FEES_EN, [FEES_UR], "ایگزیکٹو فیس", "fees", 6) == [2]


def test_everyday_words_find_the_documents_word_for_the_same_thing(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fees_en = ["- Cars up to 1000cc: 1% of the value.", "- Motorcycles and scooters: Rs 1,500.",
               "- Smart card: Rs 530."]
    fees_ur = ["- 1000cc تک کاریں: قیمت کا 1 فیصد۔", "- موٹر سائیکل اور اسکوٹر: 1,500 روپے۔",
               "- اسمارٹ کارڈ: 530 روپے۔"]
    assert select_items(fees_ur, [fees_en], "nayi bike ki registration fee", "fees", 6) == [1]
    assert select_items(fees_en, [fees_ur], "gari ki fee", "fees", 6) == [0]
    # a malformed line of the table is an error that names the file, the line and the format
    bad = tmp_path / "everyday_words.tsv"
    bad.write_text("# comment\nbike motorcycle\n", encoding="utf-8")
    monkeypatch.setattr("bot.compose.EVERYDAY_WORDS", bad)
    everyday_words.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"everyday_words.tsv:2: expected 'word<TAB>document words'"):
            everyday_words()
    finally:
        everyday_words.cache_clear()


def test_no_specific_item_gives_the_list_and_procedures_stay_whole() -> None:
    assert select_items(FEES_EN, [], "how much", "fees", 2) == [0, 1]
    steps = [f"{i}. step {i}" for i in range(1, 9)]
    assert select_items(steps, [], "fee", "procedure", 6) == list(range(8))


def _docs() -> dict[str, Document]:
    def doc(lang: str, title: str, fees: list[str]) -> Document:
        return Document(f"s.{lang}", "s", lang, title, (Section("overview", "x"), Section("fees", "\n".join(fees))),
                        department="nadra", url="https://example.gov.pk", last_verified="2026-11-01")
    return {"s.ur": doc("ur", "کارڈ", FEES_UR), "s.en": doc("en", "Card", FEES_EN)}


def test_reply_language_picks_the_parallel_document() -> None:
    docs = _docs()
    assert doc_for(docs, "s", "en").doc_id == "s.en"  # type: ignore[union-attr]
    assert doc_for(docs, "s", "ur").doc_id == "s.ur"  # type: ignore[union-attr]
    assert doc_for(docs, "s", "ur-Latn").doc_id == "s.ur"  # type: ignore[union-attr]  # no romanised copy here
    assert doc_for(docs, "missing", "ur") is None


def test_composed_answer_cites_its_source_and_fits_a_phone() -> None:
    names = {"nadra": {"en": "NADRA", "ur": "نادرا"}}
    out = compose_answer(_docs(), names, "s", "fees", "en", "urgent fee", max_items=6, max_chars=900)
    assert out is not None
    assert "Rs 1,500" in out.text and "Rs 750" not in out.text
    assert "https://example.gov.pk" in out.text and "2026-11-01" in out.text and "NADRA" in out.text
    assert out.citation.doc_id == "s.en" and out.citation.section == "fees"
    missing = compose_answer(_docs(), names, "s", "contact", "ur", "", 6, 900)
    assert missing is not None and missing.citation.section == "overview"  # falls back to the overview


def test_long_answers_are_trimmed() -> None:
    long_items = [f"- item {i} " + "word " * 30 for i in range(20)]
    docs = {"s.en": Document("s.en", "s", "en", "T", (Section("faq", "\n".join(long_items)),))}
    out = compose_answer(docs, {}, "s", "faq", "en", "", max_items=20, max_chars=500)
    assert out is not None and out.items[-1] == "…" and len(out.text) < 700


def test_session_memory_is_bounded() -> None:
    memory = SessionMemory(max_sessions=2)
    memory.put("a", SessionState(service_id="x"))
    memory.put("b", SessionState(service_id="y"))
    memory.get("a")
    memory.put("c", SessionState(service_id="z"))
    assert memory.get("b") == SessionState()  # least recently used went first
    assert memory.get("a").service_id == "x"
    with pytest.raises(ValueError, match="max_sessions"):
        SessionMemory(0)


def test_session_state_round_trips_through_json_and_survives_bad_data(caplog) -> None:  # type: ignore[no-untyped-def]
    import json

    state = SessionState(language="ur", service_id="dgip-passport-renewal", section="fees",
                         options=("nadra-cnic-new", "nadra-cnic-renewal"), pending_section="fees", turns=3)
    assert SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    assert SessionState.from_dict(None) == SessionState()
    assert SessionState.from_dict({**state.to_dict(), "written_by_a_newer_version": 1}) == state
    with caplog.at_level("WARNING"):
        assert SessionState.from_dict({"service_id": 42}) == SessionState()
        assert SessionState.from_dict({"turns": -1}) == SessionState()
    assert "starting the conversation afresh" in caplog.text
