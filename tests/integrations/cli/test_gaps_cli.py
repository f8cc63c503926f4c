"""kbassist gaps and kbassist replay: bad input is a message and an exit code, an empty store an
empty report, and a store with real traffic is not replayed into."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from integrations.cli import cli
from tests.assistant.gaps.history import accept, add
from tests.assistant.gaps.test_traffic import LEDGERLY


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])


def test_a_bad_since_names_the_option(tmp_path: Path) -> None:
    result = run(tmp_path, "gaps", "--since", "yesterday")
    assert result.exit_code == 2
    assert "since: 'yesterday' is not a duration" in result.output
    assert "Traceback" not in result.output


def test_an_empty_store_is_an_empty_report(tmp_path: Path) -> None:
    text = run(tmp_path, "gaps")
    assert text.exit_code == 0, text.output
    assert "No knowledge gaps since" in text.output
    as_json = run(tmp_path, "gaps", "--json", "--min-size", "3")
    assert json.loads(as_json.output)["clusters"] == []


def test_replay_refuses_a_store_with_real_traffic(tmp_path: Path) -> None:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    service = SupportService(assistant=None, suggestions=store)  # type: ignore[arg-type]
    add(service, store, "real", "a real question", accept(), channel="cli")
    result = run(tmp_path, "replay", str(LEDGERLY))
    assert result.exit_code == 1
    assert "holds records of other channels: cli (1)" in result.output
    assert "--force" in result.output


def test_replay_names_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "traffic.yaml"
    bad.write_text("agents: {a: [t]}\ntopics: []\n")
    result = run(tmp_path, "replay", str(bad))
    assert result.exit_code == 2
    assert f"{bad}: topics:" in result.output
