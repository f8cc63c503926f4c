"""Builds the core services from settings, lazily, and passes them in explicitly.

One ``Services`` per process (CLI invocation, server app); nothing here is a global.
"""

from __future__ import annotations

from functools import cached_property

from assistant.access import Audience
from assistant.answerers import Answerer
from assistant.answerers.confidence import ConfidenceModel
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.assist import Assistant
from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.retrieval import RetrievedChunk, Retriever
from assistant.retrieval.dense import DenseRetriever
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.lexical import LexicalIndex
from assistant.settings import Settings
from assistant.store import ChunkStore
from assistant.suggestions import SqlSuggestionStore, SuggestionService
from ingest.chunking import StructureChunker
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
    def lexical(self) -> LexicalIndex:
        return LexicalIndex(self.settings.data_dir)

    @cached_property
    def window_lexical(self) -> LexicalIndex:
        return LexicalIndex(self.settings.data_dir, window=2)

    @cached_property
    def ingestor(self) -> Ingestor:
        limits = Limits(
            max_file_bytes=self.settings.max_file_bytes,
            max_document_chars=self.settings.max_document_chars,
        )
        return Ingestor(
            self.store,
            self.embedder,
            self.settings.data_dir,
            limits,
            chunker=StructureChunker(
                max_words=self.settings.chunk_max_words,
                overlap_words=self.settings.chunk_overlap_words,
            ),
            indexes=[self.lexical, self.window_lexical],
        )

    @cached_property
    def dense(self) -> DenseRetriever:
        return DenseRetriever(self.store, self.embedder, lookup=self.lexical.lookup)

    @cached_property
    def retriever(self) -> HybridRetriever:
        rankers: dict[str, Retriever] = {
            "dense": self.dense,
            "bm25": self.lexical,
            "bm25_window": self.window_lexical,
        }
        return HybridRetriever(rankers, hydrate=self.hydrate)

    def hydrate(self, chunk_ids: list[str]) -> dict[str, RetrievedChunk]:
        return {h.chunk_id: h.retrieved() for h in self.store.get_chunks(chunk_ids)}

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        threshold = self.settings.abstain_threshold
        return ExtractiveAnswerer(
            None if threshold is None else ConfidenceModel(threshold=threshold)
        )

    @cached_property
    def answerer(self) -> Answerer:
        mode = self.settings.answerer
        if mode == "extractive" or (mode == "auto" and not self.settings.llm_base_url):
            return self.extractive
        from assistant.answerers.fallback import FallbackAnswerer
        from assistant.answerers.llm import LLMAnswerer

        return FallbackAnswerer(LLMAnswerer.from_settings(self.settings), self.extractive)

    def siblings(self, doc_id: str, audience: Audience) -> list[RetrievedChunk]:
        return [h.retrieved() for h in self.store.document_chunks(doc_id, audience.can_see)]

    @cached_property
    def assistant(self) -> Assistant:
        return Assistant(self.retriever, self.answerer, self.siblings)

    @cached_property
    def suggestions(self) -> SuggestionService:
        return SuggestionService(self.assistant, SqlSuggestionStore(self.settings.sqlite_url))
