"""Mentions and DMs: eyes, a threaded Block Kit answer, the guardrails and the asker's teams."""

from __future__ import annotations

import pytest

from assistant.compose import Services
from integrations.slack.support import NOT_ENABLED
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID
from tests.integrations.slack.conftest import ELSEWHERE, TIER2, SlackDriver
from tests.integrations.slack.helpers import dumped, suggestion_id, texts

pytestmark = pytest.mark.slow

REFUND = f"<@{BOT_USER_ID}> A customer was charged twice for one invoice, how do I refund it?"


def answered(slack: SlackDriver) -> list[str]:
    """The methods called, without the lazy auth.test of a fresh app."""
    return [c.method for c in slack.api.calls if c.method != "auth.test"]


def test_mention_gets_eyes_then_a_threaded_answer_with_citation_links(
    slack: SlackDriver, services: Services
) -> None:
    response, ts = slack.mention(REFUND)
    assert response.status_code == 200
    assert answered(slack) == ["reactions.add", "chat.postMessage", "reactions.remove"]
    add = slack.api.calls_to("reactions.add")[0].args
    assert add.items() >= {"channel": "CSUPPORT", "timestamp": ts, "name": "eyes"}.items()
    assert slack.api.calls_to("reactions.remove")[0].args["timestamp"] == ts
    post = slack.api.calls_to("chat.postMessage")[0]
    assert post.args["thread_ts"] == ts and post.args["channel"] == "CSUPPORT"
    shown = texts(post.blocks)
    record, _ = services.service.get(suggestion_id(post.blocks))
    assert record.channel == "slack" and record.asker == "UAGENT"
    assert record.suggestion.answer[:40] in shown.replace("&amp;", "&")
    assert "<https://help.example.com/articles/kb-2|Refund a duplicate charge>" in shown
    assert "Confidence" in shown
    assert post.args["text"]  # a notification fallback goes with the blocks


def test_dm_is_answered_in_its_thread(slack: SlackDriver) -> None:
    response, ts = slack.dm("How do I reset a forgotten password?")
    assert response.status_code == 200
    assert answered(slack) == ["reactions.add", "chat.postMessage", "reactions.remove"]
    post = slack.api.calls_to("chat.postMessage")[0]
    assert post.args["channel"] == "DAGENT" and post.args["thread_ts"] == ts
    assert "<https://help.example.com/articles/kb-1|Reset your password>" in texts(post.blocks)


def test_plain_channel_messages_bot_messages_and_edits_are_ignored(slack: SlackDriver) -> None:
    plain = {"type": "message", "channel_type": "channel", "channel": "CSUPPORT", "user": "UAGENT"}
    slack.event({**plain, "text": "how do I refund a charge?", "ts": slack.next_ts()})
    slack.dm("I am another bot", bot_id="BOTHER", subtype="bot_message")
    slack.dm("edited", subtype="message_changed")
    slack.dm("my own answer", user=BOT_USER_ID, bot_id=BOT_ID)
    assert answered(slack) == []


def test_channel_outside_the_allow_list_gets_one_notice_and_no_answer(slack: SlackDriver) -> None:
    for _ in range(2):
        response, _ = slack.mention(REFUND, channel=ELSEWHERE, user="UNOTICE")
        assert response.status_code == 200
    assert answered(slack) == ["chat.postEphemeral"]
    notice = slack.api.calls_to("chat.postEphemeral")[0].args
    assert notice["channel"] == ELSEWHERE and notice["user"] == "UNOTICE"
    assert notice["text"] == NOT_ENABLED


def test_thread_follow_up_sends_the_earlier_turns_as_history(
    slack: SlackDriver, services: Services
) -> None:
    parent = slack.next_ts()
    reply = slack.next_ts()
    slack.api.script_replies(
        "CSUPPORT",
        parent,
        [
            {"type": "message", "user": "UAGENT", "ts": parent, "text": REFUND},
            {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "ts": reply,
                "text": "Refund the duplicate charge [1].",
            },
        ],
    )
    response, _ = slack.mention(f"<@{BOT_USER_ID}> and for larger amounts?", thread_ts=parent)
    assert response.status_code == 200
    replies = slack.api.calls_to("conversations.replies")
    assert replies and replies[0].args["ts"] == parent
    post = slack.api.calls_to("chat.postMessage")[0]
    assert post.args["thread_ts"] == parent
    record, _ = services.service.get(suggestion_id(post.blocks))
    assert record.request.question == "and for larger amounts?"
    history = [(t.role, t.text) for t in record.request.history]
    assert history == [
        ("user", REFUND.replace(f"<@{BOT_USER_ID}> ", "")),
        ("assistant", "Refund the duplicate charge [1]."),
    ]


def test_restricted_content_follows_the_askers_teams(slack: SlackDriver) -> None:
    question = "How do I restore a deleted invoice?"
    slack.dm(question, user=TIER2)
    mapped = slack.api.calls_to("chat.postMessage")[0]
    assert "help.example.com/articles/kb-3" in texts(mapped.blocks)
    slack.api.clear()

    slack.mention(f"<@{BOT_USER_ID}> {question}", user="UNMAPPED")
    slack.dm(question, user="UNMAPPED")
    for call in slack.api.calls:
        sent = dumped(call.args)
        assert "kb-3" not in sent and "restored from the database" not in sent
    assert len(slack.api.calls_to("chat.postMessage")) == 2


def test_a_channel_answer_uses_only_teams_the_channel_shares(slack: SlackDriver) -> None:
    """Everyone in the channel reads the answer: a tier2 agent's mention there must not quote
    tier2-only content unless the channel is mapped to tier2."""
    slack.mention(f"<@{BOT_USER_ID}> How do I restore a deleted invoice?", user=TIER2)
    for call in slack.api.calls:
        sent = dumped(call.args)
        assert "kb-3" not in sent and "restored from the database" not in sent
    assert slack.api.calls_to("chat.postMessage")
