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
from llama_index.core.schema import BaseNode
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import PrivateAttr

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings

_CONFIGURATION: Any = {"hnsw": {"space": "cosine"}}


def _chroma_settings() -> ChromaSettings:
    """A fresh settings object per client: ``HttpClient`` mutates the one it is given."""
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


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
        where = settings.chroma_url or str(settings.chroma_path)
        raise KbassistError(
            ErrorCode.STORE_UNAVAILABLE, f"cannot open the Chroma store at {where}"
        ) from exc
