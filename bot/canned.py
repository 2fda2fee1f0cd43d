"""Canned replies in Urdu, English and Roman Urdu for greetings, thanks and every non-answer.

Each reply says what happens next; a handoff reply says why a person is taking over.
"""

from __future__ import annotations

from bot.types import HandoffReason

Lang = str  # "ur" | "en" | "ur-Latn"

SMALLTALK: dict[str, dict[Lang, str]] = {
    "greeting": {
        "ur": "وعلیکم السلام! میں رہنما ہوں۔ شناختی کارڈ، پاسپورٹ، ٹیکس، بی آئی ایس پی، لائسنس، بل اور دیگر سرکاری خدمات کے بارے میں پوچھیں۔",
        "en": "Hello! I am Rahnuma. Ask me about ID cards, passports, tax, BISP, licences, utility bills and other public services.",
        "ur-Latn": "Walaikum assalam! Main Rahnuma hoon. ID card, passport, tax, BISP, licence, bill aur doosri sarkari services ke baare mein poochein.",
    },
    "thanks": {
        "ur": "آپ کا شکریہ! کوئی اور سوال ہو تو ضرور پوچھیں۔",
        "en": "You're welcome! Ask me anything else about public services.",
        "ur-Latn": "Shukriya! Koi aur sawal ho to zaroor poochein.",
    },
}

HANDOFF: dict[HandoffReason, dict[Lang, str]] = {
    HandoffReason.LOW_CONFIDENCE: {
        "ur": "معذرت، مجھے اس سوال کا یقینی جواب نہیں ملا۔ آپ کو ایک نمائندے سے ملایا جا رہا ہے جو آپ کی مدد کرے گا۔",
        "en": "Sorry, I could not find a reliable answer to this. I am connecting you to a person who can help.",
        "ur-Latn": "Maazrat, mujhe is sawal ka yaqeeni jawab nahi mila. Aap ko ek numainde se milaya ja raha hai jo aap ki madad karega.",
    },
    HandoffReason.OUT_OF_SCOPE: {
        "ur": "میں صرف پاکستان کی سرکاری خدمات (شناختی کارڈ، پاسپورٹ، ٹیکس، لائسنس، بل وغیرہ) کے بارے میں بتا سکتا ہوں۔ یہ سوال اس دائرے سے باہر ہے؛ چاہیں تو ایک نمائندہ آپ سے رابطہ کرے گا۔",
        "en": "I can only help with Pakistani public services (ID cards, passports, tax, licences, bills and the like). This question is outside that; a person can follow up if you wish.",
        "ur-Latn": "Main sirf Pakistan ki sarkari services (ID card, passport, tax, licence, bill waghera) ke baare mein bata sakta hoon. Yeh sawal is daire se bahar hai; chahein to ek numainda aap se rabta karega.",
    },
    HandoffReason.PERSONAL_CASE: {
        "ur": "آپ کی ذاتی درخواست یا کیس کی صورتحال میں نہیں دیکھ سکتا۔ آپ کو ایک نمائندے سے ملایا جا رہا ہے۔ اپنا ٹریکنگ نمبر یہاں نہ لکھیں، نمائندہ پوچھے تو بتائیں۔",
        "en": "I cannot see the status of your own application or case. I am connecting you to a person. Please don't post your tracking or CNIC number here unless the agent asks.",
        "ur-Latn": "Main aap ki zaati darkhwast ya case ki surat-e-haal nahi dekh sakta. Aap ko ek numainde se milaya ja raha hai. Apna tracking number yahan na likhein, numainda poochay to batayein.",
    },
    HandoffReason.USER_REQUESTED: {
        "ur": "ٹھیک ہے، آپ کو ایک نمائندے سے ملایا جا رہا ہے۔ براہ کرم انتظار کریں، وہ اسی گفتگو میں جواب دیں گے۔",
        "en": "Of course. I am connecting you to a person; please wait, they will reply in this chat.",
        "ur-Latn": "Theek hai, aap ko ek numainde se milaya ja raha hai. Baraye meharbani intezar karein, woh isi chat mein jawab denge.",
    },
    HandoffReason.UNSUPPORTED_LANGUAGE: {
        "ur": "معذرت، میں ابھی صرف اردو اور انگریزی میں جواب دے سکتا ہوں۔ آپ کی زبان بولنے والے نمائندے سے رابطہ کروایا جا رہا ہے۔",
        "en": "Sorry, I can only answer in Urdu and English for now. I am connecting you to a person who speaks your language.",
        "ur-Latn": "Maazrat, main abhi sirf Urdu aur English mein jawab de sakta hoon. Aap ki zubaan bolne wale numainde se rabta karwaya ja raha hai.",
    },
    HandoffReason.SENSITIVE: {
        "ur": "میں اس کام میں مدد نہیں کر سکتا: جعلی دستاویز، رشوت یا کسی اور کا ڈیٹا حاصل کرنا جرم ہے۔ اگر آپ سے رشوت مانگی گئی ہے تو پاکستان سٹیزن پورٹل یا وفاقی محتسب (1055) پر شکایت کریں۔ آپ کی گفتگو ایک نمائندے کو بھیجی جا رہی ہے۔",
        "en": "I can't help with that: forged documents, bribes or getting someone else's data are crimes. If someone asked you for a bribe, complain on the Pakistan Citizen's Portal or to the Federal Ombudsman (1055). A person will review this conversation.",
        "ur-Latn": "Main is kaam mein madad nahi kar sakta: jaali document, rishwat ya kisi aur ka data hasil karna jurm hai. Agar aap se rishwat maangi gayi hai to Pakistan Citizen's Portal ya Wafaqi Mohtasib (1055) par shikayat karein. Aap ki guftagu ek numainde ko bheji ja rahi hai.",
    },
    HandoffReason.EMERGENCY: {
        "ur": "یہ ہنگامی صورتحال لگتی ہے۔ فوراً ان نمبروں پر کال کریں:",
        "en": "This sounds like an emergency. Call now:",
        "ur-Latn": "Yeh emergency lagti hai. Foran in numbers par call karein:",
    },
}

# Used when the emergency-helplines document is missing from the index: never leave a person
# in an emergency without numbers.
EMERGENCY_FALLBACK: dict[Lang, str] = {
    "ur": "ریسکیو: 1122\nپولیس: 15\nفائر بریگیڈ: 16\nایدھی ایمبولینس: 115",
    "en": "Rescue: 1122\nPolice: 15\nFire brigade: 16\nEdhi ambulance: 115",
    "ur-Latn": "Rescue: 1122\nPolice: 15\nFire brigade: 16\nEdhi ambulance: 115",
}

# A message about ending one's life: the mental-health helplines come first (bot/pipeline.py), after this.
SELF_HARM_HEAD: dict[Lang, str] = {
    "ur": "آپ اکیلے نہیں ہیں۔ براہِ کرم ابھی کسی سے بات کریں:",
    "en": "You are not alone. Please talk to someone now:",
    "ur-Latn": "Aap akele nahi hain. Barah-e-karam abhi kisi se baat karein:",
}
SELF_HARM_FALLBACK: dict[Lang, str] = {
    "ur": "امنگ (ذہنی صحت اور خودکشی کی ہیلپ لائن): 0311-7786264\nپولیس: 15\nریسکیو: 1122",
    "en": "Umang (mental health and suicide helpline): 0311-7786264\nPolice: 15\nRescue: 1122",
    "ur-Latn": "Umang (zehni sehat aur khudkushi helpline): 0311-7786264\nPolice: 15\nRescue: 1122",
}

EMERGENCY_TAIL: dict[Lang, str] = {
    "ur": "ایک نمائندہ بھی اس گفتگو کو دیکھ رہا ہے۔",
    "en": "A person has also been alerted to this conversation.",
    "ur-Latn": "Ek numainda bhi is guftagu ko dekh raha hai.",
}

# A service the corpus does not cover (corpora/uncovered.yaml): {name}, and {who} when known.
UNCOVERED: dict[Lang, str] = {
    "ur": "معذرت، میرے پاس {name} کے بارے میں تصدیق شدہ معلومات ابھی نہیں ہیں۔",
    "en": "Sorry, I don't have verified information about {name} yet.",
    "ur-Latn": "Maazrat, mere paas {name} ke baare mein tasdeeq shuda maloomat abhi nahi hain.",
}
UNCOVERED_WHO: dict[Lang, str] = {
    "ur": "یہ کام {who} کرتا ہے۔",
    "en": "It is handled by {who}.",
    "ur-Latn": "Yeh kaam {who} karta hai.",
}
UNCOVERED_TAIL: dict[Lang, str] = {
    "ur": "آپ کا سوال ایک نمائندے کو بھیجا جا رہا ہے جو آپ کی رہنمائی کرے گا۔",
    "en": "I am passing your question to a person who can guide you.",
    "ur-Latn": "Aap ka sawal ek numainde ko bheja ja raha hai jo aap ki rehnumai karega.",
}

CLARIFY: dict[Lang, str] = {
    "ur": "آپ کس بارے میں پوچھ رہے ہیں؟",
    "en": "Which of these do you mean?",
    "ur-Latn": "Aap kis ke baare mein pooch rahe hain?",
}

PERSONAL_TRACKING: dict[Lang, str] = {
    "ur": "اپنی درخواست کی صورتحال خود بھی یوں دیکھ سکتے ہیں:",
    "en": "You can also check the status yourself:",
    "ur-Latn": "Apni darkhwast ki surat-e-haal khud bhi aise dekh sakte hain:",
}

REGIONAL_OFFER: dict[str, str] = {
    "sd": "اگر آپ سندھی میں بات کرنا چاہیں تو سندھی بولنے والا نمائندہ آپ سے رابطہ کر سکتا ہے۔",
    "ps": "اگر آپ پشتو میں بات کرنا چاہیں تو پشتو بولنے والا نمائندہ آپ سے رابطہ کر سکتا ہے۔",
    "pa": "اگر آپ پنجابی میں بات کرنا چاہیں تو پنجابی بولنے والا نمائندہ آپ سے رابطہ کر سکتا ہے۔",
    "skr": "اگر آپ سرائیکی میں بات کرنا چاہیں تو سرائیکی بولنے والا نمائندہ آپ سے رابطہ کر سکتا ہے۔",
    "bal": "اگر آپ بلوچی میں بات کرنا چاہیں تو بلوچی بولنے والا نمائندہ آپ سے رابطہ کر سکتا ہے۔",
}

SOURCE_LABEL: dict[Lang, str] = {"ur": "ماخذ", "en": "Source", "ur-Latn": "Source"}
VERIFIED_LABEL: dict[Lang, str] = {"ur": "تصدیق", "en": "verified", "ur-Latn": "verified"}


def handoff_text(reason: HandoffReason, lang: Lang) -> str:
    return HANDOFF[reason].get(lang) or HANDOFF[reason]["ur"]
