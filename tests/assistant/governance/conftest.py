from __future__ import annotations

import pytest

from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from tests.assistant.governance.corpus import write_governance_kb


@pytest.fixture(scope="session")
def governance_services(
    tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder
) -> Services:
    """The governance corpus, ingested once per session (read-only use)."""
    root = tmp_path_factory.mktemp("governance")
    settings = Settings(data_dir=root / "data", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    services.embedder = embedder
    report = services.ingestor.sync([write_governance_kb(root / "kb")])
    assert report.ok, report.issues
    return services
