"""/kb, Share, and the decision buttons and modals."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.compose import Services
from assistant.formatting import to_plain
from integrations.slack.actions import _UNCHANGED
from integrations.slack.blocks import ACCEPT, EDIT, OVERRIDE, SHARE
from integrations.slack.checklist import ACTION_DONE, ACTIONS_BLOCK
from integrations.slack.views import (
    EDIT_VIEW,
    OVERRIDE_VIEW,
    REASON_BLOCK,
    REPLY_BLOCK,
    TEXT_BLOCK,
    MessageRef,
)
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID
from tests.integrations.slack.conftest import AGENT, ALLOWED, ELSEWHERE, TIER2, SlackDriver
from tests.integrations.slack.helpers import button_values, suggestion_id, texts

pytestmark = pytest.mark.slow

QUESTION = "A customer was charged twice for one invoice, how do I refund it?"


def posted_answer(slack: SlackDriver) -> tuple[str, str]:
    """Mention the bot; the suggestion id and the ts of the answer it posted."""
    slack.mention(f"<@{BOT_USER_ID}> {QUESTION}")
    post = slack.api.calls_to("chat.postMessage")[-1]
    return suggestion_id(post.blocks), post.answer["ts"]


def opened_view(slack: SlackDriver) -> dict[str, Any]:
    """The modal as ``views.open`` answered it (with its id)."""
    view: dict[str, Any] = slack.api.calls_to("views.open")[-1].answer["view"]
    return view


def test_kb_command_answers_ephemerally_with_a_share_button(slack: SlackDriver) -> None:
    response = slack.command(QUESTION)
    assert response.status_code == 200
    reply = slack.api.calls_to("response_url")[-1]
    assert reply.args["response_type"] == "ephemeral"
    assert set(button_values(reply.args["blocks"])) == {ACCEPT, EDIT, OVERRIDE, SHARE}
    assert "<https://help.example.com/articles/kb-2|Refund a duplicate charge>" in texts(
        reply.args["blocks"]
    )
    assert not slack.api.calls_to("chat.postMessage")  # nobody else sees it


def test_kb_command_without_a_question_or_outside_the_allow_list(slack: SlackDriver) -> None:
    slack.command("   ")
    slack.command(QUESTION, channel=ELSEWHERE)
    usage, elsewhere = (c.args["text"] for c in slack.api.calls_to("response_url"))
    assert "/kb" in usage and "not enabled" in elsewhere


def test_share_posts_the_answer_in_the_channel(slack: SlackDriver, services: Services) -> None:
    slack.command(QUESTION)
    sid = suggestion_id(slack.api.calls_to("response_url")[-1].args["blocks"])
    slack.api.clear()
    response = slack.click(SHARE, sid, ephemeral=True)
    assert response.status_code == 200
    post = slack.api.calls_to("chat.postMessage")[0]
    assert post.args["channel"] == "CSUPPORT" and "thread_ts" not in post.args
    assert "Shared by <@UAGENT>" in texts(post.blocks)
    assert suggestion_id(post.blocks) == sid and SHARE not in button_values(post.blocks)
    assert slack.api.calls_to("response_url")[-1].args["delete_original"] is True


def test_share_refuses_an_answer_that_quotes_team_restricted_content(slack: SlackDriver) -> None:
    slack.command("How do I restore a deleted invoice?", user=TIER2)
    reply = slack.api.calls_to("response_url")[-1]
    assert "kb-3" in texts(reply.args["blocks"])  # the asker alone may see it
    slack.api.clear()
    slack.click(SHARE, suggestion_id(reply.args["blocks"]), ephemeral=True, user=TIER2)
    assert not slack.api.calls_to("chat.postMessage")
    assert "can't be shared" in slack.api.calls_to("response_url")[-1].args["text"]


def test_accept_records_the_decision_and_updates_the_message(
    slack: SlackDriver, services: Services
) -> None:
    sid, ts = posted_answer(slack)
    response = slack.click(ACCEPT, sid, message_ts=ts, user="UACCEPT")
    assert response.status_code == 200
    _, decisions = services.service.get(sid)
    assert [(d.action, d.agent) for d in decisions] == [("accept", "UACCEPT")]
    update = slack.api.calls_to("chat.update")[-1]
    assert update.args["channel"] == "CSUPPORT" and update.args["ts"] == ts
    assert "Accepted by <@UACCEPT>" in texts(update.blocks)
    assert ACCEPT not in button_values(update.blocks)

    slack.click(ACCEPT, sid, message_ts=ts, user="UACCEPT")  # a double click
    assert len(services.service.get(sid)[1]) == 1


def test_accept_on_an_ephemeral_answer_replaces_it_through_its_response_url(
    slack: SlackDriver, services: Services
) -> None:
    slack.command(QUESTION)
    sid = suggestion_id(slack.api.calls_to("response_url")[-1].args["blocks"])
    slack.click(ACCEPT, sid, ephemeral=True)
    assert services.service.get(sid)[1][0].action == "accept"
    replaced = slack.api.calls_to("response_url")[-1].args
    assert replaced["replace_original"] is True and "Accepted by" in texts(replaced["blocks"])
    assert not slack.api.calls_to("chat.update")


def test_edit_opens_a_prefilled_modal_and_its_submission_records_an_edit(
    slack: SlackDriver, services: Services
) -> None:
    sid, ts = posted_answer(slack)
    slack.click(EDIT, sid, message_ts=ts)
    opened = slack.api.calls_to("views.open")[-1]
    assert opened.args["trigger_id"] == slack.last_trigger_id  # the click's own trigger
    view = opened_view(slack)
    assert view["callback_id"] == EDIT_VIEW and view["id"]
    answer = services.service.get(sid)[0].suggestion.answer
    assert view["blocks"][0]["element"]["initial_value"] == answer
    assert MessageRef.loads(view["private_metadata"]) == MessageRef(sid, "CSUPPORT", ts)

    response = slack.submit(view, {TEXT_BLOCK: "Refund the second charge under Payments."})
    assert response.status_code == 200 and not response.content  # the modal closes
    decision = services.service.get(sid)[1][-1]
    assert decision.action == "edit" and decision.agent == "UAGENT"
    assert decision.text == "Refund the second charge under Payments."
    update = slack.api.calls_to("chat.update")[-1]
    assert update.args["ts"] == ts and "Edited by <@UAGENT>" in texts(update.blocks)


def click_with_ticks(
    slack: SlackDriver, action_id: str, sid: str, ts: str, ticked: list[str]
) -> None:
    """Press a button under a posted answer whose checklist has ``ticked`` options ticked (Slack
    sends the message's input state with the click)."""
    selected = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in ticked]
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": AGENT, "team_id": TEAM_ID},
        "container": {"type": "message", "message_ts": ts, "channel_id": ALLOWED},
        "trigger_id": "12345.98765.abcd",
        "channel": {"id": ALLOWED, "name": "support"},
        "message": {"type": "message", "ts": ts, "bot_id": "BKBBOT"},
        "response_url": slack.api.response_url("action"),
        "state": {
            "values": {
                ACTIONS_BLOCK: {ACTION_DONE: {"type": "checkboxes", "selected_options": selected}}
            }
        },
        "actions": [
            {"action_id": action_id, "block_id": "kb_decide", "value": sid, "type": "button"}
        ],
    }
    assert slack.interact(payload).status_code == 200


def posted_actions(slack: SlackDriver) -> dict[str, int]:
    """The posted answer's next actions as its checklist offers them: label -> value."""
    post = slack.api.calls_to("chat.postMessage")[-1]
    [checks] = [b for b in post.blocks if b.get("block_id") == ACTIONS_BLOCK]
    options = checks["elements"][0]["options"]
    return {o["text"]["text"].split(". ", 1)[1]: int(o["value"]) for o in options}


def test_the_answer_lists_actions_with_their_details_and_a_checklist(
    slack: SlackDriver, services: Services
) -> None:
    sid, ts = posted_answer(slack)
    shown = texts(slack.api.calls_to("chat.postMessage")[-1].blocks)
    assert "Limit: up to *500.00 USD*" in shown and "Escalate to billing" in shown
    offered = posted_actions(slack)
    actions = services.service.get(sid)[0].suggestion.next_actions
    assert list(offered.values()) == list(range(1, len(actions) + 1))

    tick = {"type": "block_actions", "user": {"id": AGENT}, "trigger_id": "1.2.3",
            "container": {"type": "message", "message_ts": ts, "channel_id": ALLOWED},
            "actions": [{"action_id": ACTION_DONE, "block_id": ACTIONS_BLOCK,
                         "type": "checkboxes", "selected_options": []}]}  # fmt: skip
    assert slack.interact(tick).status_code == 200  # a tick is acknowledged, nothing recorded
    assert services.service.get(sid)[1] == []


def test_accept_records_the_ticked_actions(slack: SlackDriver, services: Services) -> None:
    sid, ts = posted_answer(slack)
    escalate = next(v for label, v in posted_actions(slack).items() if "billing" in label)
    click_with_ticks(slack, ACCEPT, sid, ts, [str(escalate)])
    [decision] = services.service.get(sid)[1]
    assert decision.action == "accept" and decision.actions_done == [escalate]
    update = slack.api.calls_to("chat.update")[-1]
    assert f":white_check_mark: {escalate}. Escalate to billing" in texts(update.blocks)
    assert "Accepted by <@UAGENT> · 1 of" in texts(update.blocks)


def test_an_edit_of_the_reply_draft_alone_is_recorded_as_the_reply(
    slack: SlackDriver, services: Services
) -> None:
    sid, ts = posted_answer(slack)
    record = services.service.get(sid)[0]
    ticks = [str(v) for v in posted_actions(slack).values()]
    click_with_ticks(slack, EDIT, sid, ts, ticks)
    view = opened_view(slack)
    answer, reply = view["blocks"][0], view["blocks"][1]
    assert reply["block_id"] == REPLY_BLOCK
    draft = reply["element"]["initial_value"]
    assert draft == to_plain(record.suggestion.reply_draft) and draft.strip()
    assert "Recorded as done with it: 1." in texts(view["blocks"])

    unchanged = slack.submit(
        view, {TEXT_BLOCK: answer["element"]["initial_value"], REPLY_BLOCK: draft}
    )
    assert unchanged.json()["errors"] == {TEXT_BLOCK: _UNCHANGED}
    assert services.service.get(sid)[1] == []

    edited = draft + "\nWe also refunded the fee."
    answer_text = answer["element"]["initial_value"]
    assert slack.submit(view, {TEXT_BLOCK: answer_text, REPLY_BLOCK: edited}).status_code == 200
    [decision] = services.service.get(sid)[1]
    assert decision.action == "edit"
    assert decision.text is None and decision.diff is None  # the answer was not touched
    assert decision.reply_text == edited
    assert "+We also refunded the fee." in (decision.reply_diff or "").splitlines()
    assert decision.actions_done == [int(t) for t in ticks]
    shown = texts(slack.api.calls_to("chat.update")[-1].blocks)
    assert ">We also refunded the fee." in shown and "Edited by <@UAGENT>" in shown


def test_override_modal_records_text_and_reason(slack: SlackDriver, services: Services) -> None:
    sid, ts = posted_answer(slack)
    slack.click(OVERRIDE, sid, message_ts=ts)
    view = opened_view(slack)
    assert view["callback_id"] == OVERRIDE_VIEW

    missing = slack.submit(view, {TEXT_BLOCK: "Escalate to billing."})
    assert missing.json() == {
        "response_action": "errors",
        "errors": {REASON_BLOCK: "Please fill this in."},
    }

    slack.submit(view, {TEXT_BLOCK: "Escalate to billing.", REASON_BLOCK: "over 500 USD"})
    decision = services.service.get(sid)[1][-1]
    assert (decision.action, decision.text, decision.reason) == (
        "override",
        "Escalate to billing.",
        "over 500 USD",
    )
    shown = texts(slack.api.calls_to("chat.update")[-1].blocks)
    assert "Overridden by <@UAGENT>: over 500 USD" in shown and "Escalate to billing." in shown


def test_unknown_suggestion_gets_a_short_ephemeral_message(slack: SlackDriver) -> None:
    response = slack.click(EDIT, "no-such-suggestion")
    assert response.status_code == 200
    reply = slack.api.calls_to("response_url")[-1].args
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert reply["text"].startswith("I can't find that suggestion")
    assert not slack.api.calls_to("views.open")


def test_a_teammate_outside_the_askers_team_cannot_open_its_answer(
    slack: SlackDriver, services: Services
) -> None:
    """A /kb answer is built with the asker's teams; a teammate outside them must not act on it
    or read it through the Edit modal."""
    slack.command("How do I restore a deleted invoice?", user=TIER2)
    sid = suggestion_id(slack.api.calls_to("response_url")[-1].args["blocks"])
    slack.api.clear()
    slack.click(EDIT, sid, ephemeral=True, user="UOTHER")
    assert not slack.api.calls_to("views.open")
    assert "restored from the database" not in str(slack.api.calls_to("response_url"))
    slack.click(ACCEPT, sid, ephemeral=True, user="UOTHER")
    assert services.service.get(sid)[1] == []
    slack.click(EDIT, sid, ephemeral=True, user=TIER2)
    assert opened_view(slack)["callback_id"] == EDIT_VIEW
