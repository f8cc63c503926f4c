"""``kbassist backup`` and ``kbassist restore`` on the command line: the restored data directory
gives the same ``status``, and errors are one line naming the folder, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrations.cli import cli

pytestmark = pytest.mark.slow


def test_backup_then_restore_gives_the_same_status(tmp_path: Path, tiny_kb: Path) -> None:
    runner = CliRunner()
    live, restored, snap = tmp_path / "live", tmp_path / "restored", tmp_path / "snap"
    assert runner.invoke(cli, ["--data-dir", str(live), "ingest", str(tiny_kb)]).exit_code == 0
    made = runner.invoke(cli, ["--data-dir", str(live), "backup", str(snap), "--json"])
    assert made.exit_code == 0, made.output
    summary = json.loads(made.output)
    assert summary["path"] == str(snap) and summary["files"] > 5 and summary["left_out"] == []

    done = runner.invoke(cli, ["--data-dir", str(restored), "restore", str(snap)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("restored ")

    def status(data: Path) -> dict[str, object]:
        shown = runner.invoke(cli, ["--data-dir", str(data), "status", "--json"])
        got: dict[str, object] = json.loads(shown.output)
        got.pop("store")  # the folder differs, nothing else may
        return got

    assert status(restored) == status(live)

    again = runner.invoke(cli, ["--data-dir", str(live), "backup", str(snap)])
    assert again.exit_code != 0 and str(snap) in again.output and "Traceback" not in again.output
    used = runner.invoke(cli, ["--data-dir", str(live), "restore", str(snap)])
    assert used.exit_code != 0 and "not empty" in used.output
    missing = runner.invoke(cli, ["--data-dir", str(tmp_path / "x"), "restore", str(tiny_kb)])
    assert missing.exit_code == 2 and "not a kbassist backup" in missing.output
