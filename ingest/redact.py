"""Redaction of personal data in support tickets, run before anything is embedded or stored.

``redact`` replaces e-mail addresses, IBANs, payment card numbers, IP addresses, phone numbers and
the requester's names with typed placeholders (``[EMAIL]``, ``[IBAN]``, ``[CARD]``, ``[IP]``,
``[PHONE]``, ``[NAME]``). The detectors run in that order, each on the text with the earlier finds
masked out: an e-mail holds the name, and IBANs and cards are digit runs a phone rule could eat.

Pure standard library. Nothing here logs or keeps the text it is given.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["email", "iban", "card", "ip", "phone", "name"]
KINDS: tuple[Kind, ...] = ("email", "iban", "card", "ip", "phone", "name")
PLACEHOLDERS: dict[Kind, str] = {kind: f"[{kind.upper()}]" for kind in KINDS}

Span = tuple[int, int]

# Stands in for text already found, so that later detectors neither match it nor join across it.
# It is neither a word character nor a digit nor a separator, like the brackets of a placeholder.
_MASK = "\ue000"


@dataclass(frozen=True)
class Redaction:
    """The redacted text and how many placeholders of each kind were inserted (every kind)."""

    text: str
    counts: dict[str, int]


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data found: its kind and its [start, end) offsets in the input."""

    kind: Kind
    start: int
    end: int


# --- e-mail -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@(?:[^\W_][\w-]*\.)+[^\W\d_]{2,63}(?![\w-])")

# --- IBAN -------------------------------------------------------------------------------------

# Length of the whole IBAN (country, check digits, BBAN) per country, from the SWIFT registry.
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BI": 27,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DJ": 27,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FK": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HN": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "LY": 25,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MN": 20,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NI": 28,
    "NL": 18,
    "NO": 15,
    "OM": 23,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "RU": 33,
    "SA": 24,
    "SC": 31,
    "SD": 18,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "SO": 23,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
    "YE": 30,
}
_IBAN_START = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?= ?[0-9A-Za-z])")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

# --- payment cards ----------------------------------------------------------------------------

# Digit groups joined by single spaces or dashes, standing alone (not in a word, a decimal, a
# "+CC" phone prefix or a dashed code such as INV-2041).
_CARD_RUN = re.compile(r"(?<![\w.,+-])(?>[0-9]+(?:[ -][0-9]+)*)(?!\w|[.,][0-9])")
_DIGITS = re.compile(r"[0-9]+")
_CARD_GROUPINGS = ((4, 6, 5), (4, 6, 4))

# --- IP addresses -----------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?!\w|\.[0-9])")
# A candidate only; ipaddress decides.
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}"
    r"(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]{1,4})?(?!\w|\.[0-9])"
)

# --- phone numbers ----------------------------------------------------------------------------

# A run of digit groups joined by single spaces, dots or dashes, with an optional leading "+" and
# groups in parentheses: "+44 (0)20 7946 0958", "(415) 555-0199". Which part of a run is a phone
# number is decided by _is_phone, on stretches of the run cut at spaces.
_PHONE_GROUP = r"(?:\([0-9]{1,5}\)|[0-9]+)"
_PHONE_RUN = re.compile(
    r"(?<![\w+#/.,$€£¥-])"
    rf"(?>(?:\+ ?)?{_PHONE_GROUP}(?:(?:[ .-]| ?(?=\()|(?<=\))){_PHONE_GROUP})*)"
    r"(?!\w)"
)
_CHUNK = re.compile(r"[^ ]+")
_PHONE_INTL = re.compile(r"(?:\+ ?|00 ?)[1-9][0-9 ().-]*")
_PHONE_US = re.compile(
    r"(?:1[ .-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .-])[0-9]{3}[ .-][0-9]{4}"
)
_PHONE_LOCAL = re.compile(r"[2-9][0-9]{2}-[0-9]{4}")
_PHONE_TRUNK = re.compile(r"\(?0[1-9][0-9 ().-]*")
_PHONE_SPACED = re.compile(r"[1-9][0-9]{1,2}(?: [0-9]{2,4}){2,4}")
# A bare 10-digit US number counts only shortly after a cue such as "phone" or "call me" (with
# no digits, placeholder or masked text in between, so that a second pass finds the same).
_PHONE_BARE_US = re.compile(r"1?[2-9][0-9]{2}[2-9][0-9]{6}")
_PHONE_CUE = re.compile(
    r"(?<![\w\[])(?:phones?|tel|telephone|mobile|cell|call|callback|fax|sms|text|whatsapp|dial|ring"
    r"|reach|my\s+number)\b[^\d\n\[\ue000]{0,20}$",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./](?:[0-9]{2}){1,2}"
)
_DECIMAL_END = re.compile(r"^[^.]*[0-9]\.[0-9]{2}$")
_CURRENCY = frozenset("$€£¥")
_MAX_PHONE_CHUNKS = 8

# --- names ------------------------------------------------------------------------------------

_PLACEHOLDER = r"\[(?:EMAIL|IBAN|CARD|IP|PHONE|NAME)\]"
_NAME_SPLIT = re.compile(r"[\s\-‐]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def redact(text: str, names: Iterable[str] = ()) -> Redaction:
    """``text`` with personal data replaced by typed placeholders, and the count per kind.

    ``names`` are people to remove (the requester): each full name, and each part of it of three
    or more letters, matched case- and accent-insensitively as whole words.
    """
    counts: dict[str, int] = {kind: 0 for kind in KINDS}
    pieces: list[str] = []
    position = 0
    for span in find_pii(text, names):
        pieces += [text[position : span.start], PLACEHOLDERS[span.kind]]
        counts[span.kind] += 1
        position = span.end
    pieces.append(text[position:])
    return Redaction(text="".join(pieces), counts=counts)


def find_pii(text: str, names: Iterable[str] = ()) -> list[PiiSpan]:
    """Where ``redact`` finds personal data in ``text``: non-overlapping spans, in text order."""
    detectors: list[tuple[Kind, Callable[[str], list[Span]]]] = [
        ("email", _email_spans),
        ("iban", _iban_spans),
        ("card", _card_spans),
        ("ip", _ip_spans),
        ("phone", _phone_spans),
        ("name", _name_detector(names)),
    ]
    found: list[PiiSpan] = []
    masked = text
    for kind, detect in detectors:
        spans = detect(masked)
        if spans:
            found += [PiiSpan(kind, start, end) for start, end in spans]
            masked = _mask(masked, spans)
        if kind == "iban":
            # An IBAN that fails its checksum is left as it is, and no card or phone number is
            # looked for among its digits either.
            masked = _mask(masked, _iban_spans(masked, checked=False))
    return sorted(found, key=lambda span: span.start)


def _mask(text: str, spans: Sequence[Span]) -> str:
    """``text`` with each span overwritten by mask characters (offsets are kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _email_spans(text: str) -> list[Span]:
    return [match.span() for match in _EMAIL.finditer(text)]


def _iban_spans(text: str, checked: bool = True) -> list[Span]:
    spans: list[Span] = []
    position = 0
    while (match := _IBAN_START.search(text, position)) is not None:
        end = _iban_end(text, match.start(), checked)
        if end is None:
            position = match.start() + 1
        else:
            spans.append((match.start(), end))
            position = end
    return spans


def _iban_end(text: str, start: int, checked: bool) -> int | None:
    """End of the IBAN starting at ``start`` (single spaces allowed inside), else None.

    The country's length is always checked, the mod-97 checksum only when ``checked``.
    """
    length = _IBAN_LENGTHS.get(text[start : start + 2].upper())
    if length is None:
        return None
    chars: list[str] = []
    index = start
    while index < len(text) and len(chars) < length:
        char = text[index]
        if char in _ALNUM:
            chars.append(char)
        elif not (char == " " and index + 1 < len(text) and text[index + 1] in _ALNUM):
            break
        index += 1
    if len(chars) < length or (index < len(text) and (text[index].isalnum() or text[index] == "_")):
        return None
    return index if not checked or _iban_checksum_ok("".join(chars).upper()) else None


def _iban_checksum_ok(iban: str) -> bool:
    """The ISO 13616 mod-97 check on a compact, upper-case IBAN."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for run in _CARD_RUN.finditer(text):
        groups = [match.span() for match in _DIGITS.finditer(text, run.start(), run.end())]
        first = 0
        while first < len(groups):
            stop = _card_stop(text, groups, first)
            if stop is None:
                first += 1
            else:
                spans.append((groups[first][0], groups[stop - 1][1]))
                first = stop
    return spans


def _card_stop(text: str, groups: Sequence[Span], first: int) -> int | None:
    """End index (exclusive) of the longest card among the groups from ``first``, else None."""
    candidates: list[int] = []
    digits = ""
    for stop in range(first + 1, len(groups) + 1):
        digits += text[groups[stop - 1][0] : groups[stop - 1][1]]
        if len(digits) > 19:
            break
        if len(digits) >= 13 and stop - first <= 5:  # no card layout has more groups
            candidates.append(stop)
    for stop in reversed(candidates):
        chosen = groups[first:stop]
        number = "".join(text[start:end] for start, end in chosen)
        if number[0] != "0" and _card_layout_ok(text, chosen) and _luhn_ok(number):
            return stop
    return None


def _card_layout_ok(text: str, groups: Sequence[Span]) -> bool:
    """One block of digits, or the usual groupings (4-4-4-4[-1..4], 4-6-5, 4-6-4), one separator."""
    if len(groups) == 1:
        return True
    separators = {text[end:start] for (_, end), (start, _) in itertools.pairwise(groups)}
    if len(separators) != 1:
        return False
    lengths = tuple(end - start for start, end in groups)
    return lengths in _CARD_GROUPINGS or (
        all(length == 4 for length in lengths[:-1]) and 1 <= lengths[-1] <= 4
    )


def _ip_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for match in _IPV6.finditer(text):
        end = _ipv6_end(match.group(), match.start())
        if end is not None:
            spans.append((match.start(), end))
    masked = _mask(text, spans)
    spans += [match.span() for match in _IPV4.finditer(masked)]
    return sorted(spans)


def _ipv6_end(candidate: str, start: int) -> int | None:
    """End of the IPv6 address in ``candidate`` (a sentence's ':' may trail it), else None."""
    for address in (candidate, candidate[:-1] if candidate.endswith(":") else ""):
        if not any(char.isdigit() for char in address):
            continue  # "add::", "cafe::beef": words, not addresses
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            continue
        return start + len(address)
    return None


def _phone_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for run in _PHONE_RUN.finditer(text):
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
                    for stop in range(min(len(chunks), first + _MAX_PHONE_CHUNKS), first, -1)
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
    if not 7 <= digits <= 15:
        return False
    before = text[max(0, start - 2) : start].strip()
    after = text[end : end + 2].strip()
    if before[-1:] in _CURRENCY or after[:1] in _CURRENCY or after[:1] == "%":
        return False
    if _DECIMAL_END.match(number) or any(_DATE.fullmatch(chunk) for chunk in number.split()):
        return False
    if _PHONE_INTL.fullmatch(number):
        return digits >= (9 if number.startswith("00") else 7)
    if _PHONE_US.fullmatch(number) or _PHONE_LOCAL.fullmatch(number):
        return not mid_run or any(char in "(.-" for char in number)
    if mid_run:
        return False
    if _PHONE_BARE_US.fullmatch(number):
        return _PHONE_CUE.search(text, max(0, start - 40), start) is not None
    if _PHONE_TRUNK.fullmatch(number):
        return 9 <= digits <= 12
    return (
        _PHONE_SPACED.fullmatch(number) is not None
        and 8 <= digits <= 10
        and number.rsplit(" ", 1)[-1].strip("0") != ""
    )


def _fold(text: str) -> str:
    """``text`` with accents dropped and quotes straightened, one character for one."""
    folded = []
    for char in text.translate(_QUOTES):
        if char.isascii():
            folded.append(char)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded.append(base if len(base) == 1 else char)
    return "".join(folded)


def _name_detector(names: Iterable[str]) -> Callable[[str], list[Span]]:
    """A detector for the given people's full names and name parts of 3+ letters."""
    variants: set[str] = set()
    for name in names:
        full = " ".join(_fold(name).split())
        if sum(char.isalpha() for char in full) < 2:
            continue
        variants.add(full)
        for part in {full, *full.split(), *_NAME_SPLIT.split(full)}:
            if sum(char.isalpha() for char in part) >= 3:
                variants.add(part)
    if not variants:
        return lambda text: []
    alternatives = "|".join(
        r"\s+".join(re.escape(word) for word in variant.split())
        for variant in sorted(variants, key=len, reverse=True)
    )
    # Placeholders are matched first and skipped, so that a person called "Name" or "Iban" does
    # not turn "[NAME]" into "[[NAME]]" on a second pass.
    pattern = re.compile(rf"{_PLACEHOLDER}|(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def detect(text: str) -> list[Span]:
        return [m.span() for m in pattern.finditer(_fold(text)) if not m.group().startswith("[")]

    return detect
