"""What a decision keeps: an edit's answer and reply draft, each diffed against its own original,
and the next actions the agent ticked."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access import Audience
from assistant.errors import ErrorCode, KbassistError
from assistant.records import DecisionIn
from assistant.service import SupportService
from assistant.suggestion import NextAction
from assistant.suggestion_db import SqlSuggestionStore
from tests.assistant.test_service import FakeAssistant, make_record

REPLY = "Hi,\n\nWe refunded the second charge.\n\nBest regards,"


@pytest.fixture
def service(tmp_path: Path) -> SupportService:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    record = make_record()
    actions = [
        NextAction(label="Refund the duplicate", kind="refund", playbook_id="pb-dup", step=2),
        NextAction(label="Escalate to billing", kind="escalate", playbook_id="pb-dup", step=3),
    ]
    suggestion = record.suggestion.model_copy(
        update={"reply_draft": REPLY, "next_actions": actions}
    )
    store.save(record.model_copy(update={"suggestion": suggestion}), Audience.agent())
    return SupportService(FakeAssistant(), store)


def test_an_edit_of_the_reply_is_diffed_against_the_reply_not_the_answer(
    service: SupportService,
) -> None:
    edited = REPLY.replace("the second charge", "the duplicate charge of 240.00 USD")
    decision = service.decide(
        "s1", DecisionIn(action="edit", agent="a", reply_text=edited)
    ).decision
    assert decision.text is None and decision.diff is None  # the answer was not edited
    assert decision.reply_text == edited and decision.reply_diff is not None
    assert "-We refunded the second charge." in decision.reply_diff
    assert "+We refunded the duplicate charge of 240.00 USD." in decision.reply_diff
    assert "Refund the duplicate charge [1]." not in decision.reply_diff  # not the answer


def test_an_edit_of_both_keeps_both_with_their_own_diffs(service: SupportService) -> None:
    answer = "Refund the duplicate charge [1]."
    reply = REPLY + "\nAmelia"
    decision = service.decide(
        "s1", DecisionIn(action="edit", agent="a", text=answer, reply_text=reply)
    ).decision
    assert decision.diff is not None and "-Then tell the customer [2]." in decision.diff
    assert decision.reply_diff is not None and "+Amelia" in decision.reply_diff
    _, history = service.get("s1")
    assert history == [decision]  # both survive the round trip through the database


def test_an_edit_needs_an_edited_answer_or_reply(service: SupportService) -> None:
    with pytest.raises(KbassistError) as info:
        service.decide("s1", DecisionIn(action="edit", agent="a", reply_text="  "))
    assert info.value.code is ErrorCode.BAD_INPUT and "reply_text" in info.value.detail


def test_ticked_actions_are_kept_once_each_in_order(service: SupportService) -> None:
    decision = service.decide(
        "s1", DecisionIn(action="accept", agent="a", actions_done=[2, 1, 2])
    ).decision
    assert decision.actions_done == [1, 2]
    assert service.get("s1")[1][0].actions_done == [1, 2]


@pytest.mark.parametrize(
    ("decision", "named"),
    [
        (DecisionIn(action="accept", agent="a", actions_done=[3]), "actions_done: 3"),
        (DecisionIn(action="accept", agent="a", actions_done=[0]), "actions_done: 0"),
        (
            DecisionIn(
                action="rate_citation",
                agent="a",
                citation_index=1,
                rating="wrong",
                actions_done=[1],
            ),
            "actions_done",
        ),
    ],
)
def test_actions_that_are_not_the_suggestions_are_refused(
    service: SupportService, decision: DecisionIn, named: str
) -> None:
    with pytest.raises(KbassistError) as info:
        service.decide("s1", decision)
    assert info.value.code is ErrorCode.BAD_INPUT and named in info.value.detail
    assert service.get("s1")[1] == []


def test_the_same_ticks_sent_twice_are_one_decision(service: SupportService) -> None:
    first = service.decide("s1", DecisionIn(action="accept", agent="a", actions_done=[1]))
    again = service.decide("s1", DecisionIn(action="accept", agent="a", actions_done=[1]))
    other = service.decide("s1", DecisionIn(action="accept", agent="a", actions_done=[2]))
    assert first.new and not again.new and again.decision.id == first.decision.id
    assert other.new


def test_a_suggestion_without_actions_says_so(tmp_path: Path) -> None:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    store.save(make_record(), Audience.agent())
    plain = SupportService(FakeAssistant(), store)
    with pytest.raises(KbassistError) as info:
        plain.decide("s1", DecisionIn(action="accept", agent="a", actions_done=[1]))
    assert "(it has none)" in info.value.detail
