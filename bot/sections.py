"""Section keys: their display names per language, and which section a question asks about.

Intent cues are word stems in Urdu script, English and Roman Urdu; matching is on normalised text.
"""

from __future__ import annotations

import re

from retrieval.normalise import normalise

DISPLAY: dict[str, dict[str, str]] = {
    "overview": {"en": "About", "ur": "تعارف", "ur-Latn": "Taaruf"},
    "eligibility": {"en": "Who can apply", "ur": "اہلیت", "ur-Latn": "Ahliyat"},
    "documents": {"en": "Documents needed", "ur": "ضروری دستاویزات", "ur-Latn": "Zaroori kaghzat"},
    "procedure": {"en": "Steps", "ur": "طریقہ کار", "ur-Latn": "Tareeqa"},
    "fees": {"en": "Fees", "ur": "فیس", "ur-Latn": "Fees"},
    "processing_time": {"en": "How long it takes", "ur": "درکار وقت", "ur-Latn": "Kitna waqt lagta hai"},
    "where_to_apply": {"en": "Where to apply", "ur": "کہاں درخواست دیں", "ur-Latn": "Kahan apply karein"},
    "contact": {"en": "Contact", "ur": "رابطہ", "ur-Latn": "Rabta"},
    "faq": {"en": "Common questions", "ur": "عام سوالات", "ur-Latn": "Aam sawalat"},
    "notes": {"en": "Notes", "ur": "نوٹ", "ur-Latn": "Note"},
}

# Cue patterns per section, checked in this order (the first match wins where several do, so the
# specific ones come first: "how long" is processing_time, not procedure; "how do I apply online" is
# procedure, not where_to_apply). Bare "number" is no contact cue: "NTN number", "consumer number".
_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # what follows if something is not done ("register na karwaya to kya hoga"): the documents answer
    # these in their FAQ ("What happens if I do not register my tenant?"), never in the steps. Only
    # after "to" / "phir" ("then"): "fee kya hogi" asks what the fee will be
    ("faq", (
        r"\bwhat happens\b", r"\bwhat will happen\b", r"\bwhat if\b", r"\b(?:to|tou|phir|fir) k(?:y|i)a ho(?:ga|gi)\b",
        r"\bto koi (?:masl[ae]|masala|problem)\b",
        "تو کیا ہو ?گا", "تو کیا ہو ?گی", "پھر کیا ہو ?گا", "تو کوئی مسئلہ",
    )),
    ("fees", (
        r"\bfees?\b", r"\bcost", r"\bcharges?\b", r"\bprice", r"\bhow much\b", r"\bpaid\b", r"\bpay\b",
        r"\bpaise?\b", r"\bpais[ae]y?\b", r"\bpes[ae]y?\b", r"\bkharch", r"\brupe", r"\brs\b", r"\braqam\b",
        r"\bfee[sz]?\b", r"\bkitn[eiy] (?:ka|ki|ke)\b", r"\bjurmana\b", r"\bpenalty\b", r"\bfine\b",
        "فیس", "قیمت", "خرچ", "پیسے", "چارج", "رقم", "روپے", "کتنے کا", "کتنے کی", "جرمانہ",
    )),
    ("processing_time", (
        r"\bhow long\b", r"\bhow many days\b", r"\bdays?\b", r"\bweeks?\b", r"\bprocessing time\b",
        r"\bkitn[eiy] din\b", r"\bkitna (?:time|waqt)\b", r"\bkab tak\b", r"\bwaqt\b", r"\bdin lag",
        r"\bkab mil", r"\bwhen will i get\b", r"\bdeliver", r"\bkitni (?:der|dair)\b", r"\bkitn[ae] (?:arsa|arse)\b",
        "کتنے دن", "کتنا وقت", "کب تک", "دن لگ", "کب ملے", "وقت لگ", "کتنی دیر", "کتنا عرصہ", "کتنے عرصے",
    )),
    ("documents", (
        r"\bdocuments?\b", r"\bdocs\b", r"\bpapers? (?:required|needed|chahi)", r"\bwhat do i need\b",
        r"\bka[gh]+[a]?zat\b", r"\bkaghaz", r"\bdasta?wez", r"\bkya (?:kya )?chahi", r"\bkia chahi",
        r"\bkya lana\b", r"\bsath le", r"\brequirements?\b",
        "کاغذات", "دستاویز", "کیا چاہیے", "کیا کیا چاہیے", "کیا لانا", "ساتھ لے", "کاغذونه", "ڪاغذ",
    )),
    ("eligibility", (
        r"\beligib", r"\bwho can\b", r"\bqualif", r"\bcriteria\b", r"\bahl\b", r"\bahliyat\b", r"\bmustahiq\b",
        r"\b(?:kaun|kon|kin)\b.*\b(?:apply|bana?wa? sakt|le sakt|milt[ai]|mil sakt)", r"\bshart",
        r"\bage limit\b", r"\bumar ki had", r"\bkitni umar\b", r"\bzaroori\b", r"\bzaruri\b",
        r"\bdo i (?:need|have) to\b", r"\bis it (?:necessary|required|mandatory)\b",
        "اہل", "اہلیت", "مستحق", "شرائط", "کون درخواست", "کن بچوں", "کس کو ملتا", "عمر کی حد", "ضروری ہے",
    )),
    # the place asked for outranks the verb: "درخواست کہاں جمع کروائیں" asks where, not how
    ("where_to_apply", (
        r"\bwhere\b", r"\bkahan\b", r"\bkahaan\b", r"\bkaha\b(?= se| par| pe| jaun| jayen| jana)", r"\bkidhar\b",
        r"\bwhich (?:office|hospital|bank|branch|cent(?:er|re))", r"\b(?:kis|kon|kaun)(?: se| si| sa)? (?:hospital|daftar|bank)",
        "کہاں", "کتھوں", "کتھے", "ڪٿي", "چېرته", "کوم ځای", "کوم روغتون", "کس ہسپتال", "کون سے ہسپتال", "کس دفتر",
    )),
    # a way to reach someone: before the verbs, as "phone pe kaise rabta ho" asks for the number, not
    # the steps, and before "office", as "camp office phone number" asks for the phone
    ("contact", (
        r"\bhelpline\b", r"\bcontact\b", r"\bphone number\b", r"\bcall\b", r"\bemail\b", r"\brabta\b",
        r"\bhelp ?line number\b", r"\bnumb[ae]r\s*(?:kya|kia|batao|btao|bata|do|dein|please|hai\s*\??)?\s*\??$",
        r"\bnumb[ae]r (?:kya|kia|kiya)\b", r"\bwhat is the\b.*\bnumber\b",
        "ہیلپ لائن", "رابطہ", "فون نمبر", "کا نمبر$", "کا نمبر کیا", "نمبر بتائیں", "نمبر کیا ہے", "ای میل",
    )),
    # a deadline: every document gives it in its FAQ ("What is the last date for filing?")
    ("faq", (
        r"\blast date\b", r"\bdue date\b", r"\bdeadline\b", r"\bakhri tar[ei]+kh\b", "آخری تاریخ",
    )),
    ("procedure", (
        r"\bhow\b", r"\bprocess\b", r"\bprocedure\b", r"\bmethod\b", r"\bsteps?\b", r"\bkaise\b", r"\bkese\b",
        r"\bkais[ae]y\b", r"\bkes[ae]y\b", r"\btar[ie]+q[ae]\b", r"\btareeqa\b", r"\bbanwa", r"\bbnwa", r"\bkarwa",
        r"\bkrwa", r"\blagwa", r"\bkarvaun\b", r"\bkya kar[uo]o?n\b", r"\bwhat (?:can|should) i do\b",
        "کیسے", "طریقہ", "بنوا", "کروا", "کیا کروں", "کیویں", "ڪيئن", "څنګه",
    )),
    ("where_to_apply", (
        r"\boffice\b", r"\bcent(?:er|re)\b", r"\bmarkaz\b", r"\bbranch\b", r"\bportal\b", r"\bwebsite\b",
        r"\bonline\b", r"\bapp\b",
        "دفتر", "مرکز", "آفس", "سینٹر", "ویب سائٹ", "آن لائن",
    )),
    # what the service is, when nothing more specific is asked ("nashonuma program kya hai", "what is
    # NSER", "فیملی رجسٹریشن سرٹیفکیٹ کیا ہوتا ہے")
    ("overview", (
        r"^(?:what is|what are|what's)\b", r"\btell me about\b", r"\bk[ae] ba?a?re? m[ae]i?n\b",
        r"\b(?:kya|kia) (?:hai|h|he|hy|hota hai|hoti hai|hote hain)\s*\??$", r"\b(?:kya|kia) hot[aie]\b",
        "کیا ہے ?؟?$", "کیا ہوتا ہے", "کیا ہوتی ہے", "کے بارے میں",
    )),
)
# Cues are folded like the text they are matched against (Sindhi and Pashto cues are typed with the
# Arabic yeh that normalise() turns into the Urdu one).
_COMPILED = tuple((key, tuple(re.compile(normalise(p)) for p in pats)) for key, pats in _CUES)


def detect_section(text: str) -> str | None:
    """The section a question asks about, or None for a general question.

    >>> detect_section("urgent passport ki fee kitni hai")
    'fees'
    >>> detect_section("شناختی کارڈ بنوانے میں کتنے دن لگتے ہیں؟")
    'processing_time'
    """
    norm = normalise(text)
    for key, patterns in _COMPILED:
        if any(p.search(norm) for p in patterns):
            return key
    if _HOW_MUCH.search(norm):  # "token kitna hai", "کتنا ٹیکس": an amount, once time and age are ruled out
        return "fees"
    return None


def asks_for_section(word: str) -> bool:
    """Is this one word a section cue ("fees", "kaise", "دستاویزات", "بنوانا")? An Urdu-script cue is a
    stem, so it must begin the word: "مجرمانہ" (criminal) holds "جرمانہ" (fine) but asks for none.

    >>> asks_for_section("fees"), asks_for_section("بنوانا"), asks_for_section("مجرمانہ")
    (True, True, False)
    """
    norm = normalise(word)
    return any(norm.isascii() or m.start() == 0 for _, patterns in _COMPILED for p in patterns if (m := p.search(norm)))


_HOW_MUCH = re.compile(r"\bkitn[aei]\b|کتنا|کتنی|کتنے")


def display_name(section: str, lang: str) -> str:
    names = DISPLAY.get(section, {})
    return names.get(lang) or names.get("en") or section
