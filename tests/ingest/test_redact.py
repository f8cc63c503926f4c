"""Unit tests for the PII redactor that runs on tickets before anything is embedded or stored."""

from __future__ import annotations

import dataclasses

import pytest

from ingest.redact import KINDS, PiiSpan, Redaction, find_pii, redact

REQUESTER = ["Maria Lopez"]


def redacted(text: str, names: list[str] | None = None) -> str:
    return redact(text, names or []).text


# --- e-mail -----------------------------------------------------------------------------------


def test_email_is_replaced() -> None:
    assert redacted("Write to maria@example.org today.") == "Write to [EMAIL] today."


def test_email_with_dots_plus_and_subdomains_is_replaced_whole() -> None:
    text = "cc: m.lopez+billing@mail.example.co.uk."
    assert redacted(text) == "cc: [EMAIL]."


def test_email_holding_the_name_becomes_one_email_placeholder() -> None:
    result = redact("Reply to maria.lopez@example.org please", REQUESTER)
    assert result.text == "Reply to [EMAIL] please"
    assert result.counts["name"] == 0


def test_email_in_angle_brackets_keeps_the_brackets() -> None:
    assert redacted("From: Support <maria@example.org>") == "From: Support <[EMAIL]>"


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "+1 (415) 555-0199",
        "+1 415-555-0199",
        "+14155550199",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+33 1 23 45 67 89",
        "+49 30 12345678",
        "0044 20 7946 0958",
    ],
)
def test_international_phone_is_replaced(phone: str) -> None:
    assert redacted(f"Call me on {phone} after lunch.") == "Call me on [PHONE] after lunch."


@pytest.mark.parametrize(
    "phone", ["(415) 555-0199", "415-555-0199", "415.555.0199", "415 555 0199", "1-800-555-0199"]
)
def test_us_phone_is_replaced(phone: str) -> None:
    assert redacted(f"Phone: {phone}.") == "Phone: [PHONE]."


@pytest.mark.parametrize(
    "phone", ["020 7946 0958", "07700 900123", "01 23 45 67 89", "030 12345678", "06-12345678"]
)
def test_uk_and_eu_national_phone_is_replaced(phone: str) -> None:
    assert redacted(f"Phone: {phone}.") == "Phone: [PHONE]."


def test_seven_digit_local_phone_is_replaced() -> None:
    assert redacted("Extension line 555-0199 is mine") == "Extension line [PHONE] is mine"


def test_bare_ten_digit_number_after_a_phone_cue_is_replaced() -> None:
    assert redacted("You can call me on 4155550199.") == "You can call me on [PHONE]."


def test_bare_ten_digit_number_without_a_phone_cue_is_kept() -> None:
    assert redacted("Order 4155550199 and timestamp 1712051460") == (
        "Order 4155550199 and timestamp 1712051460"
    )


def test_tail_of_a_long_number_is_not_taken_for_a_phone() -> None:
    text = "Account 6842 0610 9776 8477 is closed"
    assert redacted(text) == text


def test_phone_followed_by_a_date_leaves_the_date() -> None:
    assert redacted("Call +44 20 7946 0958, 2026-04-02") == "Call [PHONE], 2026-04-02"


@pytest.mark.parametrize(
    "text",
    [
        "Charged on 2026-04-02 and again on 02.04.2026 and 02/04/2026.",
        "Created 2026-04-02T10:11:00Z, solved at 15:40:00.",
        "It started at 10:30 in 2025 and again in 2026.",
        "Two charges of 1,250.00 and $1,250.00 (EUR 1 250 000.00).",
        "Invoice INV-2041 and order #48213, ticket 48213.",
        "Updated to 5.2.1, then v10.0.19045.",
        "It failed 3 times in 42 minutes, 15% of 12345 requests.",
        "Error 0x80070005 on request 123e4567-e89b-12d3-a456-426614174000.",
    ],
)
def test_numbers_that_are_not_phones_are_kept(text: str) -> None:
    assert redacted(text) == text


# --- payment cards ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "3782 822463 10005"],
)
def test_card_passing_luhn_is_replaced(card: str) -> None:
    assert redacted(f"My card {card} was charged.") == "My card [CARD] was charged."


def test_number_failing_luhn_is_kept() -> None:
    text = "Order number 4111 1111 1111 1112 shipped."
    assert redacted(text) == text


def test_card_is_not_reported_as_phone() -> None:
    counts = redact("card 4111111111111111").counts
    assert (counts["card"], counts["phone"]) == (1, 0)


def test_card_followed_by_expiry_keeps_the_expiry() -> None:
    assert redacted("card 4111 1111 1111 1111 exp 12/28") == "card [CARD] exp 12/28"


# --- IBAN -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_valid_iban_is_replaced(iban: str) -> None:
    assert redacted(f"Refund to {iban}, thanks") == "Refund to [IBAN], thanks"


def test_iban_with_bad_checksum_is_kept_and_not_eaten_as_phone() -> None:
    text = "Old account DE88 3704 0044 0532 0130 00 is closed."
    assert redacted(text) == text


def test_iban_is_not_reported_as_card_or_phone() -> None:
    counts = redact("IBAN: DE89370400440532013000").counts
    assert (counts["iban"], counts["card"], counts["phone"]) == (1, 0, 0)


# --- IP addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.1", "255.255.255.255"])
def test_ipv4_is_replaced(address: str) -> None:
    assert redacted(f"Requests from {address}.") == "Requests from [IP]."


def test_ipv4_port_is_kept() -> None:
    assert redacted("Bound to 10.0.0.1:8080") == "Bound to [IP]:8080"


@pytest.mark.parametrize(
    "address",
    [
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "2001:db8::8a2e:370:7334",
        "fe80::1",
        "::1",
        "::ffff:192.0.2.1",
    ],
)
def test_ipv6_is_replaced(address: str) -> None:
    assert redacted(f"Client {address} failed") == "Client [IP] failed"


@pytest.mark.parametrize(
    "text",
    [
        "Bad address 999.1.1.1",
        "Version 5.2.1",
        "Build 1.2.3.4.5",
        "Octet too large: 256.1.1.1",
        "At 10:30:00 the job ran",
        "MAC 00:1A:2B:3C:4D:5E",
    ],
)
def test_things_that_are_not_ip_addresses_are_kept(text: str) -> None:
    assert redacted(text) == text


# --- names ------------------------------------------------------------------------------------


def test_full_name_is_replaced_once() -> None:
    result = redact("Ticket from Maria Lopez about billing", REQUESTER)
    assert (result.text, result.counts["name"]) == ("Ticket from [NAME] about billing", 1)


def test_first_name_alone_is_replaced() -> None:
    assert redacted("Thanks, Maria", REQUESTER) == "Thanks, [NAME]"


def test_last_name_alone_is_replaced() -> None:
    assert redacted("Ms Lopez called", REQUESTER) == "Ms [NAME] called"


def test_name_in_capitals_is_replaced() -> None:
    assert redacted("MARIA LOPEZ wrote", REQUESTER) == "[NAME] wrote"


def test_name_in_lower_case_is_replaced() -> None:
    assert redacted("signed: maria", REQUESTER) == "signed: [NAME]"


def test_name_inside_a_longer_word_is_kept() -> None:
    text = "The Mariachi band played in Lopezville"
    assert redacted(text, REQUESTER) == text


def test_possessive_name_is_replaced() -> None:
    assert redacted("Maria's card", REQUESTER) == "[NAME]'s card"


def test_name_written_without_its_accents_is_replaced() -> None:
    assert redacted("Hola Jose Garcia", ["José García"]) == "Hola [NAME]"


def test_name_part_shorter_than_three_letters_is_kept_alone() -> None:
    assert redacted("Wei Li asked; Li is a common word here", ["Wei Li"]) == (
        "[NAME] asked; Li is a common word here"
    )


def test_hyphenated_name_and_its_parts_are_replaced() -> None:
    assert redacted("Jean-Luc Martin, Jean, Luc", ["Jean-Luc Martin"]) == "[NAME], [NAME], [NAME]"


def test_name_split_over_a_line_break_is_replaced_once() -> None:
    result = redact("Maria\nLopez", REQUESTER)
    assert (result.text, result.counts["name"]) == ("[NAME]", 1)


def test_other_people_are_kept() -> None:
    assert redacted("Agent Tom Reed replied", REQUESTER) == "Agent Tom Reed replied"


def test_no_names_given_replaces_no_names() -> None:
    assert redacted("Maria Lopez") == "Maria Lopez"


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
