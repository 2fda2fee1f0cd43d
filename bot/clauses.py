"""Which part of a message asks for something, and which only tells the situation.

Citizens often set the scene before they ask: "abbu ke naam pe gaari thi, unka inteqal ho gaya, ab
gaari ammi ke naam karwani hai" asks about transferring the car, not about the death certificate;
"kiraye ke makan mein shift hua hun, card pe naya address lagwana hai" asks about the ID card, not
about registering a tenant. ``request_part`` returns the clauses that carry a question or a request,
when the message also has clauses that carry none, so the services those name can be told from the
ones only the situation names (``bot.services.favour_request``).

A clause ends at sentence punctuation, a comma, or a word that turns from the situation to the request
("ab", "lekin", "but", "اب"). It asks when it has a question word, a "need", a "have to", a "can", an
infinitive of getting something done ("banwana", "karwani"), or ends with a question mark.
"""

from __future__ import annotations

import re

from retrieval.normalise import normalise

# clause boundaries: punctuation, and the words that turn from the situation to the request
_BOUNDARY = re.compile(
    r"[.?!؟۔,،;:\n]+|\s(?=(?:ab|abb|lekin|lakin|magar|but|now|however|اب|لیکن|مگر)\s)", re.IGNORECASE)
_ASKS = re.compile("|".join((
    # Roman Urdu: question words, need, must, can, and the infinitives of getting something done
    r"\b(?:kya|kia|kiya|kaise|kaisay|kaisy|kese|kesay|kesy|kesai|kahan|kahaan|kidhar|kab|kitn[aeiy]|kitnay"
    r"|kaun|kon|kaunsa|kaunsi|kaunse|konsa|konsi|konse|chahiye|chahye|chahie|chaiye|chaheye|chahiay)\b",
    r"\b(?:zaroori|zaruri|zarori|lazmi|parega|paregi|parenge|parta|parti|parte|hoga|hogi|honge|sakta|sakti|sakte"
    r"|skta|skti|skte|batain|bataen|btayen|bataye|batao|bata dein)\b",
    r"\b\w+(?:wana|wani|wane|waun|wain|waen|wayen|wa lun)\b",  # banwana, karwani, lagwaun, karwain
    r"\b(?:lena|leni|lene|dena|deni|dene|karna|karni|karne|banana|banani)"
    r" (?:hai|hain|h|ho|hoga|hogi|parega|paregi|chahiye)\b",
    # English
    r"\b(?:how|what|where|when|which|who|whom|whether|can|could|should|shall|must|need|needs|want|required"
    r"|do i|does|is it|is there|are there|tell me|please)\b",
    # Urdu script
    r"\b(?:کیا|کیسے|کہاں|کب|کتن\w*|کون\w*|چاہیے|چاہئے|ضروری|لازمی|پڑے\w*|پڑتا|پڑتی|ہوگا|ہوگی|ہو گا|ہو گی"
    r"|سکتا|سکتی|سکتے|بتائیں)\b",
    r"\b\w+(?:وانا|وانی|وانے|واؤں|وائیں)\b",
)), re.IGNORECASE)


def clauses(text: str) -> list[tuple[str, bool]]:
    """The message's clauses in order, each with whether it asks (a question mark ends one that does)."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        part = text[pos:m.start()].strip()
        if part:
            out.append((part, "?" in m.group() or "؟" in m.group() or bool(_ASKS.search(normalise(part)))))
        pos = m.end()
    if part := text[pos:].strip():
        out.append((part, bool(_ASKS.search(normalise(part)))))
    return out


def request_part(text: str) -> str | None:
    """The clauses that ask, joined, when the message also has clauses that only tell; else None.

    >>> request_part("kiraye ke makan mein shift hua hun, card pe naya address lagwana hai")
    'card pe naya address lagwana hai'
    >>> request_part("passport ki fee kitni hai") is None
    True
    """
    parts = clauses(text)
    asking = [p for p, asks in parts if asks]
    if not asking or len(asking) == len(parts):
        return None
    return " ".join(asking)
