"""The composition root: settings in, every service built (lazily) and passed in explicitly.

settings -> embedder, chunk store, BM25 indexes -> retriever, answerer -> Assistant -> the one
``SupportService`` that channels call; the ingestor beside them. One ``Services`` per process
(a CLI invocation, a server app); nothing here is a global, and no core module imports it.
"""

from __future__ import annotations

from functools import cached_property

from assistant.analytics.catalog import CachedCatalog
from assistant.analytics.queries import Analytics
from assistant.answerers import Answerer
from assistant.answerers.answerability import AnswerabilityModel
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.playbooks import PlaybookMatcher
from assistant.answerers.selection import Selector
from assistant.answerers.sentence_index import SentenceIndex
from assistant.answerers.term_stats import Bm25TermStats
from assistant.assist import Assistant
from assistant.drafts.service import DraftService
from assistant.embedding import Embedder, check_store_backend, make_embedder
from assistant.embedding.sentence_vectors import SentenceVectors
from assistant.embedding.similarity import SentenceSimilarity
from assistant.gaps import GapReporter
from assistant.retrieval import Retriever
from assistant.retrieval.dense import DenseRetriever
from assistant.retrieval.feedback import FeedbackPrior, FeedbackRetriever
from assistant.retrieval.hybrid import HybridRetriever, Staleness
from assistant.retrieval.lexical import LexicalIndex
from assistant.service import SupportService
from assistant.settings import Settings
from assistant.store import ChunkStore, read_generation
from assistant.suggestion_db import SqlSuggestionStore
from assistant.tuning.votes import SqlVotes
from assistant.webhooks import ZendeskWebhook
from ingest.chunking import StructureChunker
from ingest.sources import Limits
from ingest.sources.registry import SOURCE_TYPES
from ingest.sync import Ingestor

SENTENCE_FILE = "sentence_vectors.db"  # the sentence vectors, when answers weigh meaning


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def embedder(self) -> Embedder:
        return make_embedder(self.settings)  # KBASSIST_EMBED_BACKEND: torch or onnx

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
            indexes=[self.lexical, self.window_lexical, *self.sentence_indexes],
        )

    @cached_property
    def sentences(self) -> SentenceSimilarity:
        """Sentences' similarity to a question, their vectors computed at ingest (a file in the
        data directory) and the question's remembered by dense retrieval."""
        known = SentenceVectors(self.settings.data_dir / SENTENCE_FILE, self.embedder.model_id)
        # dense retrieval is reached only when a question is asked: building the ingestor
        # (whose sentence index this feeds) must not open the store's retriever
        return SentenceSimilarity(self.embedder, query=lambda q: self.dense.embed(q), known=known)

    @property
    def sentence_indexes(self) -> list[SentenceIndex]:
        """The sentence vectors, a derived index of the store when answers weigh meaning."""
        if not self.settings.sentence_meaning:
            return []
        return [SentenceIndex(self.sentences, self.settings.data_dir)]

    @cached_property
    def dense(self) -> DenseRetriever:
        embedder = check_store_backend(self.settings.data_dir, self.embedder)  # same backend
        return DenseRetriever(
            self.store,
            embedder,
            lookup=self.lexical.admitted,
            count=self.lexical.admitted_count,
        )

    @cached_property
    def retriever(self) -> HybridRetriever:
        rankers: dict[str, Retriever] = {
            "dense": self.dense,
            "bm25": self.lexical,
            "bm25_window": self.window_lexical,
        }
        return HybridRetriever(
            rankers,
            hydrate=self.store.hydrate,
            stale_record_days=self.settings.stale_ticket_days,
        )

    @cached_property
    def term_stats(self) -> Bm25TermStats:
        """The knowledge base's document frequencies, read from the BM25 index."""
        return Bm25TermStats(self.lexical)

    @cached_property
    def answerability(self) -> AnswerabilityModel:
        """The fitted answerability classifier (its versioned JSON file), reading document
        frequencies from the BM25 index; ``abstain_threshold`` overrides its threshold."""
        model = AnswerabilityModel.load().with_stats(self.term_stats)
        threshold = self.settings.abstain_threshold
        return model if threshold is None else model.with_threshold(threshold)

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(
            self.answerability,
            selector=Selector.with_meaning(self.sentences)
            if self.settings.sentence_meaning
            else Selector(),
            staleness=Staleness(self.settings.stale_ticket_days),
        )

    @cached_property
    def answerer(self) -> Answerer:
        mode = self.settings.answerer
        if mode == "extractive" or (mode == "auto" and not self.settings.llm_base_url):
            return self.extractive
        from assistant.answerers.fallback import FallbackAnswerer
        from assistant.answerers.llm import LLMAnswerer

        return FallbackAnswerer(LLMAnswerer.from_settings(self.settings), self.extractive)

    @cached_property
    def playbooks(self) -> PlaybookMatcher:
        # each "when to use" situation against the question, whose vector retrieval remembers
        situations = SentenceSimilarity(self.embedder, size=2_000, query=self.dense.embed)
        return PlaybookMatcher(
            self.dense,
            self.store.siblings,
            similarity=situations,
            knowledge=self.ranked,
            stats=self.term_stats,
        )

    @cached_property
    def assistant(self) -> Assistant:
        return Assistant(self.ranked, self.answerer, self.store.siblings, playbooks=self.playbooks)

    @cached_property
    def ranked(self) -> Retriever:
        """The fused ranking, then the feedback prior from agents' decisions (the ``feedback``
        signal; exactly the fused ranking while no document has votes)."""
        return FeedbackRetriever(self.retriever, FeedbackPrior(SqlVotes(self.suggestion_store)))

    @cached_property
    def suggestion_store(self) -> SqlSuggestionStore:
        return SqlSuggestionStore(self.settings.sqlite_url)

    @cached_property
    def service(self) -> SupportService:
        """What every channel calls."""
        return SupportService(
            self.assistant,
            self.suggestion_store,
            retriever=self.retriever,
            chunks=self.store,
            ingestor=self.ingestor,
            indexes=[self.lexical, self.window_lexical],
            source_types=SOURCE_TYPES,
            deliveries=self.suggestion_store,
            writes=self.suggestion_store,
        )

    @cached_property
    def gaps(self) -> GapReporter:
        """The knowledge-gap report over the suggestion store, with the store's model."""
        return GapReporter(self.suggestion_store, self.embedder, self.dense)

    @cached_property
    def drafts(self) -> DraftService:
        """Drafts from resolved tickets and corrections, and the review queue that publishes."""
        return DraftService.build(
            self.settings, self.store, self.embedder, self.suggestion_store, self.ingestor
        )

    @cached_property
    def analytics(self) -> Analytics:
        """Usage analytics and content flags over the suggestion store and the KB's documents."""
        documents = CachedCatalog(self.store, lambda: read_generation(self.settings.data_dir))
        return Analytics(self.suggestion_store, documents)

    @cached_property
    def zendesk_webhook(self) -> ZendeskWebhook:
        """The Zendesk webhook's secret, tolerance and API client (made on first use)."""
        return ZendeskWebhook.from_settings(self.settings.zendesk)
