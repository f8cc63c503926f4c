"""The PII redactor as a whole, on a ticket holding every kind (each kind: tests/ingest/redact/)."""

from __future__ import annotations

import dataclasses

import pytest

from ingest.redact import KINDS, PiiSpan, Redaction, find_pii, redact

REQUESTER = ["Maria Lopez"]


def redacted(text: str, names: list[str] | None = None) -> str:
    return redact(text, names or []).text


# --- the whole ----------------------------------------------------------------------------------

TICKET = (
    "Hi, Maria Lopez here (maria.lopez@example.org, +44 20 7946 0958). I was charged twice for "
    "INV-2041 on 2026-04-02: card 4111 1111 1111 1111, refund to DE89 3704 0044 0532 0130 00. "
    "I logged in from 192.168.1.20 and 2001:db8::1 with app 5.2.1. Thanks, MARIA"
)
TICKET_PII = (
    "Maria",
    "Lopez",
    "maria.lopez@example.org",
    "7946 0958",
    "4111 1111 1111 1111",
    "DE89",
    "0532 0130",
    "192.168.1.20",
    "2001:db8::1",
)


def test_ticket_is_redacted_in_full() -> None:
    assert redacted(TICKET, REQUESTER) == (
        "Hi, [NAME] here ([EMAIL], [PHONE]). I was charged twice for INV-2041 on 2026-04-02: "
        "card [CARD], refund to [IBAN]. I logged in from [IP] and [IP] with app 5.2.1. "
        "Thanks, [NAME]"
    )


def test_counts_give_the_placeholders_inserted_per_kind() -> None:
    assert redact(TICKET, REQUESTER).counts == {
        "email": 1,
        "iban": 1,
        "card": 1,
        "ip": 2,
        "phone": 1,
        "name": 2,
    }


def test_counts_list_every_kind_even_when_nothing_is_found() -> None:
    assert redact("Nothing personal here.").counts == dict.fromkeys(KINDS, 0)


@pytest.mark.parametrize("value", TICKET_PII)
def test_nothing_of_the_original_pii_remains(value: str) -> None:
    assert value.lower() not in redacted(TICKET, REQUESTER).lower()


def test_redacting_twice_gives_the_same_text() -> None:
    once = redacted(TICKET, REQUESTER)
    assert redacted(once, REQUESTER) == once


def test_placeholders_are_not_taken_for_names() -> None:
    assert redacted("[NAME] and [EMAIL]", ["Name Email"]) == "[NAME] and [EMAIL]"


def test_empty_text_gives_empty_text() -> None:
    assert redact("", REQUESTER) == Redaction(text="", counts=dict.fromkeys(KINDS, 0))


def test_redaction_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        redact("x").text = "y"  # type: ignore[misc]


def test_find_pii_gives_kinds_and_offsets_in_the_input() -> None:
    assert find_pii("mail maria@example.org from 10.0.0.1") == [
        PiiSpan("email", 5, 22),
        PiiSpan("ip", 28, 36),
    ]
