"""The issue's end-to-end path through the command line: seed similar resolved tickets no article
covers, ``drafts generate``, ``review approve``, then ``ask``: the new article is cited first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from integrations.cli import cli
from tests.assistant.drafts.conftest import portal_tickets, write_portal_kb

pytestmark = pytest.mark.slow


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])


def test_generate_review_approve_then_ask(tmp_path: Path) -> None:
    kb = write_portal_kb(tmp_path / "kb", portal_tickets())
    data = tmp_path / "data"
    assert run(data, "ingest", str(kb)).exit_code == 0
    generated = run(data, "drafts", "generate", "--min-tickets", "3", "--json")
    assert generated.exit_code == 0, generated.output
    [draft_id] = json.loads(generated.stdout)["created"]
    [listed] = json.loads(run(data, "review", "list", "--state", "open", "--json").stdout)
    assert listed["id"] == draft_id and listed["kind"] == "article"
    shown = run(data, "review", "show", draft_id)
    assert "## Resolution" in shown.stdout and "source: ticket ticket-7001" in shown.stdout

    bad = tmp_path / "bad.md"
    markdown = json.loads(run(data, "review", "show", draft_id, "--json").stdout)["markdown"]
    bad.write_text(markdown.replace("visibility: internal", "visibility: [x]"))
    refused = run(data, "review", "approve", draft_id, "--file", str(bad))
    assert refused.exit_code == 2 and "visibility" in refused.stderr
    assert not (data / "published").exists() or not any((data / "published").iterdir())

    approved = run(data, "review", "approve", draft_id, "--reviewer", "amelia", "--json")
    assert approved.exit_code == 0, approved.output
    published = json.loads(approved.stdout)
    assert published["state"] == "published"
    again = run(data, "review", "approve", draft_id)
    assert again.exit_code != 0 and "already" not in again.stderr and "published" in again.stderr

    asked = run(data, "ask", "the client portal link says expired or already used", "--json")
    suggestion = json.loads(asked.stdout)
    assert suggestion["citations"][0]["doc_id"] == f"kb-draft-{draft_id}"
