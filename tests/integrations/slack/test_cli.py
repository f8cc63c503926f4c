"""``kbassist slack`` (Socket Mode): a clear error without an app token; no network in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from integrations.cli import cli


def test_slack_without_an_app_token_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "slack"])
    assert result.exit_code == 1
    assert "SLACK_APP_TOKEN is not set" in result.output
    assert "Traceback" not in result.output


def test_slack_starts_socket_mode_with_the_app_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slack_bolt.adapter.socket_mode as socket_mode

    started: list[tuple[Any, str]] = []

    class FakeHandler:
        def __init__(self, app: Any, app_token: str) -> None:
            self.app, self.app_token = app, app_token

        def start(self) -> None:
            started.append((self.app, self.app_token))

    monkeypatch.setattr(socket_mode, "SocketModeHandler", FakeHandler)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "slack"])
    assert result.exit_code == 0, result.output
    [(app, token)] = started
    assert token == "xapp-test" and app.name == "kbassist"
    assert "xapp-test" not in result.output and "xoxb-test" not in result.output


def test_slack_without_a_bot_token_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "slack"])
    assert result.exit_code == 4
    assert "SLACK_BOT_TOKEN is not set" in result.output
