"""BM25 over every chunk, with LlamaIndex's ``BM25Retriever`` (bm25s), persisted beside the store.

With ``window`` > 0 the index holds short windows of that many sentences of each chunk (with its
title) instead of whole chunks, and a hit counts for its chunk: a question that paraphrases one
sentence then competes with that sentence, not with a whole section.

The index is rebuilt after an ingest that changed something, never per query. Each build records
the store generation it reflects; a retriever notices a newer generation (another process ingested)
and reloads. Audience and filters become a corpus weight mask, so a chunk the caller may not see
is excluded *before* ranking.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import orjson
from llama_index.core.schema import BaseNode, TextNode
from llama_index.core.vector_stores.utils import metadata_dict_to_node
from llama_index.retrievers.bm25 import BM25Retriever

from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.filters import matches
from assistant.store import (
    GENERATION_FILE,
    ChunkStore,
    Progress,
    built_for_current,
    bump_generation,
    read_generation,
)
from assistant.text import split_sentences, windows

# Chunk metadata a window keeps: what filters and ranking need, not the whole node.
_WINDOW_KEYS = ("doc_id", "source_type", "product", "tags", "visibility", "review_by", "title")

_MASKS_KEPT = 32  # audience/filter masks cached per index
_LOAD_TRIES = 20  # loads of an index met by an ingest's swap, ...
_LOAD_PAUSE = 0.05  # ... this many seconds apart


def store_nodes(store: ChunkStore) -> list[BaseNode]:
    """Every chunk in the store as a LlamaIndex node (text and metadata)."""
    nodes: list[BaseNode] = []
    for chunk_id, text, metadata in store.iter_rows():
        node = metadata_dict_to_node(metadata, text=text)
        node.id_ = chunk_id
        nodes.append(node)
    return nodes


class LexicalIndex:
    """A persisted BM25 index of the store's chunks."""

    def __init__(self, data_dir: Path, window: int = 0) -> None:
        self.data_dir = data_dir
        self.window = window
        self.path = data_dir / (f"bm25-w{window}" if window else "bm25")
        self.label = f"Indexing {window}-sentence windows" if window else "Indexing words"
        self._lock = threading.Lock()
        self._retriever: BM25Retriever | None = None
        self._store_generation: str | None = None  # the store's, when the index was last asked
        self._built_generation: str | None = None  # what the loaded index was built for
        self._masks: dict[tuple[Any, ...], np.ndarray] = {}
        self._positions: dict[str, int] | None = None  # chunk id -> corpus entry

    def rebuild(self, store: ChunkStore, progress: Progress | None = None) -> int:
        """Build the index from the store's chunks and persist it atomically; returns its size
        (``progress`` hears of the entries read, then of the index written)."""
        nodes = store_nodes(store)
        if self.window:
            nodes = window_nodes(nodes, self.window)
        if progress:
            progress(0, len(nodes))
        generation = read_generation(self.data_dir) or bump_generation(self.data_dir)
        tmp = self.path.with_name(self.path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if nodes:
            retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=10)
            retriever.persist(str(tmp), show_progress=False)  # no progress bar on every ingest
        (tmp / GENERATION_FILE).write_text(generation)
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(old)
        tmp.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)
        if progress:
            progress(len(nodes), len(nodes))
        return len(nodes)

    def is_current(self) -> bool:
        return built_for_current(self.path / GENERATION_FILE, self.data_dir)

    def loaded(self) -> BM25Retriever | None:
        """The BM25 model on disk (loaded once per build), for what else reads the index
        (document frequencies); None before the first build."""
        with self._lock:
            return self._ensure_loaded()

    def _ensure_loaded(self) -> BM25Retriever | None:
        """The index on disk, loaded again only when an ingest has replaced it (its marker names
        another build). An ingest bumps the store's generation before it swaps the index in, by
        two renames: a query meanwhile keeps the index it has, or loads the old one, and the new
        one is loaded once it lands. A load that meets the swap (a missing file, or a marker
        that changed while the files were read) is tried again; until one succeeds, the index
        loaded before keeps serving. Called under the lock."""
        self._store_generation = read_generation(self.data_dir)
        for attempt in range(_LOAD_TRIES):
            built = _marker(self.path)
            if built is None or built == self._built_generation:
                return self._retriever  # mid-swap, or the index already loaded
            if attempt:
                time.sleep(_LOAD_PAUSE)
            try:
                retriever = None
                if (self.path / "params.index.json").exists():
                    retriever = BM25Retriever.from_persist_dir(str(self.path))
            except FileNotFoundError:
                continue
            if _marker(self.path) == built:  # not swapped while it was read
                self._retriever, self._built_generation = retriever, built
                self._masks, self._positions = {}, None
                return retriever
        return self._retriever

    def _mask(self, retriever: BM25Retriever, query: Query) -> np.ndarray:
        """1 for each corpus entry this audience and these filters admit (the most recent
        pairs are cached: a mask is 4 bytes per entry)."""
        key = (query.audience, query.filters)
        mask = self._masks.pop(key, None)
        if mask is None:
            admitted = [matches(entry, query.audience, query.filters) for entry in retriever.corpus]
            mask = np.array(admitted, dtype=np.float32)
            while len(self._masks) >= _MASKS_KEPT:
                self._masks.pop(next(iter(self._masks)))
        self._masks[key] = mask  # (re)inserted last: the dict's order is the recency order
        return mask

    def retrieve(self, query: Query, k: int | None = None) -> list[RetrievedChunk]:
        """The top chunks by BM25 among those the caller may see.

        bm25s is called directly rather than through ``BM25Retriever.retrieve``, which turns the
        weight mask into an array and every hit into a node on each call (most of the time on a
        large index); only the hits that are returned are parsed.
        """
        with self._lock:
            retriever = self._ensure_loaded()
            if retriever is None:
                return []
            mask = self._mask(retriever, query)
            if not mask.any():
                return []
            tokens = bm25s.tokenize(
                query.text,
                stemmer=None if retriever.skip_stemming else retriever.stemmer,
                token_pattern=retriever.token_pattern,
                show_progress=False,
            )
            if not tokens.vocab:
                return []
            top = min(k or query.k, len(retriever.corpus))
            positions, scores = retriever.bm25.retrieve(
                tokens, k=top, weight_mask=mask, show_progress=False
            )
            corpus = retriever.corpus
        chunks: dict[str, RetrievedChunk] = {}
        for found, score in zip(positions[0], scores[0], strict=True):
            if score <= 0:
                continue
            # bm25s hands back the corpus entry itself when its index holds the corpus
            entry = found if isinstance(found, dict) else corpus[int(found)]
            if entry.get("parent_id") in chunks:  # a later window of a chunk already found
                continue
            chunk = _entry_chunk(entry)
            chunk.score = float(score)
            chunk.signals = {self.signal: float(score)}
            chunks[chunk.chunk_id] = chunk
        return list(chunks.values())

    def lookup(self, chunk_ids: list[str]) -> dict[str, RetrievedChunk]:
        """Text and metadata of these chunks from the in-memory corpus, for the ones it holds,
        and only while the index reflects the store's current generation (otherwise nothing: a
        caller then asks the store)."""
        with self._lock:
            retriever = self._current_rows()
            if retriever is None:
                return {}
            positions, corpus = self._entry_positions(retriever), retriever.corpus
        found = (positions.get(chunk_id) for chunk_id in chunk_ids)
        chunks = (_entry_chunk(corpus[p]) for p in found if p is not None)
        return {chunk.chunk_id: chunk for chunk in chunks}

    def admitted(
        self, chunk_ids: list[str], query: Query
    ) -> tuple[dict[str, RetrievedChunk], set[str]]:
        """Of these chunks, the rows of those ``query``'s audience and filters admit, and the
        ids the corpus holds (admitted or not; the others are for the caller to read from the
        store). Admission comes from the cached mask, so only admitted rows are parsed: a
        dense search that cuts thousands of candidates to a selective audience pays little
        for the ones it drops. Nothing is held while the index is behind the store."""
        with self._lock:
            retriever = self._current_rows()
            if retriever is None:
                return {}, set()
            positions, corpus = self._entry_positions(retriever), retriever.corpus
            mask = self._mask(retriever, query)
        found = {c: positions[c] for c in chunk_ids if c in positions}
        rows = (_entry_chunk(corpus[p]) for p in found.values() if mask[p])
        return {chunk.chunk_id: chunk for chunk in rows}, set(found)

    def admitted_count(self, query: Query) -> tuple[int, int] | None:
        """(chunks ``query``'s audience and filters admit, chunks in all) from the cached mask,
        when the index holds the store's chunks as they are now; None otherwise."""
        with self._lock:
            retriever = self._current_rows()
            if retriever is None:
                return None
            mask = self._mask(retriever, query)
        return int(mask.sum()), len(mask)

    def _current_rows(self) -> BM25Retriever | None:
        """The loaded model when its corpus holds the store's chunks as they are now (a chunk
        index, built at the current generation); None otherwise. Called under the lock."""
        if self.window:
            return None
        retriever = self._ensure_loaded()
        if retriever is None or self._built_generation != self._store_generation:
            return None
        return retriever

    def _entry_positions(self, retriever: BM25Retriever) -> dict[str, int]:
        """Chunk id -> corpus entry, made once per load. Called under the lock."""
        if self._positions is None:
            self._positions = {
                str(entry.get("node_id")): i for i, entry in enumerate(retriever.corpus)
            }
        return self._positions

    @property
    def signal(self) -> str:
        return f"bm25_w{self.window}" if self.window else "bm25"


def _marker(path: Path) -> str | None:
    """The generation the index at ``path`` was built for ("" for an index that names none);
    None while there is no index there (none built yet, or an ingest swapping it in)."""
    try:
        return (path / GENERATION_FILE).read_text().strip()
    except FileNotFoundError:
        return "" if (path / "params.index.json").exists() else None


def _entry_chunk(entry: dict[str, Any]) -> RetrievedChunk:
    """A corpus entry (a serialised node) as the chunk it is or, for a window, belongs to."""
    node = orjson.loads(entry["_node_content"])
    metadata = dict(node.get("metadata") or {})
    chunk_id = str(metadata.pop("parent_id", "")) or str(node.get("id_", ""))
    text = str(node.get("text", ""))
    return RetrievedChunk(chunk_id, str(metadata.get("doc_id", "")), text, metadata, 0.0)


def window_nodes(chunks: list[BaseNode], size: int) -> list[BaseNode]:
    """Each chunk as windows of ``size`` sentences, titled, pointing back at their chunk."""
    out: list[BaseNode] = []
    for chunk in chunks:
        meta = chunk.metadata
        keep = {k: meta[k] for k in _WINDOW_KEYS if k in meta}
        keep.update({k: v for k, v in meta.items() if k.startswith("vis_")})
        keep["parent_id"] = chunk.node_id
        title = str(meta.get("title", ""))
        parts = windows(split_sentences(chunk.get_content()), size) or [chunk.get_content()]
        for i, part in enumerate(parts):
            node = TextNode(id_=f"{chunk.node_id}#w{i}", text=f"{title}\n{part}", metadata=keep)
            node.excluded_embed_metadata_keys = list(keep)
            out.append(node)
    return out
