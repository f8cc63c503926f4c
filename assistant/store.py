"""The chunk store: Chroma (embedded by default, a Chroma server when a URL is set).

Chroma is always given precomputed embeddings: its default embedding function, which downloads a
model, is never used.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import BaseNode
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import PrivateAttr

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings
from assistant.types import Audience, DocumentState, RetrievedChunk


def _chroma_settings() -> ChromaSettings:
    """A fresh settings object per client: ``HttpClient`` mutates the one it is given."""
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


_PAGE = 5000  # rows per Chroma get()
GENERATION_FILE = "generation"


def bump_generation(data_dir: Path) -> str:
    """Mark the store as changed; derived indexes built for an older generation are stale."""
    generation = uuid.uuid4().hex
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / GENERATION_FILE).write_text(generation)
    return generation


def read_generation(data_dir: Path) -> str:
    path = data_dir / GENERATION_FILE
    return path.read_text().strip() if path.exists() else ""


class DerivedIndex(Protocol):
    """An index built from the store's chunks (the BM25 indexes), rebuilt after a change."""

    def rebuild(self, store: ChunkStore) -> int:
        """Rebuild from every chunk in ``store``; returns the entries indexed."""
        ...

    def is_current(self) -> bool:
        """Whether the index reflects the store's current generation."""
        ...


def make_client(settings: Settings) -> ClientAPI:
    """An embedded ``PersistentClient`` under the data dir, or an ``HttpClient`` for a URL."""
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            if url.scheme not in ("http", "https") or not url.hostname:
                raise KbassistError(
                    ErrorCode.CONFIG,
                    f"KBASSIST_CHROMA_URL must look like http://host:port, got "
                    f"'{settings.chroma_url}'",
                )
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=_chroma_settings(),
            )
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(
            path=str(settings.chroma_path), settings=_chroma_settings()
        )
    except KbassistError:
        raise
    except Exception as exc:  # chromadb raises several types for an unreachable store
        where = settings.chroma_url or str(settings.chroma_path)
        raise KbassistError(
            ErrorCode.STORE_UNAVAILABLE, f"cannot open the Chroma store at {where}"
        ) from exc


@dataclass
class ChunkHit:
    """One chunk from the store, with its similarity (cosine, higher is closer)."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]
    score: float

    def retrieved(self, signals: dict[str, float] | None = None) -> RetrievedChunk:
        doc_id = str(self.metadata.get("doc_id", ""))
        return RetrievedChunk(
            self.chunk_id, doc_id, self.text, self.metadata, self.score, signals=signals or {}
        )


class BatchedChromaVectorStore(ChromaVectorStore):
    """LlamaIndex's Chroma vector store, adding nodes in batches the client accepts.

    LlamaIndex splits an add at 41,665 rows, above an embedded client's limit (5,461 here), so
    one large document or a slab of short chunks would fail the whole ingest without this.
    """

    _max_batch: int = PrivateAttr(default=5000)

    def __init__(self, collection: Collection, max_batch: int) -> None:
        super().__init__(chroma_collection=collection)
        self._max_batch = max(1, max_batch)

    def add(self, nodes: Sequence[BaseNode], **add_kwargs: Any) -> list[str]:
        ids: list[str] = []
        for start in range(0, len(nodes), self._max_batch):
            ids += super().add(list(nodes[start : start + self._max_batch]), **add_kwargs)
        return ids


class ChunkStore:
    """The Chroma collection of chunks, and the LlamaIndex vector store over it."""

    def __init__(self, client: ClientAPI, collection_name: str, location: str) -> None:
        self.location = location
        self.collection: Collection = client.get_or_create_collection(
            collection_name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
        )
        self.vector_store = BatchedChromaVectorStore(self.collection, client.get_max_batch_size())

    @classmethod
    def from_settings(cls, settings: Settings) -> ChunkStore:
        location = settings.chroma_url or str(settings.chroma_path)
        return cls(make_client(settings), settings.chroma_collection, location)

    def count(self) -> int:
        return self.collection.count()

    def delete_documents(self, doc_ids: list[str]) -> None:
        for start in range(0, len(doc_ids), 500):
            batch = doc_ids[start : start + 500]
            where: dict[str, Any] = {"document_id": {"$in": batch}}
            self.collection.delete(where=where)

    def chunk_counts(self, key: str = "source_type") -> Counter[str]:
        """How many chunks there are per value of a metadata key."""
        counts: Counter[str] = Counter()
        for metadata in self.iter_metadata():
            counts[str(metadata.get(key, ""))] += 1
        return counts

    def iter_metadata(self) -> Iterator[dict[str, Any]]:
        for _, _, metadata in self.iter_rows(include_text=False):
            yield metadata

    def iter_rows(self, include_text: bool = True) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every chunk as (id, text, metadata), a page of Chroma rows at a time ("" as text
        without ``include_text``)."""
        include: Any = ["documents", "metadatas"] if include_text else ["metadatas"]
        offset = 0
        while True:
            page = self.collection.get(include=include, limit=_PAGE, offset=offset)
            metadatas = page["metadatas"] or []
            texts = page["documents"] or [""] * len(metadatas)
            for chunk_id, text, metadata in zip(page["ids"], texts, metadatas, strict=True):
                yield chunk_id, text or "", dict(metadata or {})
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def get_chunks(self, chunk_ids: list[str]) -> list[ChunkHit]:
        got = self.collection.get(ids=chunk_ids, include=["documents", "metadatas"])
        rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        return [ChunkHit(i, d or "", dict(m or {}), 0.0) for i, d, m in rows]

    def hydrate(self, chunk_ids: list[str]) -> dict[str, RetrievedChunk]:
        """The chunks as the store holds them now (text and metadata), by id; unknown ids are
        left out."""
        return {h.chunk_id: h.retrieved() for h in self.get_chunks(chunk_ids)}

    def visibilities(self, chunk_ids: list[str]) -> dict[str, str]:
        """The visibility of each chunk (``public``, ``internal``, ``team:…``), by id."""
        if not chunk_ids:
            return {}
        got = self.collection.get(ids=chunk_ids, include=["metadatas"])
        metadatas = got["metadatas"] or []
        return {
            i: str((m or {}).get("visibility", ""))
            for i, m in zip(got["ids"], metadatas, strict=True)
        }

    def document_chunks(
        self, doc_id: str, allowed: Callable[[dict[str, Any]], bool]
    ) -> list[ChunkHit]:
        """The chunks of one document that ``allowed`` admits, in chunk order.

        The audience test runs here rather than in Chroma's ``where``: combined with it, the
        lookup is ~20x slower, and the chunks never leave this method unfiltered.
        """
        got = self.collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        hits = [ChunkHit(i, d or "", dict(m or {}), 0.0) for i, d, m in rows]
        hits = [h for h in hits if allowed(h.metadata)]
        return sorted(hits, key=lambda h: int(h.metadata.get("chunk_index", 0)))

    def document_state(self, doc_id: str) -> DocumentState | None:
        """A stored document's visibility and content hash (from its first chunk), or None."""
        got = self.collection.get(where={"doc_id": doc_id}, limit=1, include=["metadatas"])
        if not got["ids"]:
            return None
        metadata = (got["metadatas"] or [{}])[0] or {}
        return DocumentState(str(metadata.get("visibility", "")), str(metadata.get("doc_hash", "")))

    def siblings(self, doc_id: str, audience: Audience) -> list[RetrievedChunk]:
        """The chunks of one document that ``audience`` may see, in chunk order."""
        return [h.retrieved() for h in self.document_chunks(doc_id, audience.can_see)]

    def query(
        self, embedding: list[float], k: int, where: dict[str, Any] | None = None
    ) -> list[ChunkHit]:
        if k <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[embedding],  # type: ignore[arg-type]
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        documents = (result["documents"] or [[]])[0]
        metadatas = (result["metadatas"] or [[]])[0]
        distances = (result["distances"] or [[]])[0]
        return [
            ChunkHit(chunk_id, text or "", dict(meta or {}), 1.0 - float(dist))
            for chunk_id, text, meta, dist in zip(ids, documents, metadatas, distances, strict=True)
        ]

    def nearest(self, embedding: list[float], k: int) -> list[tuple[str, float]]:
        """Ids and similarities of the k nearest chunks, without their rows: fetching each
        row's metadata costs more than the search itself (~0.15 ms a row here)."""
        if k <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[embedding],  # type: ignore[arg-type]
            n_results=k,
            include=["distances"],
        )
        distances = (result["distances"] or [[]])[0]
        return [
            (chunk_id, 1.0 - float(dist))
            for chunk_id, dist in zip(result["ids"][0], distances, strict=True)
        ]
