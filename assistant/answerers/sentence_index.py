"""Sentence vectors as a derived index of the store: after every change the ingestor rebuilds
its derived indexes (``store.DerivedIndex``), and this one embeds the quotable sentences
(``selection.weighable``) of every chunk that the sentence-vector file lacks. An answer that
weighs its sentences by meaning then looks their vectors up instead of embedding them while the
agent waits (``embedding.similarity``). Only new sentences are embedded: an unchanged store
costs a pass over its chunks and a lookup of their sentences' keys.
"""

from __future__ import annotations

from pathlib import Path

from assistant.answerers.selection import weighable
from assistant.embedding.similarity import SentenceSimilarity
from assistant.store import (
    ChunkHit,
    ChunkStore,
    Progress,
    built_for_current,
    bump_generation,
    read_generation,
    write_whole,
)

GENERATION_FILE = "sentence_vectors.generation"
_BATCH = 2_048  # sentences looked up (and embedded) at a time


class SentenceIndex:
    label = "Embedding answer sentences"

    def __init__(self, similarity: SentenceSimilarity, data_dir: Path) -> None:
        self.similarity = similarity
        self.data_dir = data_dir

    def rebuild(self, store: ChunkStore, progress: Progress | None = None) -> int:
        """Embed the sentences of ``store``'s chunks that have no vector yet; how many
        (``progress`` hears of the chunks whose sentences have vectors)."""
        generation = read_generation(self.data_dir) or bump_generation(self.data_dir)
        total = store.count() if progress else 0
        if progress:
            progress(0, total)
        embedded, batch, read = 0, [], 0
        for chunk_id, text, metadata in store.iter_rows():
            batch += weighable(ChunkHit(chunk_id, text, metadata, 0.0).retrieved())
            read += 1
            if len(batch) >= _BATCH:
                embedded += self.similarity.prepare(batch)
                batch = []
                if progress:
                    progress(read, max(total, read))
        embedded += self.similarity.prepare(batch)
        if progress:
            progress(read, read)
        write_whole(self.data_dir / GENERATION_FILE, generation)
        return embedded

    def is_current(self) -> bool:
        return built_for_current(self.data_dir / GENERATION_FILE, self.data_dir)
