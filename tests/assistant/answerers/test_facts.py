"""The fact check of one sentence against its passage, on hand-worked sentences.

The passages are lines of the sample knowledge base (examples/kb); each case says what a careful
reader would object to in the sentence, or that they would accept it.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from assistant.answerers.facts import check, overlap, quantities

RESET = (
    "Click **Choose a new password**. The link is valid for 60 minutes and can be used only once. "
    "Enter a new password of at least 12 characters.\n"
    "Request a new link. Only the newest link works: older links stop working as soon as you "
    "request another one.\n"
    "After 5 failed sign-in attempts in a row, Ledgerly locks the account for 15 minutes.\n"
    "If your company signs in with single sign-on (SSO), your password is managed by your "
    "identity provider (for example Okta or Azure AD), not by Ledgerly. You do not need to "
    "contact support, and a password reset does not change your invoices, payments or settings."
)
PLANS = (
    "Ledgerly has three plans: **Starter**, **Growth** and **Enterprise**. "
    "Go to **Settings > Subscription** and click **Change plan**. "
    "The Starter plan includes up to 2 users and has no extra seats; upgrade to Growth to add more "
    "people. Annual plans can be refunded in full if the charge was made in the last 30 days. "
    "Escalate refunds above 500 USD to billing. Payouts keep a 2.5% fee. "
    "A rate that is used on invoices cannot be deleted, but you can archive it."
)


def _problems(claim: str, passage: str) -> list[str]:
    return [str(item) for item in check(claim, passage).unsupported]


@pytest.mark.parametrize(
    ("claim", "passage", "objection"),
    [
        # quantities
        ("The link is valid for 30 minutes.", RESET, "duration '30 minutes'"),
        ("The link is valid for one day.", RESET, "duration 'one day'"),
        ("The account is locked after 3 failed attempts.", RESET, "number '3'"),
        ("Passwords need at least 8 characters.", RESET, "number '8'"),
        ("Escalate refunds above 500 EUR to billing.", PLANS, "amount '500 EUR'"),
        ("Escalate refunds above $50 to billing.", PLANS, "amount '$50'"),
        ("Payouts keep a 3% fee.", PLANS, "percentage '3%'"),
        ("Annual plans are refunded within 14 days.", PLANS, "duration '14 days'"),
        # opposites
        ("Only the oldest link works.", RESET, "opposite 'oldest' (the passage says 'newest')"),
        ("Newer links stop working.", RESET, "opposite 'Newer' (the passage says 'older')"),
        ("Use at most 12 characters.", RESET, "opposite 'at most' (the passage says 'at least')"),
        ("Use the latest link.", PLANS, "opposite 'latest' (not in the passage)"),
        ("Downgrade to Growth to add more people.", PLANS, "opposite 'Downgrade'"),
        ("Monthly plans are refunded in full.", PLANS, "opposite 'Monthly'"),
        # negation
        ("You need to contact support to reset it.", RESET, "negation 'not' (in the passage"),
        ("A password reset changes your invoices.", RESET, "negation 'not' (in the passage"),
        ("The link cannot be used.", RESET, "negation 'cannot' (not in the passage"),
        ("A rate used on invoices can be deleted.", PLANS, "negation 'cannot' (in the passage"),
        # named items
        ("The Business plan includes up to 2 users.", PLANS, "name 'Business'"),
        ("Okta or OneLogin manages the password.", RESET, "name 'OneLogin'"),
        ("With SAML, the identity provider manages it.", RESET, "name 'SAML'"),
        ("Go to Settings > Billing to change plan.", PLANS, "menu path 'Settings > Billing'"),
        ("Click **Upgrade now** to change plan.", PLANS, "label 'Upgrade now'"),
        ('Click "Change plans" in Settings.', PLANS, "label 'Change plans'"),
        ("Quote INV-4410 when you contact support.", RESET, "code 'INV-4410'"),
    ],
)
def test_a_fact_the_passage_does_not_state_is_named(
    claim: str, passage: str, objection: str
) -> None:
    problems = _problems(claim, passage)
    assert any(p.startswith(objection) for p in problems), problems


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("The link works for an hour and only once.", RESET),
        ("Reset links stay valid for sixty minutes.", RESET),
        ("A 60-minute link, usable a single time.", RESET),
        ("Ledgerly locks the account for 15 minutes after 5 failed attempts.", RESET),
        ("Only the most recent link is valid; older ones stop working.", RESET),
        ("Choose a password of 12 characters at least.", RESET),
        ("You can reset it without contacting support.", RESET),
        ("A reset does not change invoices or settings.", RESET),
        ("With SSO your identity provider, such as Okta, manages your password.", RESET),
        ("Open Settings > Subscription and click **Change plan**.", PLANS),
        ("Starter has up to 2 users; move to Growth for more people.", PLANS),
        ("A rate used on invoices can be archived, but not deleted.", PLANS),
        ("Refunds over $500 go to billing.", PLANS.replace("500 USD", "$500")),
        ("An annual plan charged in the last 30 days gets a full refund.", PLANS),
        ("Refunds above 500 USD are escalated to billing.", PLANS),
    ],
)
def test_a_correct_sentence_is_accepted_even_in_other_words(claim: str, passage: str) -> None:
    assert _problems(claim, passage) == []
    assert check(claim, passage).holds(0.3)


def test_the_issue_example_names_both_wrong_facts() -> None:
    claim = "Reset links are valid for 30 minutes and only the oldest link works."
    assert _problems(claim, RESET) == [
        "duration '30 minutes'",
        "opposite 'oldest' (the passage says 'newest')",
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("valid for 60 minutes", [("duration", "minutes", 60, "60 minutes")]),
        ("within the hour, or an hour", [("duration", "minutes", 60, "an hour")]),
        (
            "1 to 2 business days",
            [
                ("duration", "business days", 1, "1"),
                ("duration", "business days", 2, "2 business days"),
            ],
        ),
        ("a 30-day window", [("duration", "minutes", 43200, "30-day")]),
        ("12 months", [("duration", "months", 12, "12 months")]),
        ("€20 or 1,000 USD", [("amount", "EUR", 20, "€20"), ("amount", "USD", 1000, "1,000 USD")]),
        (
            "15 percent, 2.5%",
            [("percentage", "%", 15, "15 percent"), ("percentage", "%", 2.5, "2.5%")],
        ),
        ("a six-digit code", [("number", "", 6, "six")]),
        ("request another one, a second charge, twice a month", [("number", "", 2, "twice")]),
        ("invoice INV-4410, 2FA", []),
    ],
)
def test_quantities_are_read_as_a_person_reads_them(
    text: str, found: list[tuple[str, str, float, str]]
) -> None:
    got = [
        (q.kind, q.unit, q.base if q.kind != "number" else q.value, q.text)
        for q in quantities(text)
    ]
    assert got == [(k, u, Fraction(str(v)), t) for k, u, v, t in found]


def test_one_hour_and_sixty_minutes_are_the_same_duration_but_not_a_month_and_30_days() -> None:
    assert _problems("It expires after one hour.", "It expires after 60 minutes.") == []
    assert _problems("It lasts a week.", "It lasts 7 days.") == []
    assert _problems("It lasts a month.", "It lasts 30 days.") == ["duration 'a month'"]


def test_a_sentence_initial_word_is_a_name_only_when_it_reads_as_one() -> None:
    assert _problems("Remember: Starter includes up to 2 users.", PLANS) == []
    assert _problems("Upgrade to Growth to add more people.", PLANS) == []
    assert _problems("For Business customers, Starter includes 2 users.", PLANS) == [
        "name 'Business'"
    ]
    assert _problems("Business customers get up to 2 users.", PLANS) == ["name 'Business'"]
    assert _problems("Pro and Growth plans can add people.", PLANS) == ["name 'Pro'"]


def test_overlap_is_a_share_of_content_words_lightly_stemmed() -> None:
    assert overlap("Links expire.", "The link expired.") == 1.0
    assert overlap("Offer the customer a goodwill credit.", RESET) == 0.0
    assert overlap("Contact the billing team.", "Contact support.") == pytest.approx(1 / 3)
    assert overlap("It is.", "anything") == 1.0  # nothing to compare


def test_holds_needs_every_fact_and_the_overlap_floor() -> None:
    assert check("Older links stop working.", RESET).holds(0.3)
    assert not check("Older links stop working for 30 minutes.", RESET).holds(0.3)
    assert not check("Offer the customer a goodwill credit.", RESET).holds(0.3)
    assert check("Offer the customer a goodwill credit.", RESET).holds(0.0)


def test_an_opposite_is_judged_by_the_clause_the_sentence_restates() -> None:
    passage = "Before you start, export your data. Links expire 60 minutes after they are sent."
    assert _problems("Links expire 60 minutes after they are sent.", passage) == []
    assert _problems("Links expire 60 minutes before they are sent.", passage) == [
        "opposite 'before' (the passage says 'after')"
    ]
