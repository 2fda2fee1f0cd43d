import pytest

from bot.clauses import clauses, request_part
from bot.services import favour_request


@pytest.mark.parametrize(("text", "asking"), [
    # the situation first, then the request, in each script
    ("abbu ke naam pe gaari thi unka inteqal ho gaya, ab gaari ammi ke naam karwani hai",
     "ab gaari ammi ke naam karwani hai"),
    ("kiraye ke makan mein shift hua hun, card pe naya address lagwana hai", "card pe naya address lagwana hai"),
    ("My father passed away. How do I transfer his car to my mother?", "How do I transfer his car to my mother"),
    ("میرے والد کا انتقال ہو گیا ہے، اب ان کی گاڑی والدہ کے نام کروانی ہے", "اب ان کی گاڑی والدہ کے نام کروانی ہے"),
    # "ab" turns from the situation to the request without a comma
    ("HEC attestation done ab MOFA attestation kahan hogi", "ab MOFA attestation kahan hogi"),
    # a question mark makes a clause ask even without a question word
    ("passport ban gaya hai. NICOP bhi?", "NICOP bhi"),
])
def test_the_part_that_asks_is_told_from_the_situation(text: str, asking: str) -> None:
    assert request_part(text) == asking


@pytest.mark.parametrize("text", [
    "passport ki fee kitni hai",  # one clause
    "پاسپورٹ کی فیس کتنی ہے",
    "cnic renew karwana hai, kya documents chahiye?",  # every clause asks
    "mera shanakhti card gum ho gaya",  # none asks
])
def test_no_request_part_where_nothing_is_only_told(text: str) -> None:
    assert request_part(text) is None


def test_urdu_past_tense_is_no_question_word() -> None:
    # "ہو گیا" contains "ہو گی" (will be): words are matched whole
    assert clauses("میرا کارڈ گم ہو گیا ہے، نیا کیسے بنواؤں") == [("میرا کارڈ گم ہو گیا ہے", False),
                                                              ("نیا کیسے بنواؤں", True)]


def test_a_service_only_the_situation_names_keeps_a_share_of_its_evidence() -> None:
    evidence = {"death-registration": 7.5, "vehicle-transfer": 4.8}
    assert favour_request(evidence, {"vehicle-transfer": 4.8}, 0.5) == {"death-registration": 3.75,
                                                                         "vehicle-transfer": 4.8}
    # the asking part names nothing ("kya karun"): the evidence is as it was
    assert favour_request(evidence, {}, 0.5) == evidence



def test_a_siblings_situation_says_which_service_is_meant() -> None:
    # "pasport gum ho gaya hai, naya banwane ki fees": the new passport asked for replaces a lost one
    evidence = {"passport-lost": 6.0, "passport-new": 4.0}
    department = {"passport-lost": "dgip", "passport-new": "dgip", "death-registration": "localgov"}
    assert favour_request(evidence, {"passport-new": 4.0}, 0.5, department) == evidence
    assert favour_request({**evidence, "death-registration": 7.0}, {"passport-new": 4.0}, 0.5,
                          department)["death-registration"] == 3.5



def test_a_weak_name_in_the_asking_part_does_not_set_the_situation_aside() -> None:
    # "pasport gum ho gaya hai, naya banwane ki fees": "naya" alone names vehicle registration weakly
    evidence = {"passport-lost": 6.3, "vehicle-registration": 2.3}
    assert favour_request(evidence, {"vehicle-registration": 2.3}, 0.5) == evidence
