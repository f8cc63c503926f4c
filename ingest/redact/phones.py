"""Phone numbers: a run of digit groups is cut into numbers by rules for the common layouts and by
``phonenumbers``, which knows every national format of the regions in ``REGIONS``.

A stretch of a run is a phone number when it has 7 to 15 digits, is no date, amount or decimal,
and either has a layout of its own (``+44 20 7946 0958``, ``(415) 555-0199``, ``020 7946 0958``)
or is a valid number of one of ``REGIONS`` written with separators (``030/12345678``,
``(11) 91234-5678``, ``0412 345 678``). A bare block of digits counts only after a cue such as
"call me on".
"""

from __future__ import annotations

import functools
import re

import phonenumbers

from ingest.redact.spans import Span

# National formats are read as numbers of these regions; international ones (+CC) of any region.
REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "BR", "AU")

# A run of digit groups joined by single spaces, dots, dashes or slashes, with an optional
# leading "+" and groups in parentheses: "+44 (0)20 7946 0958", "(415) 555-0199", "030/12345678".
_GROUP = r"(?:\([0-9]{1,5}\)|[0-9]+)"
_RUN = re.compile(
    r"(?<![\w+#/.,$€£¥-])"
    rf"(?>(?:\+ ?)?{_GROUP}(?:(?:[ .-]|/(?=[0-9])| ?(?=\()|(?<=\))){_GROUP})*)"
    r"(?!\w)"
)
_CHUNK = re.compile(r"[^ ]+")
_INTL = re.compile(r"(?:\+ ?|00 ?)[1-9][0-9 ().-]*")
_US = re.compile(r"(?:1[ .-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-])[0-9]{3}[ .-][0-9]{4}")
_LOCAL = re.compile(r"[2-9][0-9]{2}-[0-9]{4}")
_TRUNK = re.compile(r"\(?0[1-9][0-9 ().-]*")
_SPACED = re.compile(r"[1-9][0-9]{1,2}(?: [0-9]{2,4}){2,4}")
# A bare block of digits counts only shortly after a cue such as "phone" or "call me" (with no
# digits, placeholder or masked text in between, so that a second pass finds the same).
_BARE = re.compile(r"\+?[0-9]+")
_BARE_US = re.compile(r"1?[2-9][0-9]{2}[2-9][0-9]{6}")
_CUE = re.compile(
    r"(?<![\w\[])(?:phones?|tel|telephone|mobile|cell|call|callback|fax|sms|text|whatsapp|dial|ring"
    r"|reach|my\s+number)\b[^\d\n\[\ue000]{0,20}$",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./](?:[0-9]{2}){1,2}"
)
_DECIMAL_END = re.compile(r"^[^.]*[0-9]\.[0-9]{2}$")
_DECIMAL_AFTER = re.compile(r"[.,][0-9]")
# Joined to more of a code after it: the digits of a UUID such as 71994369-9978-df5e-...
_CODE_AFTER = re.compile(r"[-/_][0-9A-Za-z]")
# A dot-separated group of one digit after the first: a version such as 10.0.19045.1234.
_VERSION_LIKE = re.compile(r"\.[0-9](?![0-9])")
# Four dotted groups of up to three digits: an address, even a wrong one such as 824.197.78.121.
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_CURRENCY = frozenset("$€£¥")
_MAX_CHUNKS = 8


def phone_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for run in _RUN.finditer(text):
        chunks = [match.span() for match in _CHUNK.finditer(text, run.start(), run.end())]
        if len(chunks) > 1 and text[chunks[0][0] : chunks[0][1]] == "+":
            chunks[:2] = [(chunks[0][0], chunks[1][1])]
        if len(chunks) >= 4 and all(end - start == 4 for start, end in chunks):
            continue  # 4-digit blocks: a card or an account number that failed its check
        first = 0
        while first < len(chunks):
            stop = next(
                (
                    stop
                    for stop in range(min(len(chunks), first + _MAX_CHUNKS), first, -1)
                    if _is_phone(text, chunks[first][0], chunks[stop - 1][1], first > 0)
                ),
                None,
            )
            if stop is None:
                first += 1
            else:
                spans.append((chunks[first][0], chunks[stop - 1][1]))
                first = stop
    return spans


def _is_phone(text: str, start: int, end: int, mid_run: bool) -> bool:
    """Whether ``text[start:end]`` (whole chunks of a phone run) reads as one phone number.

    Inside a run (after other digits and a space) only forms with their own punctuation count,
    such as 415-555-0199 or (415) 555 0199: "0610 9776 8477" there is the tail of a longer number.
    """
    number = text[start:end]
    digits = sum(char.isdigit() for char in number)
    if not 7 <= digits <= 15 or _looks_like_amount_or_date(text, start, end):
        return False
    if _BARE.fullmatch(number) and not number.startswith("+"):
        cued = _CUE.search(text, max(0, start - 40), start) is not None
        return cued and (_BARE_US.fullmatch(number) is not None or _valid_anywhere(number))
    return _has_phone_layout(number, digits, mid_run) or (
        (not mid_run or number[0] in "+(") and _valid_anywhere(number)
    )


def _looks_like_amount_or_date(text: str, start: int, end: int) -> bool:
    number = text[start:end]
    before = text[max(0, start - 2) : start].strip()
    after = text[end : end + 2].strip()
    if before[-1:] in _CURRENCY or after[:1] in _CURRENCY or after[:1] == "%":
        return True
    if (
        _DECIMAL_END.match(number)
        or _DECIMAL_AFTER.match(text, end)
        or _CODE_AFTER.match(text, end)
    ):
        return True
    return any(_DATE.fullmatch(chunk) for chunk in number.split())


def _has_phone_layout(number: str, digits: int, mid_run: bool) -> bool:
    if _INTL.fullmatch(number):
        return digits >= (9 if number.startswith("00") else 7)
    if _US.fullmatch(number) or _LOCAL.fullmatch(number):
        return not mid_run or any(char in "(.-" for char in number)
    if mid_run:
        return False
    if _TRUNK.fullmatch(number):
        return 9 <= digits <= 12
    return (
        _SPACED.fullmatch(number) is not None
        and 8 <= digits <= 10
        and number.rsplit(" ", 1)[-1].strip("0") != ""
    )


@functools.lru_cache(maxsize=4096)
def _valid_anywhere(number: str) -> bool:
    """Whether ``phonenumbers`` holds ``number`` a valid number, international or of a REGION."""
    if _VERSION_LIKE.search(number) or _DOTTED_QUAD.fullmatch(number):
        return False
    regions: tuple[str | None, ...] = (None,) if number.startswith("+") else REGIONS
    for region in regions:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return True
    return False
