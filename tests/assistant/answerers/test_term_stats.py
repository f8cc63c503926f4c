"""Document frequencies read from a real BM25 index, and read again after an ingest."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answerers.answerability import question_terms
from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings

pytestmark = pytest.mark.slow


def test_frequencies_follow_the_index_an_ingest_rebuilds(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    services = Services(settings)
    services.embedder = embedder
    assert services.ingestor.sync([tiny_kb]).ok
    stats = services.term_stats
    (word,) = question_terms("zeppelin")  # stemmed, as the index stems it
    size = stats.corpus_size()
    assert size == services.store.count()
    assert stats.document_frequency([word]) == [0]
    before = stats._state  # read once per loaded index, not per question
    stats.document_frequency(["refund"])
    assert stats._state is before
    article = tiny_kb / "articles" / "kb-1.md"
    article.write_text(article.read_text() + "\n\nZeppelin deliveries are not supported.\n")
    assert services.ingestor.sync([tiny_kb]).updated == 1
    assert stats.document_frequency([word]) == [1]  # the rebuilt index, loaded once more
    assert stats.corpus_size() == services.store.count()
