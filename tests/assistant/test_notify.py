"""Owners' DM digests on Slack, against the fake Web API."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from assistant.errors import ErrorCode, KbassistError
from assistant.notify import SlackNotifier
from assistant.settings import SlackSettings
from tests.fakes.slack_api import FakeSlackAPI


def test_each_mapped_owner_gets_a_dm_and_the_rest_are_reported() -> None:
    with FakeSlackAPI() as slack:
        settings = SlackSettings(
            bot_token=SecretStr("xoxb-test"),
            api_url=slack.base_url,
            owner_users={"ana": "UANA", "bo": "UBO"},
        )
        report = SlackNotifier.from_settings(settings).send(
            {"ana": "*2 flags*: Refunds", "cy": "*1 flag*", "bo": "x" * 5000}
        )
        posts = slack.calls_to("chat.postMessage")
    assert report.to_dict() == {"sent": ["ana", "bo"], "unmapped": ["cy"], "failed": []}
    assert [(p.args["channel"], p.args["text"][:11]) for p in posts] == [
        ("UANA", "*2 flags*: "),
        ("UBO", "xxxxxxxxxxx"),
    ]
    assert len(posts[1].args["text"]) < 4000


def test_a_failed_post_is_reported_not_raised() -> None:
    with FakeSlackAPI() as slack:
        settings = SlackSettings(
            bot_token=SecretStr("xoxb-test"), api_url=slack.base_url, owner_users={"ana": "U1"}
        )
        notifier = SlackNotifier.from_settings(settings)
    report = notifier.send({"ana": "digest"})  # the server is gone
    assert report.failed == ["ana"] and report.sent == []


def test_without_a_bot_token_slack_is_not_configured() -> None:
    with pytest.raises(KbassistError) as raised:
        SlackNotifier.from_settings(SlackSettings(bot_token=None))
    assert raised.value.code is ErrorCode.CONFIG and "SLACK_BOT_TOKEN" in raised.value.detail
