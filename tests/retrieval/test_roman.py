from retrieval.roman import UrduRomaniser, char_ngrams, roman_key, roman_keys


def test_spelling_variants_share_a_key() -> None:
    assert roman_key("shanakhti") == roman_key("shanakhtee") == roman_key("shnakhti")
    assert roman_key("karwaon") == roman_key("karvaun")
    assert roman_key("tajdeed") == roman_key("tajdid")


def test_different_words_differ() -> None:
    assert roman_key("passport") != roman_key("bijli")


def test_keys_and_ngrams() -> None:
    assert roman_keys("ID card ki TAJDEED!") == [roman_key(w) for w in ["id", "card", "ki", "tajdeed"]]
    assert char_ngrams(["tjd"]) == ["tjd", "#tj", "tjd", "jd#"]


def test_romaniser_reads_urdu_and_leaves_latin() -> None:
    r = UrduRomaniser()
    assert r.romanise("bijli ka bil") == "bijli ka bil"
    out = r.romanise("بجلی کا بل")
    assert out.isascii() and "bil" in out
