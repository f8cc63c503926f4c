"""Dense retrieval: the query embedding against Chroma, filtered by audience before ranking."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from assistant.embedding import Embedder
from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.filters import chroma_where, matches
from assistant.store import ChunkHit, ChunkStore

# Text and metadata of chunks by id, from a faster source than Chroma's rows (the BM25 corpus);
# it may hold only some of them, or none.
ChunkLookup = Callable[[list[str]], dict[str, RetrievedChunk]]


class DenseRetriever:
    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        overfetch: int = 3,
        cache_size: int = 512,
        lookup: ChunkLookup | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.lookup = lookup
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
        """The k nearest chunks the caller may see.

        Chroma's filtered search is 30-40x slower than an unfiltered one here (150 ms against
        4 ms on 21k chunks), so a wider unfiltered candidate set is taken and cut to what the
        audience and filters allow *before* anything is ranked or returned; when too few allowed
        candidates remain, the exact filtered query runs instead. Either way the result is the
        top k of the allowed chunks.
        """
        wide = max(query.k + 20, 40)
        hits = [
            h
            for h in self._candidates(vector, wide)
            if matches(h.metadata, query.audience, query.filters)
        ]
        if len(hits) < query.k and wide < self.store.count():
            where = chroma_where(query.audience, query.filters)
            fetch = query.k * (self.overfetch if query.filters.tags else 1)
            hits = [
                h
                for h in self.store.query(vector, fetch, where)
                if matches(h.metadata, query.audience, query.filters)
            ]
        return [h.retrieved({"dense": h.score}) for h in hits[: query.k]]

    def _candidates(self, vector: list[float], n: int) -> list[ChunkHit]:
        """The n nearest chunks, unfiltered. With a lookup, Chroma returns only ids and
        distances and the rows come from the lookup (the store serves the ones it lacks)."""
        if self.lookup is None:
            return self.store.query(vector, n)
        nearest = self.store.nearest(vector, n)
        rows = {i: (c.text, c.metadata) for i, c in self.lookup([i for i, _ in nearest]).items()}
        missing = [chunk_id for chunk_id, _ in nearest if chunk_id not in rows]
        if missing:
            rows.update((h.chunk_id, (h.text, h.metadata)) for h in self.store.get_chunks(missing))
        return [ChunkHit(i, *rows[i], score) for i, score in nearest if i in rows]
