"""IBANs (checked by schwifty) and payment card numbers (Luhn-checked)."""

from __future__ import annotations

import pytest

from ingest.redact import redact


def redacted(text: str, names: list[str] | None = None) -> str:
    return redact(text, names or []).text


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


@pytest.mark.parametrize(
    "card", ["4111.1111.1111.1111", "3782.822463.10005", "5555.5555.5555.4444"]
)
def test_card_grouped_with_dots_is_replaced(card: str) -> None:
    result = redact(f"My card {card} was charged.")
    assert result.text == "My card [CARD] was charged."
    assert (result.counts["card"], result.counts["ip"], result.counts["phone"]) == (1, 0, 0)


@pytest.mark.parametrize("text", ["Order 4111.1111.1111.1112 shipped.", "Ref 4111.1111-1111 1111."])
def test_dotted_number_failing_luhn_or_mixing_separators_is_not_a_card(text: str) -> None:
    assert redact(text).counts["card"] == 0


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


@pytest.mark.parametrize(
    "iban",
    [
        "AT61 1904 3002 3457 3201",
        "NL91ABNA0417164300",
        "BE68 5390 0754 7034",
        "CH93 0076 2011 6238 5295 7",
        "ES9121000418450200051332",
        "IT60 X054 2811 1010 0000 0123 456",
        "PL61 1090 1014 0000 0712 1981 2874",
        "SE45 5000 0000 0583 9825 7466",
        "NO9386011117947",
        "IE29 AIBK 9311 5212 3456 78",
        "PT50 0002 0123 1234 5678 9015 4",
        "DK50 0040 0440 1162 43",
        "FI21 1234 5600 0007 85",
        "de89370400440532013000",
    ],
)
def test_ibans_of_many_countries_with_spaces_or_not_are_replaced(iban: str) -> None:
    assert redacted(f"IBAN: {iban}.") == "IBAN: [IBAN]."


def test_iban_with_good_check_digits_but_a_bad_layout_is_kept() -> None:
    # Mod-97 holds, but a German account number has no letters: not an IBAN, and not a phone.
    text = "Ref DE0537040044053201300A is no account."
    assert redacted(text) == text
