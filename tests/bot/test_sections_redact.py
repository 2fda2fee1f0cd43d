import pytest

from bot.redact import redact, redact_data
from bot.sections import asks_for_section, detect_section, display_name


@pytest.mark.parametrize(("text", "section"), [
    ("urgent passport ki fee kitni hai", "fees"),
    ("پاسپورٹ کی فیس کتنی ہے؟", "fees"),
    ("how much does a cnic cost", "fees"),
    ("شناختی کارڈ بنوانے میں کتنے دن لگتے ہیں؟", "processing_time"),
    ("how long does it take", "processing_time"),
    ("b form ke liye kya chahiye", "documents"),
    ("what documents are required", "documents"),
    ("where do i apply for nicop", "where_to_apply"),
    ("نادرا کا ہیلپ لائن نمبر", "contact"),
    ("kirayedar register na karwaya to kya hoga", "faq"),  # a consequence, not the steps
    ("اگر نکاح رجسٹر نہ کروایا تو کیا ہوگا", "faq"),
    ("what happens if i drive with an expired licence", "faq"),
    ("card kab tak ready hoga", "processing_time"),
    ("passport ki fee kya hogi", "fees"),  # what the fee will be, not what follows
    ("فیس کیا ہوگی", "fees"),
    ("who is eligible for kafaalat", "eligibility"),
    ("bijli ka naya meter kaise lagwaein", "procedure"),
    ("passport renewal", None),
    # a way to reach someone outranks the verb and the office
    ("bijli ki complaint ka number kya hai agar light na aaye", "contact"),
    ("foreign office se phone pe kaise rabta ho", "contact"),
    ("mofa camp office phone number", "contact"),
    ("gas ka duplicate bill nikalne ke liye kya number chahiye", None),  # which number to bring
    # a deadline is an FAQ in every document
    ("return ki last date kya hai is saal", "faq"),
    ("ب فارم بنوانے کی کوئی آخری تاریخ ہے؟", "faq"),
    # what the service is, when nothing more specific is asked
    ("nashonuma program kya hai", "overview"),
    ("فیملی رجسٹریشن سرٹیفکیٹ کیا ہوتا ہے", "overview"),
    ("what is nser and why does bisp need it", "overview"),
    ("what is the fee for a passport", "fees"),
    ("KP me domicile apply karne ka method kya hai", "procedure"),
    # the place asked for outranks the verb ("جمع کروائیں" alone would be procedure)
    ("پنشن کی درخواست کہاں جمع کروائیں", "where_to_apply"),
    ("ye form kahan se banwaun", "where_to_apply"),
    ("which hospital accepts the sehat card", "where_to_apply"),
    ("kis hospital me ilaj hoga", "where_to_apply"),
    ("usne kaha tha fee di hai", "fees"),  # "kaha" = said, not "where"
    ("فرد کتنی دیر میں ملتی ہے", "processing_time"),
    ("nicop kitni der me banta hai", "processing_time"),
    ("bijli ka naya meter lagwana hai", "procedure"),
])
def test_detect_section(text: str, section: str | None) -> None:
    assert detect_section(text) == section


@pytest.mark.parametrize(("word", "asks"), [
    ("fees", True), ("kaise", True), ("documents", True), ("passport", False), ("tajdeed", False),
    ("دستاویزات", True), ("بنوانا", True), ("مجرمانہ", False), ("نااہل", False), ("پاسپورٹ", False),
])
def test_asks_for_section_takes_urdu_cues_as_word_beginnings(word: str, asks: bool) -> None:
    assert asks_for_section(word) is asks


def test_display_names_per_language() -> None:
    assert display_name("fees", "ur") == "فیس"
    assert display_name("documents", "en") == "Documents needed"
    assert display_name("unknown", "ur") == "unknown"


def test_redaction() -> None:
    assert redact("cnic 35202-1234567-1 phone 0300-1234567 mail a.b@x.pk") == "cnic [CNIC] phone [PHONE] mail [EMAIL]"
    assert redact("+92 300 1234567") == "[PHONE]"
    assert redact("۳۵۲۰۲-۱۲۳۴۵۶۷-۱") == "[CNIC]"
    assert redact("fee Rs 1,500 for 5 years") == "fee Rs 1,500 for 5 years"
    assert redact_data({"a": ["0300-1234567"], "n": 3}) == {"a": ["[PHONE]"], "n": 3}
