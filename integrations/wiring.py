"""Builds the core services from settings, lazily, and passes them in explicitly.

One ``Services`` per process (CLI invocation, server app); nothing here is a global.
"""

from __future__ import annotations

from functools import cached_property

from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.retrieval.dense import DenseRetriever
from assistant.settings import Settings
from assistant.store import ChunkStore
from ingest.sources import Limits
from ingest.sync import Ingestor


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def embedder(self) -> Embedder:
        return SentenceTransformerEmbedder.from_settings(self.settings)

    @cached_property
    def store(self) -> ChunkStore:
        return ChunkStore.from_settings(self.settings)

    @cached_property
    def ingestor(self) -> Ingestor:
        limits = Limits(
            max_file_bytes=self.settings.max_file_bytes,
            max_document_chars=self.settings.max_document_chars,
        )
        return Ingestor(self.store, self.embedder, self.settings.data_dir, limits)

    @cached_property
    def retriever(self) -> DenseRetriever:
        return DenseRetriever(self.store, self.embedder)
