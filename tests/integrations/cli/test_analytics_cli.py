"""kbassist analytics and kbassist flags: the report of a known history (tests/assistant/
analytics/sample.py), clear errors for bad options, and owners' digests sent to the fake Slack
Web API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from integrations.cli import cli
from tests.assistant.analytics.sample import fill
from tests.assistant.test_service import FakeAssistant
from tests.fakes.slack_api import FakeSlackAPI


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data dir whose suggestion store holds the sample history (and an empty Chroma store:
    the documents are known from the suggestions only)."""
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    fill(SupportService(FakeAssistant(), store))
    store.engine.dispose()
    return tmp_path


def run(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], env=env)


def test_analytics_json(data_dir: Path) -> None:
    result = run(data_dir, "analytics", "--since", "30d", "--team", "tier1", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["team"] == "tier1" and report["totals"]["suggestions"] == 3
    assert report["groups"][0]["latency_ms_p95"] == 400.0
    documents = report["documents"]
    # the Chroma store is empty: documents are named as last recorded, marked gone from the KB
    assert [(d["doc_id"], d["in_kb"]) for d in documents["rows"]] == [
        ("kb-a", False),
        ("kb-b", False),
    ]
    assert documents["restricted"]["documents"] == 0  # tier1 asked nothing restricted


def test_analytics_text_has_a_line_per_group_and_the_totals(data_dir: Path) -> None:
    result = run(data_dir, "analytics", "--group-by", "channel")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines[2:5]] == [
        ["http", "3"],
        ["slack", "1"],
        ["all", "4"],
    ]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--since", "last week"], "--since"),
        (["--group-by", "mood"], "--group-by"),
        (["--team", "Not A Team"], "--team"),
    ],
)
def test_bad_options_are_clear_errors(data_dir: Path, args: list[str], named: str) -> None:
    result = run(data_dir, "analytics", *args)
    assert result.exit_code == 2
    assert named in result.stderr and "Traceback" not in result.output


def test_an_empty_store_is_an_empty_report(tmp_path: Path) -> None:
    result = run(tmp_path, "analytics", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["groups"] == []
    flags = run(tmp_path, "flags")
    assert flags.exit_code == 0 and "flagged: 0" in flags.stdout


def test_flags_notify_sends_each_owner_a_dm(data_dir: Path) -> None:
    rules = ["--wrong-ratings", "1", "--min-cited", "2", "--override-rate", "0.5", "--since", "90d"]
    with FakeSlackAPI() as slack:
        env = {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "KBASSIST_SLACK_API_URL": slack.base_url,
            "KBASSIST_SLACK_OWNER_USERS": json.dumps({"ana": "UANA"}),
        }
        result = run(data_dir, "flags", *rules, "--notify", "--json", env=env)
        posts = slack.calls_to("chat.postMessage")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["notified"] == {"sent": ["ana"], "unmapped": [], "failed": []}
    assert [p.args["channel"] for p in posts] == ["UANA"]
    assert "kb-a" in posts[0].args["text"]


def test_flags_notify_without_slack_is_a_configuration_error(data_dir: Path) -> None:
    result = run(data_dir, "flags", "--notify")
    assert result.exit_code == 4 and "SLACK_BOT_TOKEN" in result.stderr
