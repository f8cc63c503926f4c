"""The HTTP edge: signatures, stale timestamps, url_verification, retries, quiet start-up."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient

from assistant.compose import Services
from assistant.errors import KbassistError
from integrations.slack import slack_router
from integrations.slack.app import build_app
from tests.fakes.slack_api import BOT_USER_ID, FakeSlackAPI
from tests.integrations.slack.conftest import BOT_TOKEN, SECRET, SlackDriver

pytestmark = pytest.mark.slow

CHALLENGE = json.dumps({"token": "unused", "challenge": "c-123", "type": "url_verification"})


def test_url_verification_challenge_is_answered(slack: SlackDriver) -> None:
    response = slack.post(CHALLENGE, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


def test_bad_signature_is_401_and_nothing_runs(slack: SlackDriver) -> None:
    assert slack.post(CHALLENGE, "application/json", secret="wrong").status_code == 401
    event = {"type": "app_mention", "user": "U1", "text": "refund?", "ts": "1.2", "channel": "C"}
    body = json.dumps({"type": "event_callback", "team_id": "T", "event": event})
    assert slack.post(body, "application/json", secret="wrong").status_code == 401
    assert slack.api.calls == []


def test_stale_timestamp_is_401(slack: SlackDriver) -> None:
    assert slack.post(CHALLENGE, "application/json", age_s=6 * 60).status_code == 401
    assert slack.post(CHALLENGE, "application/json", age_s=60).status_code == 200


def test_unsigned_request_is_401(slack: SlackDriver) -> None:
    response = slack.http.post("/slack/events", content=CHALLENGE.encode())
    assert response.status_code == 401


def test_a_retry_after_a_timeout_is_not_answered_twice(slack: SlackDriver) -> None:
    event = {
        "type": "app_mention",
        "user": "UAGENT",
        "text": f"<@{BOT_USER_ID}> how do I reset my password?",
        "ts": slack.next_ts(),
        "channel": "CSUPPORT",
    }
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert slack.event(event, headers=retry).status_code == 200
    assert not slack.api.calls_to("chat.postMessage")


def test_building_the_app_makes_no_call_to_slack(
    services: Services, slack_api: FakeSlackAPI
) -> None:
    slack_api.clear()
    build_app(services)
    build_app(services, WebClient(token=BOT_TOKEN, base_url=slack_api.base_url))
    slack_router(services)
    assert slack_api.calls == []


def test_missing_secrets_are_configuration_errors(services: Services) -> None:
    slack = services.settings.slack
    no_secret = Services(
        services.settings.model_copy(
            update={"slack": slack.model_copy(update={"signing_secret": None})}
        )
    )
    with pytest.raises(KbassistError, match="SLACK_SIGNING_SECRET"):
        slack_router(no_secret)
    no_token = Services(
        services.settings.model_copy(update={"slack": slack.model_copy(update={"bot_token": None})})
    )
    with pytest.raises(KbassistError, match="SLACK_BOT_TOKEN"):
        build_app(no_token)


def test_tokens_and_the_signing_secret_are_never_logged(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.mention(f"<@{BOT_USER_ID}> how do I reset my password?")
    slack.command("how do I reset my password?")
    slack.post(CHALLENGE, "application/json", secret="wrong")
    assert caplog.records  # Bolt and slack_sdk did log, at DEBUG
    assert BOT_TOKEN not in caplog.text and SECRET not in caplog.text


def test_a_non_numeric_timestamp_is_401_not_a_server_error(slack: SlackDriver) -> None:
    for stamp in ("abc", "", "1e9", "-5"):
        headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=00"}
        response = slack.http.post("/slack/events", content=CHALLENGE.encode(), headers=headers)
        assert response.status_code == 401, stamp


def test_a_redelivered_or_replayed_event_is_answered_once(slack: SlackDriver) -> None:
    slack.api.clear()
    event = {
        "type": "app_mention",
        "user": "UAGENT",
        "text": f"<@{BOT_USER_ID}> how do I reset my password?",
        "ts": slack.next_ts(),
        "channel": "CSUPPORT",
    }
    body = json.dumps(
        {"type": "event_callback", "team_id": "T", "event_id": "EvOnce1", "event": event}
    )
    assert slack.post(body, "application/json").status_code == 200
    answered = len(slack.api.calls_to("chat.postMessage"))
    assert answered == 1
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    assert slack.post(body, "application/json", headers=retry).status_code == 200  # re-delivery
    assert slack.post(body, "application/json").status_code == 200  # verbatim replay, re-signed
    assert len(slack.api.calls_to("chat.postMessage")) == answered


def test_a_replayed_slash_command_is_answered_once(slack: SlackDriver) -> None:
    slack.api.clear()
    body = urlencode(
        {
            "command": "/kb",
            "text": "how do I reset my password?",
            "user_id": "UAGENT",
            "channel_id": "CSUPPORT",
            "response_url": f"{slack.api.base_url}/response/once",
            "trigger_id": "t-once",
        }
    )
    timestamped = slack.post(body, "application/x-www-form-urlencoded")
    assert timestamped.status_code == 200
    first = len(slack.api.calls)
    assert first > 0
    assert slack.post(body, "application/x-www-form-urlencoded").status_code == 200
    assert len(slack.api.calls) == first
