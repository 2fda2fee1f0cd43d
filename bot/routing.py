"""Deterministic routing before retrieval: a person asked for, an emergency, a harmful request, a
personal case, a foreign government's service, off-topic chat, or a greeting.

Rules are plain patterns in Urdu script, English and Roman Urdu, matched on normalised text, so every
decision can be read and audited. Order matters: an emergency beats everything; asking "how do I
complain about a bribe" is a service question, not a harmful one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.types import HandoffReason, Outcome
from retrieval.normalise import normalise


@dataclass(frozen=True, slots=True)
class Route:
    outcome: Outcome | None  # None: go on to retrieval
    reason: HandoffReason | None = None
    rule: str = ""  # which rule fired, for the audit log
    kind: str = ""  # smalltalk: "greeting" | "thanks"; emergency: "self_harm" or ""


CONTINUE = Route(None)


_AR = "\u0600-\u06ff"


def _rx(*patterns: str) -> re.Pattern[str]:
    """One regex from alternatives. Urdu-script alternatives must start a word ("سم", SIM, is not
    the end of "موسم"); a trailing "$" in an alternative means it must also end one."""
    def wrap(p: str) -> str:
        core = p.lstrip("^")
        if not core or not "\u0600" <= core[0] <= "\u06ff":
            return p
        anchor = "^" if p.startswith("^") else f"(?<![{_AR}])"
        return anchor + (core[:-1] + f"(?![{_AR}])" if core.endswith("$") else core)

    return re.compile("|".join(f"(?:{wrap(p)})" for p in patterns))


# Self-harm, said with or without the word: its own route kind, so that the reply leads with the
# mental-health helplines rather than the fire brigade.
SELF_HARM = _rx(
    r"\b(?:suicide|kill myself|end my life|want to die|self.?harm|khudkushi|khud ?kushi|jaan de d|mar jana chahta|mar jana chahti)\b",
    r"\b(?:don'?t|do not) want to live\b", r"\bno reason to (?:live|go on)\b", r"\bend it all\b",
    r"\btake my (?:own )?life\b", r"\b(?:hurt|harm) myself\b", r"\bbetter off dead\b",
    r"\b(?:khud|apne ?aap) ko (?:khatam|khtm|maar|mar|nuqsan)\b", r"\bapni jaan (?:le|de|lena|dena)\b",
    r"\b(?:jeene|jine|jeenay|zinda rehne) (?:ka|ki) (?:koi )?(?:dil|man|mann|wajah|wja|maqsad|faida)\b",
    r"\bmarna chaht[aie]\b", r"\b(?:jeena|jina) (?:nahi|nahin|nhi) chaht[aie]\b",
    "خودکشی", "جان دے د", "مرنا چاہت", "خود کو ختم کر", "اپنے آپ کو ختم کر", "اپنی جان لے", "خود کو مار",
    "خود کو نقصان", "جینے کی کوئی وجہ", "جینے کا کوئی فائدہ", "جینے کا دل نہیں", "زندہ نہیں رہنا", "جینا نہیں چاہت",
)
EMERGENCY = _rx(
    r"\baag\b.*\blag\b", r"\bfire\b.*\b(?:house|home|building|shop|ghar|lagi|lag)\b", r"\bon fire\b",
    r"\b(?:is|are|has been|had an?|hua|ho gaya|ho gya|hogaya)\s+(?:an? )?accident", r"\baccident\b.*\b(?:ho|hua|hogaya|gaya|gya)\b",
    r"\b(?:bleeding|unconscious|not breathing|heart attack|dying|drowning|overdose)\b",
    r"\b(?:behosh|dil ka daura|saans nahi|khoon beh|doob raha|doob rahi|mar raha|mar rahi)\b",
    r"\b(?:beating me|hitting me|attacking|attacked|kidnap|abduct|rape|maar raha|maar rahi|maar rahe|mar rahe|mar peet|maar peet|tashaddud|agwa)\b",
    r"\b(?:gas leak|gas ki bu|gas ki boo|gas smell|smell of gas|short circuit se aag|current lag gaya|bijli ka jhatka)\b",
    r"\b(?:trapped|phans[ae] hue|phans gaye|phans gae|pani ghar mein|pani ghar me)\b",
    r"\b(?:ambulance (?:chahiye|bhejo|bhejen|send)|send (?:an )?ambulance|need (?:an )?ambulance|call (?:the )?police now)\b",
    r"\b(?:robbery|being robbed|daketi|dakaiti|chor ghar|thief in|gun ?point|fire(?:d)? at|goli (?:chal|lag|maar))\b",
    r"\b(?:dakait|dakoo|daku|chor|robbers?|burglars?|intruders?|thieves)\b.*\b(?:ghus|ghuse|broke in|breaking in|break in|entered)",
    r"\b(?:injured|zakhmi|unconscious|seizure|daura par|poison|zeher kha|zehar kha|snake bite|saanp ne)\b",
    r"\b(?:emergency|urgent help|help me please|jaldi madad|foran madad)\b(?!.*\b(?:number|helpline|list)\b)",
    r"\b(?:flood|selab|sailaab|earthquake|zalzala|building (?:collapsed|gir))\b.*\b(?:phans|trapped|help|madad|gir)\b",
    r"\b(?:help+|bachao|madad karo)\s*!+",
    # a missing person, not a missing document: the person word right before "not found" / "missing"
    r"\b(?:beti|beta|bacha|bachi|bachcha|bachchi|child|son|daughter|kid|bhai|behen|walid|walida|ammi|abbu)\s+(?:\w+\s+){0,1}(?:nahi|nahin|nai|nhi) mil (?:rah|rahi|raha|rahe)",
    r"\b(?:beti|beta|bacha|bachi|bachcha|bachchi|child|son|daughter|kid)\s+(?:is\s+|has been\s+|hai\s+|abhi\s+)?(?:lapata|missing|kho gaya|kho gayi|gum ho gaya|gum ho gayi|ghar nahi aya|ghar nahi ayi)\b",
    r"(?:بیٹی|بیٹا|بچہ|بچی)\s+(?:ابھی\s+)?(?:نہیں مل رہ|لاپتہ|گم ہو گ|کھو گ|گھر نہیں آ)",
    "آگ لگ", "ایکسیڈنٹ ہو", "حادثہ ہو", "بے ہوش", "دل کا دورہ", "سانس نہیں", "خون بہ", "ڈوب رہ", "مر رہ",
    "مار رہا", "مار رہی", "مارپیٹ", "مار پیٹ", "تشدد", "اغوا", "زیادتی",
    "سیلاب میں پھنس", "پھنسے ہوئے", "میں پھنس گئے", "میں پھنس گیا", "میں پھنس گئی", "زلزلہ", "بچاؤ", "فوری مدد", "گیس لیک", "گیس کی بو",
    "کرنٹ لگ", "اگ لگ", "باهه لڳ", "وینه ځي", "ټکر شو", "زخمي", "زخمی", "ایمبولینس بھیج", "ایمبولینس چاہیے",
    "ڈکیتی", "چور گھر", "گولی چل", "گولی لگ", "زہر کھا", "سانپ نے کاٹ", "دورہ پڑ", "جلدی مدد",
)
# "Agent" alone is no request for a person: a BISP payment agent or a travel agent is who people
# complain about. It counts when the message is only that word or asks to talk to one.
HUMAN = _rx(
    r"\b(?:human|real person|a person|representative|customer (?:care|service)|call (?:centre|center))\b",
    r"^\W*(?:agent|operator)\W*(?:please|plz|pls)?\W*$",
    r"\b(?:talk|speak|connect|transfer (?:me|my call|the call|this (?:chat|call)))\b.*\b(?:someone|somebody|person|staff|officer|agent|operator)\b",
    r"\b(?:insaan|insan|banday?|admi|aadmi|namainda|numainda|nu?maind[ae]|agent|operator)\b.*\b(?:baat|bat|rabta|connect|milao|milaen)\b",
    r"\b(?:kisi|kisi se)\b.*\b(?:baat|bat)\b.*\b(?:karn|krn|karw|krw|karao|krao|karni|krni)",
    "نمائندے", "نمائندہ", "انسان سے", "ایجنٹ سے بات", "ایجنٹ سے رابطہ", "کسی افسر", "کسی سے بات", "آپریٹر", "بندے سے بات", "آدمی سے بات",
    "بندے نال گل", "کسے نال گل", "ماڻهوءَ سان ڳالهائ", "ماڻهو سان ڳالهائ", "سړي سره خبرې", "انسان سره خبرې",
)
# "What number do I call if there is an accident?" asks for information (the helplines service
# answers it); an emergency happening now does not wait for a conditional.
_HYPOTHETICAL = _rx(
    r"\b(?:agar|if|in case of|what (?:number|should i call)|which number|kis number|kon ?sa number|konsa number)\b",
    r"\b(?:ho ja[ae]?y?e|hojaye|ho jae)\s+(?:to|tou|toh)\b", r"\bhelp ?line\b",
    # what to tell the operator when calling is a question about the service, not a call for help
    r"\b(?:operator|dispatcher) ko (?:kya|kia)\b", r"\bcall kart[eai] (?:time|waqt)\b",
    r"\bwhat (?:should|do) i (?:tell|say)\b", "آپریٹر کو کیا",
    "اگر", "جائے تو", "جاوے تے", "جاوے تاں", "کون سا نمبر", "کونسا نمبر", "کس نمبر", "ہیلپ لائن",
)
_NOW = _rx(
    r"\b(?:abhi|right now|now|jaldi|please help|help me|bachao|foran)\b", "ابھی", "جلدی", "بچاؤ", "فوری", "مدد کریں",
)
_COMPLAINT = _rx(r"\b(?:complain|complaint|report|shikayat|shikait|ombudsman|mohtasib)", "شکایت", "رپورٹ", "محتسب")
SENSITIVE = _rx(
    r"\b(?:fake|forged?|forgery|counterfeit|jaali|jali|jaaly|nakli|naqli|duplicate banwa\w* bina)\b.*\b(?:card|cnic|degree|passport|document|certificate|domicile|licen[cs]e|stamp|bill|nikah|b.?form|frc|visa|id)\b",
    r"\b(?:card|cnic|degree|passport|document|certificate|domicile|licen[cs]e|stamp|id)\b.*\b(?:fake|forged?|jaali|jali|nakli|naqli)\b",
    r"\b(?:bribe|rishwat|rshwat|under the table|chai pani)\b",
    r"\b(?:extra|zyada|ziada|alag se|oopar se|upar se)\s+(?:paise|paisay|pese|money)\b.*\b(?:jaldi|fast|quick|kaam)\b",
    r"\b(?:someone else'?s|kisi aur ka|kisi ka bhi|dusre ka|doosre ka)\b.*\b(?:data|cnic|card|sim|details|record|number)\b",
    r"\b(?:hack|bypass|without biometric|bina biometric|biometric ke baghair|fraud kar|scam kar)\b",
    r"\b(?:underage|age kam|umar kam|age (?:change|badal)|umar badal)\b.*\b(?:fake|jaali|jhoot|lie)\b",
    r"\b(?:kisi|dusre|doosre|kisi aur)\s+(?:ka|ki|ke)\b.*\b(?:cnic|data|address|pata|details|record|maloomat)\b.*\b(?:nikal|pata kar|maloom|find|check kar)",
    r"\b(?:dusre|doosre|kisi aur|someone else)\s*(?:ke|ki|'s)?\s*(?:naam|name)\s*(?:pe|par|se|on|in)\b",
    r"\b(?:umar|umer|age|date of birth|tareekh e paidaish)\b.*\b(?:kam|ziada|zyada|less|lower)\s*(?:likhwa|karwa|kar|likh|show|write)",
    r"\b(?:edit|alter|forge|fake)\s+(?:my\s+)?(?:bank statement|result card|transcript|marksheet|salary slip)",
    r"\b(?:bina|without|baghair|baghe?r)\s+(?:test|biometric|thumb|angootha|verification|tasdeeq|interview)\b.*\b(?:licen[cs]e|card|sim|passport|degree|certificate|domicile|banwa|ban jaye|mil jaye|chahiye|get|make)",
    r"\b(?:sifarish|safarish|setting|jugaad|under the table|speed money|chai pani|extra paise)\b",
    r"\b(?:chori ka|stolen)\s+(?:mobile|phone|car|gaari|bike)\b.*\b(?:register|registration|pta|approve|naam|transfer)",
    r"\b(?:imei|chassis|engine number|number plate)\b.*\b(?:change|badal|tamper|fake|duplicate bana)",
    r"\b(?:dusre|doosre|kisi aur|someone else|other person)(?:'s|\s+(?:ka|ki|ke))?\s+(?:cnic|card|sim|thumb|angootha|fingerprint|biometric)\b.*\b(?:use|istemal|lagwa|lagana|se)\b",
    # electricity or gas theft, concealing facts on a government form, "something on the side"
    r"\bmeters?\b.*\b(?:slow|rok|ulta|reverse|peeche|peechay)\s+(?:kar|kr|karwa|krwa)\w*", r"\bmeters?\b.*\btamper",
    r"\b(?:slow down|stop|reverse|rewind|bypass)\s+(?:the |my |a )?(?:electric(?:ity)? |gas )?meter\b", r"\bsteal(?:ing)? (?:electricity|gas|power)\b", r"\b(?:bijli|gas) (?:chori|chor)\b", r"\bkunda\b",
    r"\b(?:chupa|chhupa|chupaa)\w*\s+(?:kar|ke|k)\b.*\b(?:likh|form|survey|bata|declare)",
    r"\b(?:kuch|thora|thoda|thore|thode)\s+(?:de dila|le de)\b", r"\bde dila (?:ke|kar|k)\b", r"\bjug(?:aa?d|ar)\b",
    "میٹر سلو", "میٹر روک", "میٹر الٹا", "بجلی چوری", "گیس چوری", "کنڈا", "چھپا کر لکھوا", "چھپا کے لکھوا", "دے دلا کر", "دے دلا کے", "جگاڑ",
    # two identities: a second CNIC, passport or domicile under other details
    r"\b(?:two|2|do|double|dusra|doosra|second)\s+(?:cnics?|nics?|id cards?|shanakhti cards?|passports?|domiciles?)\b.*\b(?:different|alag|dusri|doosri|another|other)\s+(?:dates?|dob|names?|naam|tareekh|age|umar|details|address|pata|father)",
    r"\b(?:ex|sabiqa|padosi|neighbou?r|uske|uski|uska|his|her|their|kisi)\b.*\b(?:address|pata|location|ghar)\b.*\b(?:nikal|nikaal|dhoond|dhund|trace|find)",
    "دو شناختی کارڈ", "دو ڈومیسائل", "کسی اور کا شناختی", "کسی اور کا پتہ", "کسی اور کا فون",
    "جعلی", "نقلی", "رشوت", "کسی اور کا ڈیٹا", "دوسرے کا شناختی", "بائیومیٹرک کے بغیر", "ہیک",
    "کسی اور کے شناختی", "کسی اور کی معلومات", "دوسرے کے نام پر", "کسی اور کے نام پر", "عمر کم لکھو", "عمر کم کرو",
    "سفارش", "بغیر ٹیسٹ", "ٹیسٹ کے بغیر", "چوری کا موبائل", "جعل", "دو نمبر",
)
_HOW = _rx(
    r"\b(?:how (?:do|can|to|should)|kaise|kese|kaisay|kesay|kais[ae]|tareeq|tariq|process|procedure|check karn|check krn|track karn|track krn)\b",
    "کیسے", "طریقہ", "چیک کر",
)
PERSONAL = _rx(
    r"\b(?:my|mera|meri|mere|hamara|hamari|humara|humari)\b.*\b(?:application|card|cnic|passport|pension|claim|case|complaint|payment|paisa|paise|paisay|qist|refund|file|request|form|licen[cs]e|bill|connection|meter)\b.*\b(?:status|kya bana|kia bana|kab aa|kab ay|kab mil|kab tak aa|kab (?:credit|jama|transfer|release)|abhi tak|ab tak|still|not (?:received|ready|credited|arrived|come)|nahi (?:aa|ay|mil|ban)|nhi (?:aa|ay|mil|ban)|kyun|kyon|why|where is|credited|approved|rejected|reject|pending|delay|ready)",
    r"\b(?:why is my|where is my|when will my|what happened to my|status of my|did my|has my|is my application)\b",
    r"\b(?:my|mera|meri|mere|hamara|hamari|humara)\b.*\b(?:kab lag|kab mil|kab aa|kab ho|kab ban|nahi lag|nahi mil)",
    r"\b(?:my|mera|meri|mere)\b.*\b(?:approved|rejected|reject ho|approve ho|pending|stuck|block|blocked|band ho|suspend|cancel ho|qurandazi|balloting|selected|select hu)",
    r"\b(?:check|bata|batao|tell me|dekh)\w*\b.*\b(?:my|mera|meri|mere)\b.*\b(?:status|balance|payment|qist|claim|case|application|record)\b",
    r"\b(?:reference|ref|consumer|tracking|cnic|account)\s*(?:no|number|#)?\s*[:#]?\s*\d[\d\s-]{7,}",
    r"ریفرنس نمبر\s*:?\s*\d", r"کنزیومر نمبر\s*:?\s*\d", "زما د", "زما پیسې", "میری درخواست", "میرا کیس", "میری ادائیگی", "میرا کلیم",
    "میرا کارڈ بلاک", "میری سم بند", "منظور نہیں", "مسترد",
    r"\b(?:tracking|application|token|receipt|complaint|claim)\s*(?:id|no|number|#)?\s*[:#]?\s*\d{6,}",
    r"\b\d{5}-?\d{7}-?\d\b.*\b(?:status|check|kya|kab|batao|bataen)\b",
    "میری درخواست", "میرا کارڈ ابھی", "میرا شناختی کارڈ ابھی", "میرا پاسپورٹ ابھی", "میری پنشن", "میرے پیسے",
    "میری قسط", "میرا کیس", "میری شکایت کا", "کا کیا بنا", "ابھی تک نہیں", "کب آئے گا میرا", "کب آئے گی میری",
    r"\b(?:file|application|case|claim|darkhwast)\b.*\bkahan tak (?:pohan|pahun|puhan|pohn)", "کہاں تک پہنچ",
)
# A phone or SIM that was blocked is a situation with a published remedy (register the phone and pay
# its tax; re-verify the SIM, renew the expired CNIC): "mera phone block ho gaya pta wala", "meri sim
# achanak band ho gayi, cnic expire tha", "میری سم بند ہو گئی ہے". It is a personal case when the
# message asks someone to act on it ("IMEI dekh kar khol dein", "usko block kar do").
_DEVICE_BLOCKED = _rx(
    r"\b(?:phone|mobile|fone|sim|device|iphone|handset)\b.*\b(?:block|blocked|band)\b",
    "(?:فون|موبائل|سم).*(?:بلاک|بند)",
)
_ACT_FOR_ME = _rx(
    r"\b(?:kar do|kardo|kar dein|kar den|karwa do|karwa dein|khol do|khol dein|kholen|kholo|unblock kar\w*"
    r"|check karo|check kar do|check kar dein|dekh kar|dekh lo|please check|unblock my|unblock it)\b",
    "کھول دیں", "کر دیں", "کروا دیں", "دیکھ کر", "کھولیں",
)
# A message that gives a personal identifier and asks to have it looked up is a personal case, even
# when it says "how" ("PSID pay kiya, phone abhi bhi block hai, IMEI 3567..., check karo").
_IDENTIFIER = _rx(
    r"\b\d{5}-?\d{7}-?\d\b",  # CNIC
    r"\b\d{15}\b",  # IMEI
    r"\b[a-z]{2,3}-(?:\d{2}-)?\d{3,5}\b",  # vehicle registration (LEB-19-4521)
    r"\b(?:psid|form|claim|tracking|application|challan|receipt|file|case|complaint|token|ticket)\s*(?:id|no|number|#)?\s*[:#]?\s*\d{5,}",
    r"(?:فارم|کلیم|درخواست|ٹریکنگ|شکایت|چالان|کیس|فائل|ٹوکن)\s*(?:آئی ڈی|نمبر)?\s*:?\s*\d{5,}",
)
_LOOK_UP = _rx(
    r"\b(?:check|verify|confirm|status|dekh|dekho|dekhen|dekh ?kar|bata|batao|btao|bataen|batayen|kya bana|kia bana|kahan tak|approve|pending|update|still|abhi tak)\b",
    "چیک", "تصدیق کر", "دیکھ", "بتائیں", "بتا دیں", "کیا بنا", "کہاں تک", "یا نہیں", "منظور", "ابھی تک",
)
_COUNTRIES = (
    r"uk|u\.k\.|british|usa|u\.s\.a?|america|american|india|indian|saudi|ksa|dubai|uae|emirates|canada|canadian"
    r"|australia|australian|qatar|oman|bahrain|kuwait|germany|schengen|china|chinese"
)
FOREIGN = _rx(
    # not "us" or "pr": in Roman Urdu they are "that" ("us se passport ban jayega?") and "on" ("pr")
    rf"\b(?:{_COUNTRIES})\b.*\b(?:visa|iqama|green card|citizenship|nationality|aadhaar|aadhar|emirates id|social security|pr card|permanent residen\w*|residence|driving licen[cs]e|licen[cs]e|tax return|nin)\b",
    # a passport is the other country's only when the country names it ("uk passport", "british ka
    # passport"); "dubai mein hoon, passport renew karwana hai" is a Pakistani passport
    rf"\b(?:{_COUNTRIES})(?: (?:ka|ki|ke|wala|wali))? passports?\b",
    r"\b(?:aadhaar|aadhar|iqama|green card|emirates id|social security number|nhs|schengen)\b",
    r"\bus (?:visa|passport|citizenship|nationality|green card|embassy|consulate|immigration)\b",
    r"\b(?:canada|canadian|australia|australian|uk|usa|america|new zealand)(?: (?:ki|ka|ke|ke liye))? pr\b",
    "ویزا", "اقامہ", "گرین کارڈ", "آدھار",
    "(?:کینیڈا|امریکہ|برطانیہ|انگلینڈ|آسٹریلیا|بھارت|انڈیا|دبئی|سعودی|جرمنی|چین).*(?:امیگریشن|شہریت|ویزا|اقامہ|پی آر)",
)
# Pakistani services people need *for* going abroad (a police certificate for a Saudi visa) are ours.
_PAKISTANI = _rx(
    r"\b(?:pakistan|pakistani|nicop|nadra|dgip|protector|beoe|overseas pakistani|police|character certificate|clearance certificate|attestation|attest|apostille|hec|ibcc|mofa|equivalence|driving permit|idp|international driving|frc|family registration|b.?form)\b",
    # a province of Pakistan names whose licence it is ("dubai mein hoon, KP ka licence expire ho gaya
    # hai"); a city only when it owns the licence ("islamabad ka licence"): a UK visa applied for
    # from Lahore is still the UK's
    r"\b(?:punjab|sindh|kpk?|khyber|balochistan)\b",
    r"\b(?:islamabad|lahore|karachi|peshawar|quetta|rawalpindi|multan|faisalabad)(?: (?:ka|ki|ke|wala|wali))? (?:driving )?licen[cs]e",
    # a copy of one's iqama or visa is a document an overseas Pakistani brings to our office abroad
    # ("dubai mein rehta hun, renewal k liye iqama ya visa ki copy bhi lagani parti hai?")
    r"\b(?:iqama|visa)(?: (?:ya|or|aur|and) (?:iqama|visa))?(?: (?:ki|ka|ke))? (?:copy|copies|photocopy)\b",
    r"\bcop(?:y|ies) of (?:my |the )?(?:iqama|visa)\b",
    "(?:اقامہ|ویزا)(?: یا (?:اقامہ|ویزا))? کی (?:کاپی|فوٹو ?کاپی)",
    "پاکستان", "نادرا", "نائیکوپ", "پولیس", "تصدیق", "پروٹیکٹر", "ب فارم", "فیملی رجسٹریشن", "پنجاب", "سندھ",
    "خیبر", "بلوچستان",
)
OFF_TOPIC = _rx(
    r"\b(?:cricket|match|score|psl|world cup|football|hockey|weather|mausam|temperature|rain forecast|recipe|biryani|cook|poem|poetry|shayari|shair|ghazal|joke|latifa|song|gaana|gana|movie|film|drama|actor|actress)\b",
    r"\b(?:dollar rate|gold (?:rate|price)|sone ka bhao|sone ki qeemat|petrol price|stock|bitcoin|crypto)\b",
    r"\b(?:elections?|vote kis|vote for|imran khan|nawaz sharif|zardari|bilawal|maryam|pti|pmln|pml-n|ppp|prime minister kaun|best party|politics|siyasat)\b",
    r"\b(?:capital of|who is the|who was|history of|solve|equation|calculate|square root|translate this|write (?:me )?an? (?:essay|story|poem|letter))\b",
    r"\d+\s*%\s*of\s*\d+", r"\bwhat is \d+\s*[-+*/x]\s*\d+", r"\btranslate\b.*\b(?:into|to)\s+(?:english|french|urdu|arabic|chinese)\b",
    r"\b(?:acha|achha|best|sasta|konsa)\s+(?:mobile|phone|laptop|bike|car)\b", r"\b(?:karahi|kadhai|biryani|halwa|pakane)\b",
    r"\b(?:love|girlfriend|boyfriend|rishta|horoscope|zodiac)\b",
    r"\b(?:naukri|job|jobs|vacancy|vacancies|bharti|recruitment|salary kitni)\b(?!.*\b(?:eobi|pension|tax|ntn|returns?|filer)\b)",
    r"\b(?:loan|qarza|qarz|lottery|prize bond|inami bond|bitcoin|forex|investment|share market)\b",
    r"\b(?:fatwa|halal hai|haram hai|namaz|roza|dua)\b",
    r"\b(?:medicine|dawai|dawa|symptoms|fever|bukhar|diet|weight loss|headache|sar dard)\b(?!.*\b(?:sehat card|hospital list|vaccin|teeka)\b)",
    r"\b(?:hotel|flight|ticket|train|bus) (?:booking|book|kiraya|fare|timing)\b",
    r"\b(?:best|top)\s+(?:university|college|school|hospital|doctor|lawyer)\b",
    # legal advice on a dispute: a lawyer's work, not a public service's steps
    r"\b(?:legal (?:action|advice)|qanooni (?:karwai|karrwai|karwaee|mashwara|chara ?joi)|sue (?:him|her|them|my)|file a case against)\b",
    "کرکٹ", "میچ", "موسم", "ترکیب", "نظم", "شاعری", "غزل", "لطیفہ", "گانا", "فلم", "ڈرامہ", "ڈالر کا ریٹ",
    "سونے کی قیمت", "الیکشن", "انتخابات", "عمران خان", "نواز شریف", "سیاست", "دارالحکومت", "کڑاہی", "بریانی",
    "پکانے", "بنانے کی ترکیب", "قانونی کارروائی", "قانونی مشورہ", "نوکری", "ملازمت", "بھرتی", "قرضہ", "لاٹری", "پرائز بانڈ", "فتویٰ", "دوائی", "بخار",
)
_SERVICE_WORDS = _rx(
    r"\b(?:cnic|nicop|poc|nadra|passport|b.?form|frc|crc|card|tax|ntn|fbr|bisp|ehsaas|sehat|licen[cs]e|token|registration|bill|bijli|gas|sim|pta|fir|police|domicile|fard|registry|pension|eobi|hajj|attest|protector|filer)\w*\b",
    r"\breturns? (?:file|fail|bhar|jama|submit)",  # the tax return ("pehli dafa return file karni hai")
    "شناختی", "پاسپورٹ", "ب فارم", "ٹیکس", "لائسنس", "بل$", "بجلی", "گیس", "سم$", "ڈومیسائل", "فرد$", "رجسٹری", "پنشن",
    "پولیس", "پروٹیکٹر",
)
GREETING = _rx(
    r"^(?:hi+|hello|hey|salam|salaam|slam|aoa|a\.o\.a|assalam|asalam|assalamu|assalam o alaikum|asalam o alaikum|assalamualaikum|good (?:morning|evening|afternoon))\b",
    "^السلام", "^سلام", "^ہیلو", "^آداب",
)
THANKS = _rx(
    r"\b(?:thanks?|thank you|thx|shukriya|shukria|shukriyah|jazakallah|jazak allah|meherbani|mehrbani)\b",
    "شکریہ", "جزاک اللہ", "مہربانی",
)


def names_service(text: str) -> bool:
    """Does the message name one of our services ("b form", "شناختی کارڈ", "token tax")?"""
    return bool(_SERVICE_WORDS.search(normalise(text)))


def route_message(text: str) -> Route:
    """Decide whether a message ends before retrieval, and why.

    >>> route_message("insaan se baat karni hai").reason.value
    'user_requested'
    >>> route_message("passport ki fee kitni hai").outcome is None
    True
    """
    t = normalise(text)
    if SELF_HARM.search(t):  # "what if", too: whoever asks gets the helplines
        return Route(Outcome.HANDOFF, HandoffReason.EMERGENCY, "emergency:self_harm", kind="self_harm")
    if EMERGENCY.search(t) and (not _HYPOTHETICAL.search(t) or _NOW.search(t)):
        return Route(Outcome.HANDOFF, HandoffReason.EMERGENCY, "emergency")
    if SENSITIVE.search(t) and not _COMPLAINT.search(t):
        return Route(Outcome.HANDOFF, HandoffReason.SENSITIVE, "harmful_request")
    if HUMAN.search(t):
        return Route(Outcome.HANDOFF, HandoffReason.USER_REQUESTED, "asked_for_person")
    if PERSONAL.search(t) and not _HOW.search(t) and not (_DEVICE_BLOCKED.search(t) and not _ACT_FOR_ME.search(t)):
        return Route(Outcome.HANDOFF, HandoffReason.PERSONAL_CASE, "personal_case")
    if _IDENTIFIER.search(t) and _LOOK_UP.search(t):
        return Route(Outcome.HANDOFF, HandoffReason.PERSONAL_CASE, "personal_identifier")
    if FOREIGN.search(t) and not _PAKISTANI.search(t):
        return Route(Outcome.HANDOFF, HandoffReason.OUT_OF_SCOPE, "foreign_service")
    if OFF_TOPIC.search(t) and not _SERVICE_WORDS.search(t):
        return Route(Outcome.HANDOFF, HandoffReason.OUT_OF_SCOPE, "off_topic")
    words = t.split()
    if len(words) <= 6 and not _SERVICE_WORDS.search(t):
        if THANKS.search(t):
            return Route(Outcome.SMALLTALK, None, "thanks", kind="thanks")
        if GREETING.search(t):
            return Route(Outcome.SMALLTALK, None, "greeting", kind="greeting")
    return CONTINUE
