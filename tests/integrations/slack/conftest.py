"""The Slack app behind FastAPI, signed requests, and a fake Slack Web API; one KB per module."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response  # what starlette's TestClient returns
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings, SlackSettings
from integrations.slack import slack_router
from tests.conftest import write_tiny_kb
from tests.fakes.slack_api import TEAM_ID, FakeSlackAPI

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
ALLOWED = "CSUPPORT"
ELSEWHERE = "CRANDOM"
AGENT = "UAGENT"  # no teams
TIER2 = "UTIER2"  # team tier2: may see kb-3 (team:tier2)


@pytest.fixture(scope="module")
def slack_api() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as fake:
        yield fake


@pytest.fixture(scope="module")
def services(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: SentenceTransformerEmbedder,
    slack_api: FakeSlackAPI,
) -> Services:
    root = tmp_path_factory.mktemp("slack")
    with pytest.MonkeyPatch.context() as mp:  # module scope: the autouse env reset is not yet on
        for name in list(os.environ):
            if name.startswith(("KBASSIST_", "SLACK_")):
                mp.delenv(name)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=root / "data",
            answerer="extractive",
            slack=SlackSettings(
                bot_token=SecretStr(BOT_TOKEN),
                signing_secret=SecretStr(SECRET),
                api_url=slack_api.base_url,
                allowed_channels=[ALLOWED],
                user_teams={TIER2: ["tier2"]},
            ),
        )
    services = Services(settings)
    services.embedder = embedder
    services.ingestor.sync([write_tiny_kb(Path(root) / "kb", current_refund_article=True)])
    return services


class SlackDriver:
    """Sends what Slack would send, signed, to ``POST /slack/events``."""

    def __init__(self, http: TestClient, slack_api: FakeSlackAPI) -> None:
        self.http = http
        self.api = slack_api
        self._n = 0
        self.last_trigger_id = ""

    def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str = SECRET,
        age_s: int = 0,
        headers: dict[str, str] | None = None,
    ) -> Response:
        timestamp = str(int(time.time()) - age_s)
        signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
        assert signature is not None
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        return self.http.post("/slack/events", content=body.encode(), headers=sent)

    def _trigger(self) -> str:
        """A fresh trigger_id (Slack's is unique per interaction); the last one is kept."""
        self.last_trigger_id = f"{uuid.uuid4().hex}.abcd"
        return self.last_trigger_id

    def next_ts(self) -> str:
        self._n += 1
        return f"1700000000.{self._n:06d}"

    def event(self, event: dict[str, Any], **kwargs: Any) -> Response:
        body = {
            "token": "unused",
            "team_id": TEAM_ID,
            "api_app_id": "AKB",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",  # unique, as Slack's are
            "event_time": int(time.time()),
            "event": event,
        }
        return self.post(json.dumps(body), "application/json", **kwargs)

    def mention(
        self, text: str, user: str = AGENT, channel: str = ALLOWED, thread_ts: str | None = None
    ) -> tuple[Response, str]:
        ts = self.next_ts()
        event = {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event), ts

    def dm(self, text: str, user: str = AGENT, **extra: Any) -> tuple[Response, str]:
        ts = self.next_ts()
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": "DAGENT",
            "user": user,
            "text": text,
            "ts": ts,
            **extra,
        }
        return self.event(event), ts

    def command(self, text: str, user: str = AGENT, channel: str = ALLOWED) -> Response:
        form = {
            "token": "unused",
            "team_id": TEAM_ID,
            "channel_id": channel,
            "channel_name": "support",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/kb",
            "text": text,
            "api_app_id": "AKB",
            "response_url": self.api.response_url("command"),
            "trigger_id": f"{uuid.uuid4().hex}.trigger",  # Slack's is unique per invocation
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any]) -> Response:
        payload = {"token": "unused", "api_app_id": "AKB", "team": {"id": TEAM_ID}, **payload}
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")

    def click(
        self,
        action_id: str,
        suggestion_id: str,
        *,
        user: str = AGENT,
        channel: str = ALLOWED,
        message_ts: str = "1800000000.000001",
        ephemeral: bool = False,
    ) -> Response:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM_ID},
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": self._trigger(),
            "channel": {"id": channel, "name": "support"},
            "response_url": self.api.response_url("action"),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "kb_decide",
                    "value": suggestion_id,
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if not ephemeral:
            payload["message"] = {"type": "message", "ts": message_ts, "bot_id": "BKBBOT"}
        return self.interact(payload)

    def submit(self, view: dict[str, Any], values: dict[str, str], user: str = AGENT) -> Response:
        state = {
            block: {"value": {"type": "plain_text_input", "value": v}}
            for block, v in values.items()
        }
        submitted = {**view, "state": {"values": state}}  # ``view`` as views.open answered
        payload = {"type": "view_submission", "user": {"id": user}, "view": submitted}
        return self.interact(payload)


@pytest.fixture
def slack(services: Services, slack_api: FakeSlackAPI) -> Iterator[SlackDriver]:
    app = FastAPI()
    app.include_router(slack_router(services))
    slack_api.clear()
    with TestClient(app) as http:
        yield SlackDriver(http, slack_api)
