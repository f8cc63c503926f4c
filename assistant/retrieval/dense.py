"""Dense retrieval: the query embedding against Chroma, filtered by audience before ranking."""

from __future__ import annotations

import threading
from collections import OrderedDict

from assistant.embedding import Embedder
from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.filters import chroma_where, matches
from assistant.store import ChunkStore


class DenseRetriever:
    def __init__(
        self, store: ChunkStore, embedder: Embedder, overfetch: int = 3, cache_size: int = 512
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.overfetch = overfetch
        self.cache_size = cache_size
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, text: str) -> list[float]:
        """The query's embedding; recent questions are remembered (a small LRU)."""
        with self._lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
                return self._vectors[text]
        vector = self.embedder.embed_query(text)
        with self._lock:
            self._vectors[text] = vector
            if len(self._vectors) > self.cache_size:
                self._vectors.popitem(last=False)
        return vector

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        return self.retrieve_vector(self.embed(query.text), query)

    def retrieve_vector(self, vector: list[float], query: Query) -> list[RetrievedChunk]:
        fetch = query.k * (self.overfetch if query.filters.tags else 1)
        hits = self.store.query(vector, fetch, chroma_where(query.audience, query.filters))
        chunks = [
            RetrievedChunk(
                h.chunk_id,
                str(h.metadata.get("doc_id", "")),
                h.text,
                h.metadata,
                h.score,
                signals={"dense": h.score},
            )
            for h in hits
            if matches(h.metadata, query.audience, query.filters)
        ]
        return chunks[: query.k]
