"""The real embedding model, keeping the documents it is asked to embed (a spy, not a fake):
tests of caches and precomputed vectors check what was embedded and when."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.embedding import SentenceTransformerEmbedder


class Counting:
    def __init__(self, embedder: SentenceTransformerEmbedder) -> None:
        self.inner = embedder
        self.embedded: list[str] = []

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.embedded += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
