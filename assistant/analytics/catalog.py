"""The knowledge base's documents, as the chunk store holds them now: what the per-document
analytics and the flags name (title, owner, review date) and who may see each."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    source_type: str
    owner: str
    product: str
    visibility: str
    review_by: str  # YYYY-MM-DD, "" for none


class MetadataSource(Protocol):
    """What the catalog reads (``assistant.store.ChunkStore``)."""

    def iter_metadata(self) -> Iterable[dict[str, Any]]: ...


def catalog(chunks: MetadataSource) -> dict[str, DocumentInfo]:
    """Every document in the store, by id (from its chunks' metadata, the first chunk seen)."""
    documents: dict[str, DocumentInfo] = {}
    for metadata in chunks.iter_metadata():
        doc_id = str(metadata.get("doc_id") or "")
        if doc_id and doc_id not in documents:
            documents[doc_id] = document_info(doc_id, metadata)
    return documents


def document_info(doc_id: str, metadata: Mapping[str, Any]) -> DocumentInfo:
    def get(key: str) -> str:
        return str(metadata.get(key) or "")

    return DocumentInfo(
        doc_id,
        get("title"),
        get("source_type"),
        get("owner"),
        get("product"),
        get("visibility"),
        get("review_by")[:10],
    )


class CachedCatalog:
    """``catalog(chunks)``, read again only when ``generation()`` changes (the store's
    generation, bumped by every ingest, in this process or another)."""

    def __init__(self, chunks: MetadataSource, generation: Callable[[], str]) -> None:
        self.chunks = chunks
        self.generation = generation
        self._lock = threading.Lock()
        self._cached: tuple[str, dict[str, DocumentInfo]] | None = None

    def __call__(self) -> dict[str, DocumentInfo]:
        current = self.generation()
        with self._lock:
            if self._cached is None or self._cached[0] != current:
                self._cached = (current, catalog(self.chunks))
            return self._cached[1]
