"""Loaders for files an evaluator brings (Belebele, custom JSONL / SQuAD) and the citizen dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import DatasetError
from eval.datasets.belebele import load_belebele
from eval.datasets.citizen import DEFAULT_PATH, load_citizen
from eval.datasets.custom import CustomItem, load_custom


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------ belebele


def test_belebele_fixture_fields(fixtures: Path) -> None:
    items = load_belebele(fixtures / "belebele_urd_Arab.jsonl")
    assert len(items) == 3
    first = items[0]
    assert first.item_id == "https://en.wikibooks.org/wiki/Lahore#1"
    assert first.correct == 2 and first.answer == "پنجاب"  # "2" as a string, as in the release
    assert items[2].correct == 1  # an integer is accepted too
    assert first.dialect == "urd_Arab" and first.ds == "2023-05-03" and first.question_number == 1
    assert len(load_belebele(fixtures / "belebele_urd_Arab.jsonl", limit=1)) == 1


def test_belebele_folder_picks_dialect_file(fixtures: Path, tmp_path: Path) -> None:
    (tmp_path / "urd_Latn.jsonl").write_text(
        (fixtures / "belebele_urd_Arab.jsonl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert len(load_belebele(tmp_path, dialect="urd_Latn")) == 3
    with pytest.raises(DatasetError, match="no urd_Arab.jsonl"):
        load_belebele(tmp_path, dialect="urd_Arab")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"correct_answer_num": "5"}, r":2: field 'correct_answer_num' must be in 1..4"),
        ({"correct_answer_num": "two"}, r":2: field 'correct_answer_num' must be an integer"),
        ({"mc_answer3": None}, r":2: field 'mc_answer3' is missing"),
        ({"question": "  "}, r":2: field 'question' must be a non-empty string"),
    ],
)
def test_belebele_errors_name_file_line_field(
    fixtures: Path, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    rows = [
        json.loads(line) for line in (fixtures / "belebele_urd_Arab.jsonl").read_text("utf-8").splitlines()
    ]
    rows[1].update(change)
    path = _jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DatasetError, match=f"bad.jsonl{message}"):
        load_belebele(path)


def test_belebele_invalid_json_line(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text('{"link": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"b\.jsonl:1: field 'flores_passage' is missing"):
        load_belebele(path)
    path.write_text("\n{not json\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"b\.jsonl:2: invalid JSON"):
        load_belebele(path)


# -------------------------------------------------------------------------------------- custom


def test_custom_jsonl_fixture(fixtures: Path) -> None:
    items = load_custom(fixtures / "custom.jsonl")
    assert [it.id for it in items] == ["c1", "c2", "c3", "c4"]
    assert items[0].answers == ("750 روپے",) and items[0].relevant_ids == ("nadra-cnic-new",)
    assert items[1].answers is None  # not labelled
    assert items[2].answers == ()  # labelled: no answer
    assert items[3].context and items[3].lang == "ur"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "x", "question": "q", "answer": ["a"]}, r":2: field 'answer' is not in the schema"),
        ({"id": "x"}, r":2: field 'question' is required"),
        ({"id": "", "question": "q"}, r":2: field 'id' is required"),
        ({"id": "x", "question": "q", "answers": "a"}, r":2: field 'answers' must be a list of strings"),
        (
            {"id": "x", "question": "q", "relevant_ids": [1]},
            r":2: field 'relevant_ids' must be a list of strings",
        ),
        ({"id": "x", "question": "q", "context": 5}, r":2: field 'context' must be a string"),
        ({"id": "x", "question": "q", "meta": []}, r":2: field 'meta' must be a JSON object"),
        ({"id": "ok", "question": "q"}, r":2: field 'id' 'ok' repeats the id on line 1"),
        (["not", "an", "object"], r":2: expected a JSON object"),
    ],
)
def test_custom_jsonl_errors(tmp_path: Path, row: object, message: str) -> None:
    path = _jsonl(tmp_path / "mine.jsonl", [{"id": "ok", "question": "q"}, row])
    with pytest.raises(DatasetError, match=f"mine.jsonl{message}"):
        load_custom(path)


def test_custom_squad_json(fixtures: Path) -> None:
    items = load_custom(fixtures / "squad.json")
    assert items[0] == CustomItem(
        id="s1",
        question="دارالحکومت کیا ہے؟",
        context="پاکستان کا دارالحکومت اسلام آباد ہے۔ کراچی سب سے بڑا شہر ہے۔",
        answers=("اسلام آباد",),
    )
    assert items[1].answers == ()  # is_impossible


def test_custom_squad_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "a"}]}]}]}), "utf-8")
    with pytest.raises(DatasetError, match=r"s\.json:data\[0\]\.paragraphs\[0\]\.qas\[0\]: field 'question'"):
        load_custom(path)
    path.write_text(
        json.dumps(
            {
                "data": [
                    {"paragraphs": [{"context": "c", "qas": [{"id": "a", "question": "q", "answers": []}]}]}
                ]
            }
        ),
        "utf-8",
    )
    with pytest.raises(DatasetError, match="is_impossible is not true"):
        load_custom(path)
    path.write_text("{}", "utf-8")
    with pytest.raises(DatasetError, match="field 'data'"):
        load_custom(path)
    path.write_text("{\n  bad", "utf-8")
    with pytest.raises(DatasetError, match=r"s\.json:2: invalid JSON"):
        load_custom(path)


def test_custom_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="unknown format '.csv'"):
        load_custom(tmp_path / "x.csv")
    with pytest.raises(DatasetError, match="file not found"):
        load_custom(tmp_path / "x.jsonl")


# ------------------------------------------------------------------------------------- citizen


def test_citizen_dev_set_splits() -> None:
    every = load_citizen()
    test = load_citizen(split="test")
    tune = load_citizen(split="tune")
    assert len(every) == len(test) + len(tune) and test and tune
    assert {it.split for it in test} == {"test"}
    assert len({it.id for it in every}) == len(every)


def test_roman_check_set_names_corpus_services_and_sections() -> None:
    """eval/data/citizen_roman_check.jsonl: answerable Roman-Urdu questions labelled with a service
    of the corpus and a section its document has."""
    root = DEFAULT_PATH.parents[2] / "corpora" / "services"
    items = load_citizen(DEFAULT_PATH.with_name("citizen_roman_check.jsonl"), "validation")
    assert len(items) == 244 and {it.lang for it in items} == {"ur-Latn"}
    for it in items:
        assert not it.must_not_answer and it.expected_section
        doc = (root / f"{it.expected_services[0]}.en.md").read_text(encoding="utf-8")
        assert f"\n## {it.expected_section}\n" in doc, it.id


def test_citizen_item_properties() -> None:
    items = {it.id: it for it in load_citizen(DEFAULT_PATH)}
    first = items["q0001"]
    assert first.department == "nadra" and not first.must_not_answer
    refused = next(it for it in items.values() if it.expected_handoff)
    assert refused.must_not_answer and refused.department == "(none)"


def test_citizen_rejects_bad_split_argument() -> None:
    with pytest.raises(DatasetError, match="split 'dev' unknown"):
        load_citizen(split="dev")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"split": "train"}, r":1: field 'split' must be one of"),
        ({"expected_handoff": "bored"}, r":1: field 'expected_handoff' must be null or one of"),
        ({"expected_services": "nadra-cnic-new"}, r":1: field 'expected_services' must be a list"),
        ({"expected_services": []}, r":1: field 'expected_services' is empty"),
        ({"expected_section": 3}, r":1: field 'expected_section' must be a string or null"),
    ],
)
def test_citizen_validation(tmp_path: Path, change: dict[str, object], message: str) -> None:
    row = {
        "id": "q1",
        "text": "cnic",
        "lang": "en",
        "split": "test",
        "expected_services": ["nadra-cnic-new"],
        "expected_section": None,
        "expected_handoff": None,
    }
    row.update(change)
    path = _jsonl(tmp_path / "c.jsonl", [row])
    with pytest.raises(DatasetError, match=f"c.jsonl{message}"):
        load_citizen(path)


def test_citizen_missing_field(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "c.jsonl", [{"id": "q1", "text": "x"}])
    with pytest.raises(DatasetError, match=r"c\.jsonl:1: field 'lang' is missing"):
        load_citizen(path)
