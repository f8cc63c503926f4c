"""Figures made comparable across units and ranges, and look-alike sentences told apart."""

from __future__ import annotations

from assistant.governance.quantities import contrasted, disagreement, figures


def differ(a: str, b: str) -> str | None:
    return disagreement(figures(a), figures(b))


def test_the_same_duration_in_other_units_agrees_and_a_different_one_does_not() -> None:
    assert differ("kept in the trash for 2 weeks", "kept in the trash for 14 days") is None
    assert differ("valid for 12 months", "valid for 1 year") is None  # within the tolerance
    assert differ("expires after 60 minutes", "expires after 24 hours") == "duration"
    assert differ("expires after 60 minutes", "expires after 1 hour") is None


def test_a_range_is_one_interval_not_its_upper_bound() -> None:
    stated = figures("refunds appear within 3 to 7 business days")
    assert stated.intervals == {"business day": ((3.0, 7.0),)}
    assert stated.written["business day"] == "3 to 7 business days"
    assert differ("within 3 to 7 business days", "within 5 business days") is None
    assert differ("within 3 to 7 business days", "within 10 business days") == "business day"


def test_amounts_compare_by_currency_and_counts_by_what_is_counted() -> None:
    assert differ("refund up to $500", "refund up to 500 USD") is None
    assert differ("refund up to $500", "refund up to 250 USD") == "usd"
    assert differ("refund up to $500", "refund up to 250 EUR") is None  # another currency
    assert figures("after 5 failed sign-in attempts").written == {"attempt": "5 attempts"}
    assert figures("1 of our users").intervals == {}  # "of our" is no description of users
    assert differ("after 5 failed sign-in attempts", "after 10 failed attempts") == "attempt"


def test_sentences_qualifying_the_same_word_differently_are_about_different_things() -> None:
    monthly = "Monthly plans can be refunded within 7 days of the charge."
    annual = "Annual plans can be refunded within 30 days of the charge."
    assert contrasted(monthly, annual)
    assert not contrasted(
        "If you pay annually, you can request a full refund within 14 days of the charge.",
        "You can get a full refund within 30 days of a charge for an annual plan.",
    )
