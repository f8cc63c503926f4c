"""Opening the Chroma collection: a Chroma server (``HttpClient``) or an embedded store.

An embedded store is opened on a Chroma ``System`` of its own rather than through
``chromadb.PersistentClient``. PersistentClient shares one System per path across the process
(``SharedSystemClient``), and that System keeps the HNSW index it loaded: rows another process adds
later are seen by ``get()`` but never by a nearest-neighbour query. Clearing the shared cache would
stop every other client in the process, so instead each open builds a fresh System that reads the
index from disk, and the ``ChunkStore`` opens a new one when the store's generation changes (see
chroma-core/chroma#3792). A Chroma server is one process that sees every write, so its handle is
never reopened.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api import ServerAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings
from chromadb.config import System
from llama_index.core.schema import BaseNode, MetadataMode
from llama_index.core.vector_stores.utils import node_to_metadata_dict
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import PrivateAttr

from assistant.errors import ErrorCode, KbassistError, no_room, no_room_error
from assistant.settings import Settings

_CONFIGURATION: Any = {"hnsw": {"space": "cosine"}}


def _chroma_settings() -> ChromaSettings:
    """A fresh settings object per client: ``HttpClient`` mutates the one it is given."""
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


class BatchedChromaVectorStore(ChromaVectorStore):
    """LlamaIndex's Chroma vector store, writing in batches the client accepts, and replacing a
    changed document's chunks in place.

    - LlamaIndex splits an add at 41,665 rows, above an embedded client's limit (5,461 here), so
      one large document or a slab of short chunks would fail the whole ingest without batches.
    - LlamaIndex deletes a changed document's chunks (``delete``) before it chunks and embeds the
      new version, so a query meanwhile (seconds) would find neither version. Here the delete only
      marks the document; ``add`` upserts the new chunks over the old ones (chunk ids are stable)
      and then deletes the old chunks the new version no longer has. A query sees the old
      version or the new one. A marked document that gave no chunks at all loses its old ones at
      the end of the same ``add`` (LlamaIndex adds a run's nodes in one call).
    """

    _max_batch: int = PrivateAttr(default=5000)
    _replacing: set[str] = PrivateAttr(default_factory=set)

    def __init__(self, collection: Collection, max_batch: int) -> None:
        super().__init__(chroma_collection=collection)
        self._max_batch = max(1, max_batch)

    def delete(self, ref_doc_id: str, **delete_kwargs: Any) -> None:
        self._replacing.add(ref_doc_id)

    def add(self, nodes: Sequence[BaseNode], **add_kwargs: Any) -> list[str]:
        ids: list[str] = []
        for start in range(0, len(nodes), self._max_batch):
            batch = list(nodes[start : start + self._max_batch])
            metadatas = _cleared(self._collection, batch)
            self._collection.upsert(
                ids=[node.node_id for node in batch],
                embeddings=[node.get_embedding() for node in batch],  # type: ignore[arg-type]
                metadatas=metadatas,  # type: ignore[arg-type]
                documents=[node.get_content(metadata_mode=MetadataMode.NONE) for node in batch],
            )
            ids += [node.node_id for node in batch]
        self._drop_replaced(set(ids))
        return ids

    def _drop_replaced(self, kept: set[str]) -> None:
        """Delete the chunks of each marked document that the new version did not write."""
        for doc_id in sorted(self._replacing):
            old = self._collection.get(where={"document_id": doc_id}, include=[])["ids"]
            gone = [chunk_id for chunk_id in old if chunk_id not in kept]
            if gone:
                self._collection.delete(ids=gone)
        self._replacing.clear()


def _cleared(collection: Collection, batch: list[BaseNode]) -> list[dict[str, Any]]:
    """Each node's row metadata, with every key its old row had and it lacks cleared: Chroma's
    upsert merges metadata into an existing row, so a document narrowed from public to internal
    would otherwise keep its ``vis_public`` flag and stay visible to everyone."""
    metadatas = [_flat_metadata(node) for node in batch]
    old = collection.get(ids=[node.node_id for node in batch], include=["metadatas"])
    previous = dict(zip(old["ids"], old["metadatas"] or [], strict=False))
    for node, metadata in zip(batch, metadatas, strict=True):
        for key, value in (previous.get(node.node_id) or {}).items():
            if key not in metadata:
                metadata[key] = False if isinstance(value, bool) else ""
    return metadatas


def _flat_metadata(node: BaseNode) -> dict[str, Any]:
    """The row metadata LlamaIndex's own ``add`` writes (None becomes "")."""
    metadata = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
    return {key: "" if value is None else value for key, value in metadata.items()}


@dataclass
class CollectionHandle:
    """One open collection, the LlamaIndex vector store over it, and how to release it."""

    collection: Collection
    vector_store: BatchedChromaVectorStore
    close: Callable[[], None]


def _http_client(settings: Settings) -> chromadb.ClientAPI:
    url = urlparse(settings.chroma_url or "")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise KbassistError(
            ErrorCode.CONFIG,
            f"KBASSIST_CHROMA_URL must look like http://host:port, got '{settings.chroma_url}'",
        )
    return chromadb.HttpClient(
        host=url.hostname,
        port=url.port or (443 if url.scheme == "https" else 8000),
        ssl=url.scheme == "https",
        settings=_chroma_settings(),
    )


def _writable(settings: Settings) -> None:
    """A read-only data directory is named before Chroma fails on it with a lower-level error
    (SQLite needs to write even to read)."""
    for folder in (settings.data_dir, settings.chroma_path):
        if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise KbassistError(
                ErrorCode.STORE_UNAVAILABLE,
                f"{folder}: read-only; kbassist needs to write in its data directory "
                "(KBASSIST_DATA_DIR, --data-dir)",
            )


def _embedded(settings: Settings) -> CollectionHandle:
    """The collection on a System of its own, which loads the HNSW index from disk now."""
    _writable(settings)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    chroma = _chroma_settings()
    chroma.is_persistent = True
    chroma.persist_directory = str(settings.chroma_path)
    system = System(chroma)
    api = system.instance(ServerAPI)  # type: ignore[type-abstract]
    system.start()
    try:
        model = api.get_or_create_collection(
            name=settings.chroma_collection, configuration=_CONFIGURATION
        )
        collection = Collection(client=api, model=model, embedding_function=None)
        vector_store = BatchedChromaVectorStore(collection, api.get_max_batch_size())
    except Exception:
        system.stop()
        raise
    return CollectionHandle(collection, vector_store, system.stop)


def _remote(settings: Settings) -> CollectionHandle:
    client = _http_client(settings)
    collection = client.get_or_create_collection(
        settings.chroma_collection, embedding_function=None, configuration=_CONFIGURATION
    )
    vector_store = BatchedChromaVectorStore(collection, client.get_max_batch_size())
    return CollectionHandle(collection, vector_store, lambda: None)


def open_collection(settings: Settings) -> CollectionHandle:
    """The chunk collection: on the Chroma server when ``chroma_url`` is set, else embedded
    under the data dir. An unreachable or unreadable store is a ``store_unavailable`` error."""
    try:
        return _remote(settings) if settings.chroma_url else _embedded(settings)
    except KbassistError:
        raise
    except PermissionError as exc:
        raise KbassistError(
            ErrorCode.STORE_UNAVAILABLE,
            f"{exc.filename or settings.chroma_path}: permission denied; kbassist needs to write "
            "in its data directory (KBASSIST_DATA_DIR, --data-dir)",
        ) from exc
    except Exception as exc:  # chromadb raises several types for an unreachable store
        if not settings.chroma_url and no_room(exc, settings.data_dir):  # SQLite writes to open
            unchanged = "the Chroma store was not opened and is unchanged"
            raise no_room_error(settings.data_dir, unchanged) from exc
        where = settings.chroma_url or str(settings.chroma_path)
        raise KbassistError(
            ErrorCode.STORE_UNAVAILABLE, f"cannot open the Chroma store at {where}"
        ) from exc
