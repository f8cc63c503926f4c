"""The knowledge base's documents for the analytics: one entry per document, read from the
store again only after an ingest changed its generation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assistant.analytics.catalog import CachedCatalog, catalog


class Chunks:
    def __init__(self) -> None:
        self.reads = 0
        self.rows: list[dict[str, Any]] = [
            {"doc_id": "kb-1", "title": "Refunds", "owner": "ana", "review_by": "2026-01-01"},
            {"doc_id": "kb-1", "title": "Refunds", "section": "Steps"},
            {"doc_id": "kb-2", "title": "SSO", "visibility": "team:tier2"},
        ]

    def iter_metadata(self) -> Iterator[dict[str, Any]]:
        self.reads += 1
        yield from self.rows


def test_one_entry_per_document() -> None:
    documents = catalog(Chunks())
    assert sorted(documents) == ["kb-1", "kb-2"]
    assert (documents["kb-1"].owner, documents["kb-1"].review_by) == ("ana", "2026-01-01")
    assert documents["kb-2"].visibility == "team:tier2"


def test_read_again_only_when_the_generation_changes() -> None:
    chunks, generation = Chunks(), ["g1"]
    cached = CachedCatalog(chunks, lambda: generation[0])
    assert sorted(cached()) == sorted(cached()) == ["kb-1", "kb-2"]
    assert chunks.reads == 1
    chunks.rows.append({"doc_id": "kb-3", "title": "New"})
    generation[0] = "g2"  # an ingest
    assert "kb-3" in cached() and chunks.reads == 2
