"""create_app's optional parts, on an empty data dir: the Slack endpoint only with a secret."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from assistant.compose import Services
from assistant.settings import HttpSettings, Settings, SlackSettings
from integrations.http.app import create_app
from tests.integrations.http.conftest import running


def serve_status(settings: Settings, path: str) -> int:
    app = create_app(Services(settings))
    with running(app) as base_url:
        return httpx.post(f"{base_url}{path}", content=b"{}", timeout=10).status_code


def test_slack_events_is_mounted_only_with_a_signing_secret(settings: Settings) -> None:
    pytest.importorskip("integrations.slack")
    keyed = settings.model_copy(update={"http": HttpSettings(api_keys={"k": ["t"]})})
    assert serve_status(keyed, "/slack/events") == 404
    with_slack = keyed.model_copy(
        update={
            "slack": SlackSettings(
                signing_secret=SecretStr("shh"), bot_token=SecretStr("xoxb-test")
            )
        }
    )
    status = serve_status(with_slack, "/slack/events")
    assert status not in (404, 405)  # Slack's own signature check answers, not the API key's
    app = create_app(Services(with_slack))
    assert app.state.slack_events == "/slack/events"


def test_an_unreadable_database_does_not_stop_the_app(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    broken = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'dir.db'}"})
    app = create_app(Services(broken))
    with running(app) as base_url:
        assert httpx.get(f"{base_url}/healthz").status_code == 200
        ready = httpx.get(f"{base_url}/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["suggestions"] == "unreachable"
