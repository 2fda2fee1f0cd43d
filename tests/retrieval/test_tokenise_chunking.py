from retrieval.chunking import chunk_document, sentence_windows, split_sentences
from retrieval.tokenise import tokenise
from retrieval.types import Document, Section


def test_tokenise_drops_function_words_in_three_scripts() -> None:
    assert tokenise("پاسپورٹ کی تجدید کے لیے کیا چاہیے؟") == ["پاسپورٹ", "تجدید"]
    assert tokenise("passport ki tajdeed ke liye") == ["passport", "tajdeed"]
    assert tokenise("How do I renew the passport") == ["renew", "passport"]


def test_split_sentences_urdu_english_and_lists() -> None:
    text = "پہلا جملہ۔ دوسرا؟ Third one. Fee is Rs 1,500.00 at nadra.gov.pk\n- item\n1. step"
    assert split_sentences(text) == ["پہلا جملہ۔", "دوسرا؟", "Third one.", "Fee is Rs 1,500.00 at nadra.gov.pk",
                                     "- item", "1. step"]


def test_windows() -> None:
    assert sentence_windows("a. b. c.", 2) == ["a. b.", "b. c."]
    assert sentence_windows("only one.", 2) == ["only one."]
    assert sentence_windows("", 2) == []


def test_long_sections_split_at_sentence_boundaries() -> None:
    long = " ".join(f"Sentence number {i} has five words." for i in range(40))
    doc = Document("d.en", "d", "en", "T", (Section("overview", "short."), Section("fees", long)))
    passages = chunk_document(doc, max_words=50)
    assert passages[0].section == "overview"
    fees = [p for p in passages if p.section == "fees"]
    assert len(fees) > 1
    assert all(len(p.text.split()) <= 50 for p in fees)
    assert all(p.text.rstrip().endswith(".") for p in fees)
    assert [p.passage_id for p in passages] == list(range(len(passages)))
