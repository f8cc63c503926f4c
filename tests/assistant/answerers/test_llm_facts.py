"""The LLM answerer keeps a cited sentence only when its facts are in the passages it cites.

Each reply comes from the fake OpenAI-compatible server through the real ``openai`` client;
passage [1] is about password reset links, [2] about plans and two-factor authentication.
"""

from __future__ import annotations

import pytest

from assistant.answerers.fallback import FallbackAnswerer
from tests.assistant.answerers.payloads import (
    MakeAnswerer,
    StandIn,
    context,
    fact_passages,
    output,
    sentence,
)
from tests.fakes.openai_server import FakeOpenAIServer

GOOD = sentence("Only the newest link works [1].", 1)

WRONG = {
    "the issue's example": (
        sentence("Reset links are valid for 30 minutes and only the oldest link works [1].", 1),
        ["duration '30 minutes'", "opposite 'oldest' (the passage says 'newest')"],
    ),
    "a wrong duration": (
        sentence("Reset links expire 30 minutes after they are sent [1].", 1),
        ["duration '30 minutes'"],
    ),
    "a wrong count": (
        sentence("The Starter plan includes up to 5 users [2].", 2),
        ["number '5'"],
    ),
    "oldest for newest": (
        sentence("Only the oldest link works, so use the first email [1].", 1),
        ["opposite 'oldest' (the passage says 'newest')"],
    ),
    "newer for older": (
        sentence("Newer links stop working as soon as you request another one [1].", 1),
        ["opposite 'Newer' (the passage says 'older')"],
    ),
    "a wrong plan name": (
        sentence("SAML SSO is available on the Business plan only [2].", 2),
        ["name 'Business'"],
    ),
    "can for cannot": (
        sentence("Support agents can turn off two-factor authentication on request [2].", 2),
        ["negation 'cannot' (in the passage, not the sentence:"],
    ),
    "cannot for can": (
        sentence("A password reset does not expire the reset links [1].", 1),
        ["negation 'not' (not in the passage:"],
    ),
    "a positive for a negation": (
        sentence("A password reset turns off two-factor authentication [1].", 1),
        ["negation 'not' (in the passage, not the sentence:"],
    ),
    "a wrong menu path": (
        sentence("Go to Settings > Billing and click Change plan [2].", 2),
        ["menu path 'Settings > Billing'"],
    ),
    "a wrong label": (
        sentence('Go to Settings > Subscription and click "Switch plan" [2].', 2),
        ["label 'Switch plan'"],
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_a_sentence_with_a_wrong_fact_is_removed_with_a_warning_naming_it(
    openai_server: FakeOpenAIServer, make_answerer: MakeAnswerer, case: str
) -> None:
    wrong, named = WRONG[case]
    openai_server.reply(output(answer=[GOOD, wrong], reply=[]))
    got = make_answerer().answer(context(), fact_passages())

    assert got.answer == "Only the newest link works [1]."
    (warning,) = got.warnings
    assert warning.startswith("answer: removed a sentence its passages do not support (")
    assert all(item in warning for item in named), warning
    assert got.confidence == pytest.approx(0.5)  # one of the two sentences survived


PARAPHRASES = [
    sentence("A reset link stops working an hour after it is sent, or once it is used [1].", 1),
    sentence("Every emailed link lapses after sixty minutes [1].", 1),
    sentence("Only the most recent link is valid; requesting another disables older ones [1].", 1),
    sentence("Agents in support are not able to switch off 2FA when asked [2].", 2),
    sentence("To add more people than the 2 users of Starter, move to Growth [2].", 2),
    sentence("Open Settings > Subscription, then click **Change plan** [2].", 2),
    sentence("Single sign-on with SAML needs the Enterprise plan [2].", 2),
]


def test_correct_paraphrases_are_kept(
    openai_server: FakeOpenAIServer, make_answerer: MakeAnswerer
) -> None:
    openai_server.reply(output(answer=PARAPHRASES, reply=[], confidence=0.9))
    got = make_answerer().answer(context(), fact_passages())

    assert got.warnings == []
    assert got.answer.count("[1]") == 3 and got.answer.count("[2]") == 4
    assert "lapses after sixty minutes [1]." in got.answer
    assert got.confidence == pytest.approx(0.9)


def test_a_sentence_citing_two_passages_may_take_facts_from_each(
    openai_server: FakeOpenAIServer, make_answerer: MakeAnswerer
) -> None:
    both = sentence("Links expire after 60 minutes, and Starter includes up to 2 users.", 1, 2)
    only_one = sentence("Links expire after 60 minutes, and Starter includes up to 2 users.", 1)
    openai_server.reply(output(answer=[both, only_one], reply=[]))
    got = make_answerer().answer(context(), fact_passages())

    assert got.answer == "Links expire after 60 minutes, and Starter includes up to 2 users [1][2]."
    (warning,) = got.warnings
    assert "name 'Starter'" in warning and "number '2'" in warning


def test_the_reply_draft_loses_a_sentence_with_a_wrong_fact(
    openai_server: FakeOpenAIServer, make_answerer: MakeAnswerer
) -> None:
    reply = [
        sentence("Hi, thanks for writing in."),
        sentence("Your reset link works for 60 minutes [1].", 1),
        sentence("Your reset link works for 24 hours [1].", 1),
    ]
    openai_server.reply(output(answer=[GOOD], reply=reply))
    got = make_answerer().answer(context(), fact_passages())

    assert "Your reset link works for 60 minutes." in got.reply_draft
    assert "24 hours" not in got.reply_draft
    (warning,) = got.warnings
    assert warning.startswith("reply draft: removed a sentence") and "'24 hours'" in warning


def test_a_fabricated_sentence_without_checkable_facts_falls_below_the_overlap_floor(
    openai_server: FakeOpenAIServer, make_answerer: MakeAnswerer
) -> None:
    made_up = sentence("Apologise and offer the customer a goodwill credit [1].", 1)
    openai_server.reply(output(answer=[GOOD, made_up], reply=[]))
    got = make_answerer().answer(context(), fact_passages())

    assert got.answer == "Only the newest link works [1]."
    (warning,) = got.warnings
    assert "too few of its words are in them" in warning and "goodwill credit" in warning


def test_when_every_sentence_fails_the_check_the_extractive_answer_takes_over(
    openai_server: FakeOpenAIServer, make_answerer: MakeAnswerer
) -> None:
    wrong = [WRONG["a wrong duration"][0], WRONG["a wrong plan name"][0]]
    openai_server.reply(output(answer=wrong))
    standin = StandIn()
    got = FallbackAnswerer(make_answerer(), standin).answer(context(), fact_passages())

    assert (got.answerer, got.answer, standin.calls) == ("standin", "stand-in answer", 1)
    assert got.fallback_reason == "llm answer not supported by its passages"
