"""E-mail addresses: dot-atom and quoted local parts, domains and address literals."""

from __future__ import annotations

import pytest

from ingest.redact import redact

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


@pytest.mark.parametrize(
    "address",
    [
        '"john doe"@example.com',
        '"john.doe!"@mail.example.org',
        '"a\\"b"@example.org',
        "user@[192.168.0.1]",
        "maria@[IPv6:2001:db8::1]",
    ],
)
def test_quoted_local_parts_and_address_literals_are_one_email(address: str) -> None:
    result = redact(f"Write to {address} today.")
    assert result.text == "Write to [EMAIL] today."
    assert (result.counts["email"], result.counts["ip"]) == (1, 0)


def test_quoted_local_part_holding_the_name_becomes_one_email_placeholder() -> None:
    result = redact('Reply to "maria lopez"@example.org please', REQUESTER)
    assert (result.text, result.counts["name"]) == ("Reply to [EMAIL] please", 0)


@pytest.mark.parametrize(
    "text", ["Ask @[billing] in Slack.", 'She said "hi"@ the desk.', "user@[not-an-address]"]
)
def test_things_that_are_not_addresses_are_kept(text: str) -> None:
    assert redacted(text) == text
