"""Dense retrieval: the query embedding against Chroma, filtered by audience before ranking."""

from __future__ import annotations

from assistant.embedding import Embedder
from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.filters import chroma_where, matches
from assistant.store import ChunkStore


class DenseRetriever:
    def __init__(self, store: ChunkStore, embedder: Embedder, overfetch: int = 3) -> None:
        self.store = store
        self.embedder = embedder
        self.overfetch = overfetch

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        vector = self.embedder.embed_query(query.text)
        return self.retrieve_vector(vector, query)

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
