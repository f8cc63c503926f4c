"""Problem cues: what marks a report of something gone wrong, as against a question asking how
something works."""

from __future__ import annotations

import pytest

from assistant.answerers.situation import MAX_CUES, problem_cues


@pytest.mark.parametrize(
    "text",
    [
        "QuickBooks sync won't start since Friday",
        "customer can't sign in with SSO",
        "the reset email never arrived",
        "Client was charged twice for INV-0457",
        "our script gets 429 after a few seconds",
        "the app says 'File too large' when I upload",
        "payout failed and the balance is stuck",
        # every form of a cue's verb counts, not only the one first listed
        "two new hires never showed up in the account",
        "the receipt photo disappears when I hit Save",
        "customer swears they get 429s at 30 requests a minute",
        # a case the agent relays, and the agent asking whether to act on it
        "Enterprise customer's finance lead says they want to cancel at the end of the quarter",
        "a letter arrived from their lawyer, who is demanding all personal data we hold",
        "Annual renewal went through 2 weeks ago. Can I just refund it?",
        "The owner wants out of the contract. How do I process that?",
    ],
)
def test_a_report_of_a_problem_has_cues(text: str) -> None:
    assert problem_cues(text) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "How long does the card issuer take to decide a dispute?",
        "Is there a webhook event for new disputes?",
        "can an owner make 2fa mandatory for everybody on the account?",
        "Do customers sync both ways between Ledgerly and QuickBooks Online?",
        "What happens to SSO when a customer downgrades to Growth?",
        # asking how something is done is not relaying a case or asking leave to act
        "customer asks how to export the aged receivables report",
        "Can I change the invoice template after the invoice is sent?",
        "How often does Ledgerly send invoices to QuickBooks?",
    ],
)
def test_a_question_on_how_something_works_has_none(text: str) -> None:
    assert problem_cues(text) == 0


def test_the_count_is_capped() -> None:
    text = "error again: sync failed, still stuck, 'Sync paused' and it won't reconnect"
    assert problem_cues(text) == MAX_CUES
