"""BM25 over every chunk, with LlamaIndex's ``BM25Retriever`` (bm25s), persisted beside the store.

The index is rebuilt after an ingest that changed something, never per query. Each build records
the store generation it reflects; a retriever notices a newer generation (another process ingested)
and reloads. Audience and filters become a corpus weight mask, so a chunk the caller may not see
is excluded *before* ranking.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.schema import BaseNode, QueryBundle
from llama_index.core.vector_stores.utils import metadata_dict_to_node
from llama_index.retrievers.bm25 import BM25Retriever

from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.filters import matches
from assistant.store import ChunkStore

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


def store_nodes(store: ChunkStore) -> list[BaseNode]:
    """Every chunk in the store as a LlamaIndex node (text and metadata)."""
    nodes: list[BaseNode] = []
    offset, page = 0, 5000
    while True:
        got = store.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
        rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        for chunk_id, text, metadata in rows:
            node = metadata_dict_to_node(dict(metadata), text=text or "")
            node.id_ = chunk_id
            nodes.append(node)
        if len(got["ids"]) < page:
            return nodes
        offset += page


class LexicalIndex:
    """A persisted BM25 index of the store's chunks."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / "bm25"
        self._lock = threading.Lock()
        self._retriever: BM25Retriever | None = None
        self._loaded_generation: str | None = None
        self._masks: dict[tuple[Any, ...], np.ndarray] = {}

    def rebuild(self, store: ChunkStore) -> int:
        """Build the index from the store's chunks and persist it atomically; returns its size."""
        nodes = store_nodes(store)
        generation = read_generation(self.data_dir) or bump_generation(self.data_dir)
        tmp = self.path.with_name("bm25.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if nodes:
            BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=10).persist(str(tmp))
        (tmp / GENERATION_FILE).write_text(generation)
        old = self.path.with_name("bm25.old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(old)
        tmp.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)
        return len(nodes)

    def is_current(self) -> bool:
        built = self.path / GENERATION_FILE
        return built.exists() and built.read_text().strip() == read_generation(self.data_dir)

    def _ensure_loaded(self) -> BM25Retriever | None:
        generation = read_generation(self.data_dir)
        if self._loaded_generation == generation:
            return self._retriever
        retriever = None
        if (self.path / "params.index.json").exists():
            retriever = BM25Retriever.from_persist_dir(str(self.path))
        self._retriever, self._loaded_generation, self._masks = retriever, generation, {}
        return retriever

    def _mask(self, retriever: BM25Retriever, query: Query) -> np.ndarray:
        key = (query.audience, query.filters)
        mask = self._masks.get(key)
        if mask is None:
            mask = np.array(
                [matches(entry, query.audience, query.filters) for entry in retriever.corpus],
                dtype=np.float32,
            )
            self._masks[key] = mask
        return mask

    def retrieve(self, query: Query, k: int | None = None) -> list[RetrievedChunk]:
        with self._lock:
            retriever = self._ensure_loaded()
            if retriever is None:
                return []
            mask = self._mask(retriever, query)
            if not mask.any():
                return []
            retriever.similarity_top_k = min(k or query.k, len(retriever.corpus))
            retriever.corpus_weight_mask = mask.tolist()
            results = retriever.retrieve(QueryBundle(query.text))
        chunks = []
        for hit in results:
            if not hit.score or hit.score <= 0:
                continue
            metadata = dict(hit.node.metadata)
            chunks.append(
                RetrievedChunk(
                    hit.node.node_id,
                    str(metadata.get("doc_id", "")),
                    hit.node.get_content(),
                    metadata,
                    float(hit.score),
                    signals={"bm25": float(hit.score)},
                )
            )
        return chunks
