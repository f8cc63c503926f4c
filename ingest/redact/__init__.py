"""Redaction of personal data in support tickets, run before anything is embedded or stored.

``redact`` replaces e-mail addresses, IBANs, payment card numbers, IP addresses, phone numbers and
the requester's names with typed placeholders (``[EMAIL]``, ``[IBAN]``, ``[CARD]``, ``[IP]``,
``[PHONE]``, ``[NAME]``). The detectors run in that order, each on the text with the earlier finds
masked out: an e-mail holds the name, and IBANs and cards are digit runs a phone rule could eat.

The detectors are in this package's modules: emails, numbers (IBANs with ``schwifty``, Luhn-checked
cards), ip, phones (with ``phonenumbers``) and names. Nothing here logs or keeps the text it is
given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ingest.redact.emails import email_spans
from ingest.redact.ip import ip_spans
from ingest.redact.names import name_detector
from ingest.redact.numbers import card_spans, iban_spans
from ingest.redact.phones import phone_spans
from ingest.redact.spans import Span, mask

Kind = Literal["email", "iban", "card", "ip", "phone", "name"]
KINDS: tuple[Kind, ...] = ("email", "iban", "card", "ip", "phone", "name")
PLACEHOLDERS: dict[Kind, str] = {kind: f"[{kind.upper()}]" for kind in KINDS}

__all__ = ["KINDS", "PLACEHOLDERS", "Kind", "PiiSpan", "Redaction", "find_pii", "redact"]


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


def redact(text: str, names: Iterable[str] = ()) -> Redaction:
    """``text`` with personal data replaced by typed placeholders, and the count per kind.

    ``names`` are people to remove (the requester): each full name, and each part of it of three
    or more letters, matched case- and accent-insensitively as whole words (a part that is also
    an everyday word, such as Bill, only where it is written as a name: not "the bill").
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
        ("email", email_spans),
        ("iban", iban_spans),
        ("card", card_spans),
        ("ip", ip_spans),
        ("phone", phone_spans),
        ("name", name_detector(names)),
    ]
    found: list[PiiSpan] = []
    masked = text
    for kind, detect in detectors:
        spans = detect(masked)
        if spans:
            found += [PiiSpan(kind, start, end) for start, end in spans]
            masked = mask(masked, spans)
        if kind == "iban":
            # An IBAN that fails its checksum is left as it is, and no card or phone number is
            # looked for among its digits either.
            masked = mask(masked, iban_spans(masked, checked=False))
    return sorted(found, key=lambda span: span.start)
