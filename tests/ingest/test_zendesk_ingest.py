"""End to end: a Zendesk export folder ingested, then found by ``kbassist search``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from assistant.types import Audience
from integrations.cli import cli
from tests.ingest.zendesk_fixtures import copy_export

pytestmark = pytest.mark.slow

EXPORT = "zendesk-article-360001234501-en-us"
TAX = "zendesk-article-360001234502-en-us"
EXPORT_URL = (
    "https://ledgerly.zendesk.com/hc/en-us/articles/360001234501-Export-invoices-to-a-spreadsheet"
)


def test_an_ingested_export_is_searchable_with_the_help_center_url(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    root = copy_export(tmp_path)
    data = tmp_path / "data"
    services = Services(Settings(data_dir=data, _env_file=None))  # type: ignore[call-arg]
    services.embedder = embedder
    report = services.ingestor.sync([root])
    assert report.issues == []
    counts = {"added": 4, "updated": 0, "unchanged": 0, "deleted": 0, "skipped": 2, "failed": 0}
    assert report.counts() == counts
    question = "how do I download all my invoices as a CSV file for Excel"
    top = services.service.search(question, Audience.agent())[0]
    assert (top.doc_id, top.metadata["url"]) == (EXPORT, EXPORT_URL)
    tax = "change a customer's tax rate"
    assert services.service.search(tax, Audience.agent())[0].doc_id == TAX
    # its user segment made it internal: a customer never gets it
    assert TAX not in {c.doc_id for c in services.service.search(tax, Audience.customer())}

    result = CliRunner().invoke(cli, ["--data-dir", str(data), "search", question, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["doc_id"] == EXPORT
