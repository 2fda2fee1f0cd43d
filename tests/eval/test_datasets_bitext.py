"""Loaders for Tatoeba, FLORES/SIB-200, NTREX and Dakshina: fixtures, error cases, a few real rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import DatasetError
from eval.datasets import TextPair, sha256_files
from eval.datasets.dakshina import lexicon_map, load_dakshina_lexicon, load_dakshina_sentences
from eval.datasets.flores import load_flores
from eval.datasets.ntrex import load_ntrex_documents, load_ntrex_segments
from eval.datasets.tatoeba import load_tatoeba, tatoeba_files


def test_tatoeba_pairs_line_aligned(bench: Path) -> None:
    pairs = load_tatoeba(bench / "tatoeba_urd_eng")
    assert len(pairs) == 3
    assert pairs[1] == TextPair("1", "ابھی بھی دیر نہیں ہوئی۔", "It is never too late.", "")
    assert len(load_tatoeba(bench / "tatoeba_urd_eng", limit=2)) == 2


def test_tatoeba_mismatched_files_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "tatoeba.urd-eng.urd").write_text("ایک\nدو\n", encoding="utf-8")
    (tmp_path / "tatoeba.urd-eng.eng").write_text("one\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"tatoeba\.urd-eng\.urd: 2 lines"):
        load_tatoeba(tmp_path)


def test_missing_folder_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="RAHNUMA_BENCHMARKS"):
        load_tatoeba(tmp_path / "nope")


def test_flores_joins_on_index_id_across_splits(bench: Path) -> None:
    pairs = load_flores(bench / "sib200_flores_urd_eng")
    assert [p.pair_id for p in pairs] == ["10", "11", "20", "30"]
    by_id = {p.pair_id: p for p in pairs}
    # the English train file lists 11 before 10: the join must not go by line number
    assert by_id["10"].target == "Speed matters in the race."
    assert by_id["11"].group == "train/travel"
    assert by_id["30"].group == "test/geography"
    assert [p.pair_id for p in load_flores(bench / "sib200_flores_urd_eng", splits=["dev"])] == ["20"]


def test_flores_rejects_unknown_split_and_missing_partner(bench: Path, tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="devtest"):
        load_flores(bench / "sib200_flores_urd_eng", splits=["devtest"])
    for lang, text in (
        ("urd_Arab", "index_id\tcategory\ttext\n1\tx\tا\n"),
        ("eng_Latn", "index_id\tcategory\ttext\n"),
    ):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "dev.tsv").write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=r"eng_Latn/dev\.tsv: index_id \['1'\]"):
        load_flores(tmp_path, splits=["dev"])


def test_flores_bad_header(tmp_path: Path) -> None:
    for lang in ("urd_Arab", "eng_Latn"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "dev.tsv").write_text("id\ttext\n1\tx\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=":1: header lacks"):
        load_flores(tmp_path, splits=["dev"])


def test_ntrex_documents_concatenate_lines_by_document_id(bench: Path) -> None:
    docs = load_ntrex_documents(bench / "ntrex128_eng_urd")
    assert [d.pair_id for d in docs] == ["bbc.1", "news.2"]
    assert docs[0].source == "Welsh AMs worried.\nThey met today."
    assert docs[1].target.split("\n") == ["بارش متوقع ہے۔", "سڑکیں گیلی ہیں۔", "آہستہ چلائیں۔"]
    assert len(load_ntrex_documents(bench / "ntrex128_eng_urd", limit=1)) == 1
    segs = load_ntrex_segments(bench / "ntrex128_eng_urd")
    assert len(segs) == 5 and segs[2].group == "news.2" and segs[2].source == "Rain is expected."


def test_ntrex_unequal_files(tmp_path: Path) -> None:
    (tmp_path / "newstest2019-src.eng.txt").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "newstest2019-ref.urd.txt").write_text("ا\n", encoding="utf-8")
    (tmp_path / "DOCUMENT_IDS.tsv").write_text("d\nd\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="line counts differ"):
        load_ntrex_segments(tmp_path)


def test_dakshina_sentences_and_lexicon(bench: Path) -> None:
    pairs = load_dakshina_sentences("dev", bench / "dakshina_ur_romanized")
    assert pairs[0] == TextPair("0", "fehrist menisota ke darya", "فہرست مینیسوٹا کے دریا", "dev")
    lex = load_dakshina_lexicon("dev", bench / "dakshina_ur_romanized")
    assert len(lex) == 4 and lex[1].count == 3
    assert lexicon_map(lex) == {"آؤں": ["aaoon", "aao"], "کتاب": ["kitab", "kitaab"]}  # ties keep file order
    with pytest.raises(DatasetError, match="split 'train'"):
        load_dakshina_sentences("train", bench / "dakshina_ur_romanized")


def test_dakshina_lexicon_bad_count(tmp_path: Path) -> None:
    (tmp_path / "ur.translit.sampled.dev.tsv").write_text("کتاب\tkitab\tmany\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"\.tsv:1: field count 'many'"):
        load_dakshina_lexicon("dev", tmp_path)


def test_sha256_files_is_order_sensitive(bench: Path) -> None:
    a, b = tatoeba_files(bench / "tatoeba_urd_eng")
    assert sha256_files([a, b]) != sha256_files([b, a])


# ------------------------------------------------------------------------ real data, a few rows


def test_real_tatoeba_first_rows_and_checksum(real_bench: Path) -> None:
    root = real_bench
    pairs = load_tatoeba(root / "tatoeba_urd_eng", limit=3)
    assert pairs[0].target == "Happy birthday, Muiriel!"
    urd, _ = tatoeba_files(root / "tatoeba_urd_eng")
    # sha256 stated in SOURCE.md (a 60 KB file)
    assert sha256_files([urd]) == "2efc22dc61885a9454aeeee68c8b841c7f9138d53ba644a82308bd210140450b"


def test_real_flores_dev_aligned(real_bench: Path) -> None:
    root = real_bench
    pairs = load_flores(root / "sib200_flores_urd_eng", splits=["dev"], limit=3)
    assert pairs[0].pair_id == "548" and pairs[0].group == "dev/sports"
    assert pairs[0].target.startswith("With the change from the quarter")


def test_real_ntrex_and_dakshina_first_rows(real_bench: Path) -> None:
    root = real_bench
    segs = load_ntrex_segments(root / "ntrex128_eng_urd", limit=3)
    assert len(segs) == 3 and segs[0].group == "bbc.381790"
    pairs = load_dakshina_sentences("dev", root / "dakshina_ur_romanized", limit=2)
    assert pairs[1].source == "fehrist menisota ke darya"
    assert load_dakshina_lexicon("dev", root / "dakshina_ur_romanized", limit=1)[0].native == "آؤں"
