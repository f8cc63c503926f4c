"""``kbassist ask``'s plain output: what the agent reads in a terminal."""

from __future__ import annotations

from assistant.suggestion import NO_REPLY_DRAFT, Suggestion
from integrations.cli.ask import render


def test_an_answer_without_a_reply_draft_says_so_and_why() -> None:
    answer = "Reconnect as a QuickBooks admin. [1]"
    shown = render(Suggestion(answer=answer, confidence=0.6))
    assert NO_REPLY_DRAFT in shown
    drafted = render(Suggestion(answer=answer, reply_draft="Hi,\n\nReconnect.", confidence=0.6))
    assert "Reply draft:\nHi,\n\nReconnect." in drafted and NO_REPLY_DRAFT not in drafted
    abstained = render(
        Suggestion(
            answer="The knowledge base does not cover this question.",
            confidence=0.0,
            abstained=True,
            reason="no passage matches",
        )
    )
    assert NO_REPLY_DRAFT not in abstained and "Reply draft" not in abstained
