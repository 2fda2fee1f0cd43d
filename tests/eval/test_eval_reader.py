"""eval.reader: baseline readers, scoring, and a tiny randomly initialised QA model built by the test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.errors import ModelUnavailableError
from eval.datasets.uqa import load_uqa
from eval.reader import (
    PUBLISHED_UQA,
    FirstSentenceReader,
    OracleReader,
    TransformersReader,
    make_reader,
    score_prediction,
    summarise_reader,
)

WORDS = ["what", "is", "the", "capital", "of", "pakistan", "islamabad", "city", "?", ".",
         "کیا", "ہے", "دارالحکومت", "پاکستان", "اسلام", "اباد", "کا", "۔", "؟", "لاہور", "شہر"]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_qa_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide BERT QA model with a 26-token WordPiece vocabulary, saved like a real one."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("tiny-qa")
    vocab_file = folder / "vocab.txt"
    vocab_file.write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n", encoding="utf-8"
    )
    if (
        hasattr(transformers, "BertTokenizerFast")
        and transformers.BertTokenizerFast is not transformers.BertTokenizer
    ):
        tokenizer = transformers.BertTokenizerFast(vocab_file=str(vocab_file))  # transformers 4.x
    else:  # transformers 5: BertTokenizer is the fast one and takes the vocabulary itself
        vocab = {w: i for i, w in enumerate(vocab_file.read_text(encoding="utf-8").split("\n")) if w}
        tokenizer = transformers.BertTokenizer(vocab=vocab)
    config = transformers.BertConfig(
        vocab_size=len(WORDS) + 5, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=37, max_position_embeddings=128,
    )  # fmt: skip
    torch.manual_seed(0)
    model = transformers.BertForQuestionAnswering(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_transformers_reader_returns_spans_from_the_context(tiny_qa_model: Path) -> None:
    # null_threshold=inf: never abstain, so every answer must be a real span
    reader = TransformersReader(
        tiny_qa_model, max_length=32, stride=8, null_threshold=float("inf"), device="cpu"
    )
    contexts = [
        "پاکستان کا دارالحکومت اسلام آباد ہے۔ لاہور شہر ہے۔",
        " ".join(["islamabad is the capital of pakistan ."] * 12),  # longer than one window
    ]
    answers = reader.read(["پاکستان کا دارالحکومت کیا ہے؟", "what is the capital?"], contexts)
    assert len(answers) == 2
    for ans, context in zip(answers, contexts, strict=True):
        assert ans.text and ans.start >= 0
        assert context[ans.start : ans.start + len(ans.text)] == ans.text
    assert reader.id == f"hf-{tiny_qa_model.name}"


def test_transformers_reader_can_abstain(tiny_qa_model: Path) -> None:
    reader = TransformersReader(tiny_qa_model, null_threshold=float("-inf"), device="cpu")
    (ans,) = reader.read(["what is the capital?"], ["islamabad is the capital ."])
    assert ans.text == "" and ans.start == -1


def test_transformers_reader_on_uqa_fixture_end_to_end(tiny_qa_model: Path, bench: Path) -> None:
    items = load_uqa(bench / "uqa_squad2_ur_dev")
    reader = make_reader(str(tiny_qa_model))
    answers = reader.read([it.question for it in items], [it.context for it in items])
    records = [
        score_prediction(it.qid, it.context, [it.answer] if it.answerable else [], a)
        for it, a in zip(items, answers, strict=True)
    ]
    report = summarise_reader(records, reader.id)
    assert report["summary"]["total"] == len(items)
    assert 0 <= report["summary"]["f1"] <= 100
    assert report["published"] == PUBLISHED_UQA


def test_missing_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="no such folder"):
        make_reader(str(tmp_path / "nope"))


def test_missing_transformers_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # makes `import transformers` fail
    with pytest.raises(ModelUnavailableError, match=r"rahnuma\[transformers\]"):
        TransformersReader(tmp_path)


def test_oracle_reader_scores_perfectly(bench: Path) -> None:
    items = load_uqa(bench / "uqa_squad2_ur_dev")
    reader = OracleReader((it.question, it.context, it.answer, it.answer_start) for it in items)
    answers = reader.read([it.question for it in items], [it.context for it in items])
    records = [
        score_prediction(it.qid, it.context, [it.answer] if it.answerable else [], a)
        for it, a in zip(items, answers, strict=True)
    ]
    summary = summarise_reader(records, reader.id)["summary"]
    assert summary["exact"] == 100.0 and summary["f1"] == 100.0
    assert summary["HasAns_total"] == 2 and summary["NoAns_total"] == 1
    assert summary["answer_sentence_hit"] == 100.0


def test_first_sentence_reader() -> None:
    (ans,) = FirstSentenceReader().read(["q"], ["پہلا جملہ۔ دوسرا جملہ۔"])
    assert ans.text == "پہلا جملہ۔" and ans.start == 0
    (empty,) = FirstSentenceReader().read(["q"], [""])
    assert empty.text == "" and empty.start == -1


def test_score_prediction_record_shape() -> None:
    from eval.reader import ReaderAnswer

    rec = score_prediction("q1", "لاہور پنجاب میں ہے۔", ["پنجاب"], ReaderAnswer("پنجاب میں", 6, 1.5))
    assert rec["em"] == 0.0 and rec["f1"] == pytest.approx(2 / 3) and rec["sentence_hit"] == 1.0
    assert rec["id"] == "q1" and rec["golds"] == ["پنجاب"]
