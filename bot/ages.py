"""The age a message states for the person it is about ("beti 8 saal ki hai", "my 14 year old son",
"میرے بیٹے کی عمر 12 سال ہے"), for services that serve only some ages (the `ages` field of a
service document: the child's passport is for 0 to 17, the adult's for 18 and over).

A number of years is an age only in an age phrase: "10 saal wala passport" (a validity), "12 saal
ki service" (a duration) and "5 saal ke liye" are not ages.
"""

from __future__ import annotations

import re

from retrieval.normalise import normalise

_YEARS = r"(?:saal|sal|years?|yrs?|baras)"
# the word after "N saal ka/ki/ke" that makes it an age: a verb of being or a person
_AFTER = (r"(?:hai|hain|h|hy|he|hoon|hun|hu|ho|hon|hua|hui|hue|hone|bacha|bache|bachay|bachi|bachchi|bacchi|"
          r"baby|beta|bete|betay|beti|larka|larke|larki|son|daughter|child|kid|girl|boy)\b")
_UR_AFTER = r"(?:ہے|ہیں|ہوں|ہو|ہوا|ہوئی|ہوگ|ہو گ|بچ|بیٹ|لڑک|بہن|بھائی)"
_PATTERNS = tuple(re.compile(p) for p in (
    rf"\b(\d{{1,3}})[\s-]*{_YEARS}[\s-]*old\b",                                # 14 year old, 5-years-old
    rf"\b(\d{{1,3}}) {_YEARS} (?:ka|ki|ke|kay|ky|k) {_AFTER}",                # 8 saal ki hai, 5 saal ke bache
    rf"\b(\d{{1,3}}) {_YEARS} (?:ka|ki|ke|kay|ky|k)\s*(?:$|[?.,!])",           # beta 17 saal ka?
    r"\b(?:umar|umr|age|aged)(?: is| hai)? (\d{1,3})\b",                        # umar 17 saal, aged 12
    rf"(\d{{1,3}}) ?سال (?:کا|کی|کے) ?(?:$|[؟?۔،.!]|{_UR_AFTER})",             # 12 سال کی ہے, 12 سال کے بچے
    r"عمر (\d{1,3}) ?سال",                                                      # عمر 12 سال ہے
))


def stated_age(text: str) -> int | None:
    """The one age in years the message states, or None where it states none or several.

    >>> stated_age("beti 8 saal ki hai uska passport banwana hai"), stated_age("my 14 year old son")
    (8, 14)
    >>> stated_age("10 saal wala passport"), stated_age("meri 12 saal ki service hai")
    (None, None)
    """
    norm = normalise(text)
    ages = {int(m.group(1)) for p in _PATTERNS for m in p.finditer(norm)}
    ages = {a for a in ages if a <= 120}
    return ages.pop() if len(ages) == 1 else None
