"""Dense retrieval: the query embedding against Chroma, filtered by audience before ranking."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from assistant.embedding import Embedder
from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.filters import chroma_where, matches
from assistant.store import ChunkHit, ChunkStore

# Of these chunk ids, the rows (text and metadata) of those the query admits, and every id the
# source holds, from a faster source than Chroma's rows (the BM25 corpus); it may hold only some
# of them, or none: the store serves the rest.
ChunkLookup = Callable[[list[str], Query], tuple[dict[str, RetrievedChunk], set[str]]]
# (chunks the query admits, chunks in all) when known; None when not (``LexicalIndex``).
AdmittedCount = Callable[[Query], tuple[int, int] | None]


class DenseRetriever:
    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        overfetch: int = 3,
        cache_size: int = 512,
        lookup: ChunkLookup | None = None,
        max_width: int = 4000,
        count: AdmittedCount | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.lookup = lookup
        self.count = count
        self.overfetch = overfetch
        self.max_width = max_width  # the widest unfiltered candidate set before Chroma's filter
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

    def forget(self) -> None:
        """Drop the remembered query vectors (a measure of questions never asked before)."""
        with self._lock:
            self._vectors.clear()

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        return self.retrieve_vector(self.embed(query.text), query)

    def retrieve_vector(self, vector: list[float], query: Query) -> list[RetrievedChunk]:
        """The k nearest chunks the caller may see.

        Chroma's filtered search scans the metadata and is far slower than an unfiltered one
        (150 ms against 4 ms on 21k chunks, seconds at 100k), so unfiltered candidates are taken
        and cut to what the audience and filters allow *before* anything is ranked or returned.
        When too few of them are admitted, the candidate set is widened to what the admitted
        share seen so far says should suffice (see ``next_width``), up to ``max_width``; only
        when even that admits fewer than k does the exact filtered query run. A candidate set
        as large as the store holds every chunk, so no filtered query is needed after it.
        Either way the result is the top k of the allowed chunks. When the admitted share is
        known beforehand (``count``), the first candidate set is sized by it: nothing is
        searched when nothing is admitted (a knowledge base without playbooks, for the playbook
        matcher), and a share too small for ``max_width`` goes straight to the filtered query.
        """
        width, total = max(query.k + 20, 40), 0
        known = self.count(query) if self.count else None
        if known is not None:
            admitted, total = known
            if admitted == 0:
                return []
            width = min(total, max(width, -(-query.k * total * 3 // (admitted * 2))))
            if width > self.max_width:
                hits = self._filtered(vector, query)
                return [h.retrieved({"dense": h.score}) for h in hits[: query.k]]
        while True:
            hits = self._admitted(vector, width, query)
            if len(hits) >= query.k:
                break
            total = total or self.store.count()  # counted only when the first set falls short
            if width >= total:
                break
            if width >= self.max_width:
                hits = self._filtered(vector, query)
                break
            width = min(next_width(width, len(hits), query.k), self.max_width, total)
        return [h.retrieved({"dense": h.score}) for h in hits[: query.k]]

    def _filtered(self, vector: list[float], query: Query) -> list[ChunkHit]:
        """Chroma's exact filtered query (it scans the metadata: the slow path)."""
        where = chroma_where(query.audience, query.filters)
        fetch = query.k * (self.overfetch if query.filters.tags else 1)
        return [h for h in self.store.query(vector, fetch, where) if self._admits(h, query)]

    def _admitted(self, vector: list[float], n: int, query: Query) -> list[ChunkHit]:
        """Of the n nearest chunks (unfiltered), those the query admits, nearest first. With a
        lookup, Chroma returns only ids and distances and the rows come from the lookup (the
        store serves the ones it lacks)."""
        if self.lookup is None:
            return [h for h in self.store.query(vector, n) if self._admits(h, query)]
        nearest = self.store.nearest(vector, n)
        chunks, known = self.lookup([i for i, _ in nearest], query)
        rows = {i: (c.text, c.metadata) for i, c in chunks.items() if self._admits(c, query)}
        missing = [chunk_id for chunk_id, _ in nearest if chunk_id not in known]
        if missing:
            stored = (h for h in self.store.get_chunks(missing) if self._admits(h, query))
            rows.update((h.chunk_id, (h.text, h.metadata)) for h in stored)
        return [ChunkHit(i, *rows[i], score) for i, score in nearest if i in rows]

    @staticmethod
    def _admits(hit: ChunkHit | RetrievedChunk, query: Query) -> bool:
        return matches(hit.metadata, query.audience, query.filters)


def next_width(width: int, admitted: int, k: int) -> int:
    """The candidate set to try after ``width`` unfiltered candidates admitted ``admitted`` < k:
    wide enough for k at the admitted share seen so far, with half again as margin (a share
    measured on few hits is rough), and at least twice as wide; ten times as wide when none
    was admitted. HNSW searches with ef = max(search_ef, n_results), so a wide set keeps its
    recall without changing the collection's ``search_ef``."""
    if admitted == 0:
        return width * 10
    return max(width * 2, -(-width * k * 3 // (admitted * 2)))
