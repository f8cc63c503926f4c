"""Phone numbers: layouts of their own, and national formats that phonenumbers knows."""

from __future__ import annotations

import pytest

from ingest.redact import redact


def redacted(text: str, names: list[str] | None = None) -> str:
    return redact(text, names or []).text


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


@pytest.mark.parametrize(
    "phone",
    [
        "030/12345678",  # DE
        "030 12345678",
        "(030) 12345678",
        "+49 (0)30 12345678",
        "0171 1234567",
        "0171-1234567",
        "0171/1234567",
        "+49 171 1234567",
        "0161 496 0123",  # GB
        "+44 161 496 0123",
        "06.12.34.56.78",  # FR
        "+33 (0)6 12 34 56 78",
        "612 34 56 78",  # ES
        "912 345 678",
        "+34 612 345 678",
        "020-1234567",  # NL
        "+31 (0)20 123 4567",
        "+91 98765 43210",  # IN
        "098765 43210",
        "98765 43210",
        "022 2345 6789",
        "(11) 91234-5678",  # BR
        "+55 11 91234-5678",
        "(21) 3234-5678",
        "(02) 9876 5432",  # AU
        "0412 345 678",
        "+61 412 345 678",
        "+61 2 9876 5432",
    ],
)
def test_national_and_international_formats_of_common_regions_are_replaced(phone: str) -> None:
    assert redacted(f"Ruf mich an: {phone}, danke.") == "Ruf mich an: [PHONE], danke."


@pytest.mark.parametrize(
    "text",
    [
        "Build 10.0.19045.1234 and firmware 2.4.0.12.",
        "Paid 1.250.000,00 € and EUR 1.234.567,89 today.",
        "Dated 2026.04.02 and 02.04.2026, expiry 12/28.",
        "Request 71994369-9978-4f5e-9caa-9c7dfa70a829 failed.",
        "The form had 824.197.78.121 in it.",
        "Invoice INV-2291, order 1234567, 42 items at 10:30.",
    ],
)
def test_numbers_phonenumbers_could_read_as_phones_are_kept(text: str) -> None:
    assert redacted(text) == text
