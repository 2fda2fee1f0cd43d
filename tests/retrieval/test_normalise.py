from retrieval.normalise import arabic_script_ratio, clean_display, normalise


def test_arabic_letter_forms_become_urdu() -> None:
    assert normalise("شناختي كارڈ") == "شناختی کارڈ"
    assert normalise("ى") == "ی"
    assert normalise("مدرسه") == "مدرسہ"


def test_diacritics_tatweel_and_invisible_marks_removed() -> None:
    assert normalise("پاکِستان") == "پاکستان"
    assert normalise("پاکـــستان") == "پاکستان"
    assert normalise("پاک\u200cستان\u200f") == "پاکستان"
    assert normalise("\u202bشناختی\u202c") == "شناختی"


def test_digits_become_ascii() -> None:
    assert normalise("۱۲۳۴") == "1234"
    assert normalise("٤٥٦") == "456"


def test_latin_lowercased_and_spaces_folded() -> None:
    assert normalise("  CNIC   Renewal\n") == "cnic renewal"


def test_display_clean_keeps_letters() -> None:
    assert clean_display("شناختي\u200b  کارڈ") == "شناختي کارڈ"


def test_script_ratio() -> None:
    assert arabic_script_ratio("abc") == 0.0
    assert arabic_script_ratio("پاسپورٹ") == 1.0
    assert arabic_script_ratio("123") == 0.0
