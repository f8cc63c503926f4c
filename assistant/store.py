"""The chunk store: Chroma (embedded by default, a Chroma server when a URL is set).

Chroma is always given precomputed embeddings: its default embedding function, which downloads a
model, is never used.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from chromadb.api.models.Collection import Collection

from assistant.chroma import BatchedChromaVectorStore, CollectionHandle, open_collection
from assistant.settings import Settings
from assistant.types import Audience, DocumentState, RetrievedChunk

Progress = Callable[[int, int], None]  # (done, in all): documents ingested, chunks indexed
_PAGE = 5000  # rows per Chroma get()
GENERATION_FILE = "generation"
# A replaced collection handle is closed this long after it was replaced, once nothing else holds
# it (an ingest's pipeline may write through it to the end): the memory of its HNSW index is
# given back.
_RETIRE_AFTER_S = 10.0


def bump_generation(data_dir: Path) -> str:
    """Mark the store as changed; derived indexes built for an older generation are stale."""
    generation = uuid.uuid4().hex
    data_dir.mkdir(parents=True, exist_ok=True)
    write_whole(data_dir / GENERATION_FILE, generation)
    return generation


def write_whole(path: Path, text: str) -> None:
    """Write a small file so that a reader never sees it half-written."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def read_generation(data_dir: Path) -> str:
    path = data_dir / GENERATION_FILE
    return path.read_text().strip() if path.exists() else ""


def built_for_current(marker: Path, data_dir: Path) -> bool:
    """Whether a derived index's ``marker`` (the generation it was built for) names the store's
    current generation."""
    return marker.exists() and marker.read_text().strip() == read_generation(data_dir)


class DerivedIndex(Protocol):
    """An index built from the store's chunks (the BM25 indexes), rebuilt after a change."""

    label: str  # what a progress bar calls its rebuild

    def rebuild(self, store: ChunkStore, progress: Progress | None = None) -> int:
        """Rebuild from every chunk in ``store`` (``progress``: chunks done, chunks in all);
        returns the entries indexed."""
        ...

    def is_current(self) -> bool:
        """Whether the index reflects the store's current generation."""
        ...


def _unused(handle: CollectionHandle) -> bool:
    """Whether only ``handle`` refers to its collection and vector store (CPython reference
    counts: the handle's attributes, the vector store's own reference, the call's argument); a
    query in flight or an ingest's pipeline holds one more."""
    return sys.getrefcount(handle.vector_store) <= 2 and sys.getrefcount(handle.collection) <= 3


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


class ChunkStore:
    """The Chroma collection of chunks, and the LlamaIndex vector store over it.

    With a ``generation_dir`` (an embedded store) the collection is reopened when the store's
    generation changes, so an ingest by another process is seen by nearest-neighbour search from
    the next call on (a handle loaded earlier keeps its old HNSW index). A replaced handle is
    closed once no call can still be using it (``_RETIRE_AFTER_S`` later).
    """

    def __init__(
        self,
        opener: Callable[[], CollectionHandle],
        location: str,
        generation_dir: Path | None = None,
    ) -> None:
        self.location = location
        self._opener = opener
        self._dir = generation_dir
        self._lock = threading.Lock()
        self._generation = read_generation(generation_dir) if generation_dir else ""
        self._handle = opener()
        self._retired: list[tuple[float, CollectionHandle]] = []
        self.reopened = 0  # how many times a newer generation made it reopen the collection

    @classmethod
    def from_settings(cls, settings: Settings) -> ChunkStore:
        location = settings.chroma_url or str(settings.chroma_path)
        generation_dir = None if settings.chroma_url else settings.data_dir
        return cls(lambda: open_collection(settings), location, generation_dir)

    @property
    def collection(self) -> Collection:
        return self._current().collection

    @property
    def vector_store(self) -> BatchedChromaVectorStore:
        return self._current().vector_store

    def _current(self) -> CollectionHandle:
        if self._dir is None:
            return self._handle
        if self._retired and time.monotonic() - self._retired[0][0] > _RETIRE_AFTER_S:
            self._close_retired()
        generation = read_generation(self._dir)
        if generation == self._generation:
            return self._handle
        with self._lock:
            if generation != self._generation:
                # read before opening: a write in between only makes the next call reopen again
                handle = self._opener()
                self._retired.append((time.monotonic(), self._handle))
                self._handle, self._generation = handle, generation
                self.reopened += 1
            return self._handle

    def _close_retired(self) -> None:
        with self._lock:
            now = time.monotonic()
            done = [r for r in self._retired if now - r[0] > _RETIRE_AFTER_S and _unused(r[1])]
            for _, old in done:
                old.close()
            self._retired = [r for r in self._retired if r not in done]

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
        offset, collection = 0, self.collection  # one handle for the whole listing
        while True:
            page = collection.get(include=include, limit=_PAGE, offset=offset)
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
