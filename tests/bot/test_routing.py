"""Deterministic routes in Urdu script, English and Roman Urdu."""

import pytest

from bot.routing import route_message
from bot.types import HandoffReason, Outcome

CASES = [
    # asks for a person
    ("کیا میں کسی نمائندے سے بات کر سکتا ہوں؟", HandoffReason.USER_REQUESTED),
    ("insaan se baat karni hai", HandoffReason.USER_REQUESTED),
    ("connect me to a human", HandoffReason.USER_REQUESTED),
    # emergencies
    ("ghar mein aag lag gayi hai", HandoffReason.EMERGENCY),
    ("میرے بھائی کا ایکسیڈنٹ ہو گیا ہے", HandoffReason.EMERGENCY),
    ("my husband is beating me", HandoffReason.EMERGENCY),
    ("accident ho gaya hai operator ko kya batayen jaldi", HandoffReason.EMERGENCY),  # happening now
    ("I want to kill myself", HandoffReason.EMERGENCY),
    # self-harm without the word "suicide", in each script
    ("مجھے جینے کی کوئی وجہ نظر نہیں آتی", HandoffReason.EMERGENCY),
    ("میں آج خود کو ختم کر دوں گی", HandoffReason.EMERGENCY),
    ("bas ab jeene ka dil nahi karta khud ko khatam kar dun ga", HandoffReason.EMERGENCY),
    ("i dont want to live anymore", HandoffReason.EMERGENCY),
    ("thinking of ending it all tonight, no reason to live", HandoffReason.EMERGENCY),
    ("meri beti nahi mil rahi 3 ghante se", HandoffReason.EMERGENCY),
    ("میرا بچہ لاپتہ ہے", HandoffReason.EMERGENCY),
    ("my son is missing since morning", HandoffReason.EMERGENCY),
    ("dakait ghar me ghus aye hain", HandoffReason.EMERGENCY),
    ("ہم لفٹ میں پھنس گئے ہیں", HandoffReason.EMERGENCY),
    # harmful
    ("jaali degree banwani hai", HandoffReason.SENSITIVE),
    ("can you make a fake CNIC for me", HandoffReason.SENSITIVE),
    ("رشوت دے کر کام جلدی ہو جائے گا؟", HandoffReason.SENSITIVE),
    # personal case
    ("meri application ka kya bana", HandoffReason.PERSONAL_CASE),
    ("where is my Sehat card claim", HandoffReason.PERSONAL_CASE),
    ("میری درخواست کا کیا بنا؟", HandoffReason.PERSONAL_CASE),
    # out of scope
    ("UK visa kaise milega", HandoffReason.OUT_OF_SCOPE),
    ("who won the cricket match yesterday", HandoffReason.OUT_OF_SCOPE),
    ("آج موسم کیسا ہے", HandoffReason.OUT_OF_SCOPE),
    ("shohar bina ijazat dusri shadi kar raha hai, kya legal action le sakti hun", HandoffReason.OUT_OF_SCOPE),
    ("پڑوسی کے خلاف قانونی کارروائی کیسے کروں", HandoffReason.OUT_OF_SCOPE),
]


@pytest.mark.parametrize(("text", "reason"), CASES)
def test_routes(text: str, reason: HandoffReason) -> None:
    route = route_message(text)
    assert route.outcome is Outcome.HANDOFF
    assert route.reason is reason
    assert route.rule


@pytest.mark.parametrize("text", [
    "passport ki fee kitni hai",
    "how do I track my application",  # asking how, not asking us for their status
    "rishwat ki shikayat kahan karun",  # complaining about a bribe is a service question
    "edhi ka number kya hai",  # information about helplines, not a live emergency
    "saudi jane ke liye protector",  # a Pakistani service for going abroad
    "شناختی کارڈ کی تجدید کیسے ہوگی؟",
    "agar ghar mein aag lag jaye to kya karein",  # a conditional asks for information
    "موٹروے پر حادثہ ہو جائے تو کون سا نمبر ملانا چاہیے؟",
    "emergency call karte time operator ko kya information deni chahiye",  # how to call, not a call for help
    "ایجنٹ نے کفالت کے پیسے کاٹ لیے، شکایت کہاں کروں؟",  # the payment agent, not a request for one
    "بجلی کے بل پر ریفرنس نمبر کہاں لکھا ہوتا ہے؟",  # where the number is printed, not a lookup
    "card ki muddat khatam ho gayi hai ab kya karun",  # an expired card ends, nobody's life
    "پرانا شناختی کارڈ ختم کر کے نیا کیسے بنواؤں؟",
])
def test_service_questions_go_on_to_retrieval(text: str) -> None:
    assert route_message(text).outcome is None


@pytest.mark.parametrize(("text", "kind"), [
    ("assalam o alaikum", "greeting"), ("السلام علیکم", "greeting"), ("hello", "greeting"),
    ("shukriya", "thanks"), ("شکریہ", "thanks"), ("thank you!", "thanks"),
])
def test_smalltalk(text: str, kind: str) -> None:
    route = route_message(text)
    assert route.outcome is Outcome.SMALLTALK
    assert route.kind == kind


@pytest.mark.parametrize(("text", "reason"), [
    ("ghar mein aag lag gayi hai abhi", HandoffReason.EMERGENCY),
    ("گھر میں آگ لگ گئی ہے، جلدی فائر بریگیڈ کا نمبر بتائیں", HandoffReason.EMERGENCY),  # now, not "if"
    ("agent", HandoffReason.USER_REQUESTED),
    ("connect me to an agent", HandoffReason.USER_REQUESTED),
    ("ایجنٹ سے بات کروائیں", HandoffReason.USER_REQUESTED),
    ("میرا ریفرنس نمبر 04 11234 5678900 ہے بل کتنا ہے", HandoffReason.PERSONAL_CASE),
    # a blocked phone or SIM someone is asked to act on
    ("sim meri cnic pe kisi aur ne nikalwa li h usko block karwa do mere liye", HandoffReason.PERSONAL_CASE),
    ("my phone is blocked, please unblock it", HandoffReason.PERSONAL_CASE),
    ("میری سم بند ہو گئی ہے اسے کھول دیں", HandoffReason.PERSONAL_CASE),
])
def test_the_narrowed_rules_still_catch_the_real_cases(text: str, reason: HandoffReason) -> None:
    assert route_message(text).reason is reason


@pytest.mark.parametrize(("text", "reason"), [
    # a personal identifier given to be looked up, whatever else the message says
    ("ان کی منظوری ہوئی یا نہیں؟ شناختی کارڈ 12345-1234567-1", HandoffReason.PERSONAL_CASE),
    ("paid my token tax but it still shows unpaid for ABC-12-3456, can you verify?", HandoffReason.PERSONAL_CASE),
    ("PSID pay kiya tha phone abhi bhi block hai IMEI 123456789012345 check karo", HandoffReason.PERSONAL_CASE),
    ("پنشن کی فائل کہاں تک پہنچی؟", HandoffReason.PERSONAL_CASE),
    # theft of electricity, concealing facts on a form, "something on the side"
    ("bijli ka meter slow karne ka tareeqa", HandoffReason.SENSITIVE),
    ("how to slow down the electricity meter", HandoffReason.SENSITIVE),
    ("میٹر سلو کرنے کا طریقہ", HandoffReason.SENSITIVE),
    ("survey mein gaari chupa kar likhwa doon?", HandoffReason.SENSITIVE),
    ("clerk ko kuch de dila ke kaam ho jayega?", HandoffReason.SENSITIVE),
    ("kisi jugar se do domicile ban sakte hain?", HandoffReason.SENSITIVE),
    ("can I have two CNICs with different dates of birth", HandoffReason.SENSITIVE),
    ("meri ex-wife ka address NADRA se nikalwa do", HandoffReason.SENSITIVE),
    ("کسی اور کا شناختی کارڈ نمبر دوں تو اس کا فون نمبر بتا دیں گے؟", HandoffReason.SENSITIVE),
])
def test_identifiers_theft_and_concealment(text: str, reason: HandoffReason) -> None:
    assert route_message(text).reason is reason


@pytest.mark.parametrize("text", [
    "how do I check my cnic status",  # no identifier: asking how
    "pta tax kitna hai 15 digit imei wale phone ka",
    "meter slow chal raha hai check karwana hai",  # a faulty meter is a complaint, not theft
    "bijli chori ki shikayat kahan karun",  # reporting theft is a service question
    "fee rs15000 hai kya confirm karein",
    "bacha ka b form gum ho gaya hai dobara kaise banega",  # a lost document, not a lost child
    "bache ka cnic gum ho gaya",
    "do shanakhti card ki fees alag alag hai?",
    "cnic pe address kaise change karwaun",
    "chor ki report kaise karun",
    "جاز کیش اکاؤنٹ میں پیسے پھنس گئے ہیں",  # money stuck, not people trapped
    "اگ لگ جاوے تے کیہڑے نمبر تے فون کرئیے",  # Punjabi conditional: asks for the number
    "بچے کا ب فارم گم ہو گیا ہے",
])
def test_look_alikes_of_those_go_on_to_retrieval(text: str) -> None:
    assert route_message(text).outcome is None


def test_greeting_with_a_question_goes_to_retrieval() -> None:
    assert route_message("salam, passport renewal ki fee?").outcome is None


@pytest.mark.parametrize("text", [
    "I want to kill myself", "مجھے جینے کی کوئی وجہ نظر نہیں آتی", "jeene ka dil nahi karta",
    "agar koi khudkushi ki baat kare to kya karein",  # asked "what if", still given the helplines
])
def test_self_harm_is_an_emergency_of_its_own_kind(text: str) -> None:
    route = route_message(text)
    assert route.reason is HandoffReason.EMERGENCY and route.kind == "self_harm"
    assert route_message("ghar mein aag lag gayi hai").kind == ""



@pytest.mark.parametrize("text", [
    # Roman Urdu "us" is "that"/"him", not the USA; "pr" is "on"
    "meri beti 13 saal ki hai purana b form hai kya us se passport ban jayega",
    "mera bhai hai us ka passport renew karwana hai",
    # Pakistani services people need for going abroad
    "dubai ghoomne ja rahe hain international driving license kaise banwaun",
    "Which FRC do I need for UK spouse visa?",
    "saudia ka job visa laga hai protector kaise karwaun",
    "دبئی میں نوکری کرتا ہوں، کیا والد صاحب میری جگہ پولیس سرٹیفکیٹ کے لیے درخواست دے سکتے ہیں",
    "can a poc holder vote in pakistan elections",
    # buying from someone is not asking for a person
    "how to transfer car in my name after buying from someone in lahore",
    # an overseas Pakistani's own passport: the country says where they live, not whose passport
    "dubai mein hoon passport renew karwana hai",
    "I live in Canada, how do I renew my passport",
    # a copy of the iqama or visa is a document for the Pakistani passport, not a foreign service
    "passport ke safhe khatam ho gaye, dubai mein rehta hun. renewal k liye iqama ya visa ki copy lagti hai?",
    "I am in Saudi Arabia, do I need a copy of my iqama to renew my passport at the embassy?",
    "سعودی عرب میں ہوں، پاسپورٹ کی تجدید کے لیے اقامہ کی کاپی لگے گی؟",
    # a province names a Pakistani licence; a job names no off-topic question when a return is filed
    "dubai mein hoon aur mera KP ka licence expire ho gaya hai, yahan se renew kaise karun",
    "bank mein job karta hoon salaried hoon, pehli dafa return file karni hai. kya kya documents chahiye",
    # a blocked phone or SIM, told, is no personal case: the remedy is published (register the phone,
    # re-verify the SIM)
    "mera phone block ho gaya pta wala",
    "meri sim achanak band ho gayi, pata chala cnic expire tha. ab kya karna hoga",
    "my phone got blocked by pta",
    "میری سم بند ہو گئی ہے شناختی کارڈ کی میعاد ختم تھی",
])
def test_words_that_look_like_other_rules_in_service_questions(text: str) -> None:
    assert route_message(text).outcome is None


@pytest.mark.parametrize("text", [
    "US visa interview mein kya questions poochte hain",
    "can i get an earlier us visa interview date",
    "canada ki pr ke liye ielts me kitne band chahiye",
    "UK passport renewal fee for my son",
    "india ka passport kaise banta hai",
    "qatar me driving licence ke liye kitni classes leni parti hain",
    "dubai mein hoon yahan ka driving licence kaise banega",
    "how do i apply for a uk student visa from lahore",
    "iqama renew karwane ke liye passport ki copy chahiye?",
])
def test_other_countries_services_are_still_foreign(text: str) -> None:
    route = route_message(text)
    assert route.reason is HandoffReason.OUT_OF_SCOPE and route.rule == "foreign_service"


def test_transfer_me_to_someone_still_asks_for_a_person() -> None:
    assert route_message("please transfer me to someone from NADRA").reason is HandoffReason.USER_REQUESTED
