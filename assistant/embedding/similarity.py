"""Sentences' similarity in meaning to a question, with the store's embedding model: the answer's
sentence picking weighs it with the words they share (``answerers.selection``).

A knowledge base's sentences come back query after query, so their vectors are kept in a bounded
least-recently-used cache (``size`` sentences, 1.5 kB each at 384 dimensions); only new sentences
and the question are embedded, in one batch. A long sentence (a table row, a run-on list) is
judged by its first ``max_chars`` characters, which bounds the time one question can take. Given
``query`` (the dense retriever's ``embed``, which remembers recent questions), the question's
vector comes from there rather than being embedded a second time. Given ``known`` (sentence
vectors computed at ingest, ``sentence_vectors``), a sentence missing from the cache is looked up
there before it is embedded; ``prepare`` fills it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from assistant.embedding import Embedder
from assistant.embedding.sentence_vectors import SentenceVectors

# (question, texts) -> each text's similarity in meaning to the question (cosine): what the
# answerers ask of a ``SentenceSimilarity``
Similarity = Callable[[str, Sequence[str]], Sequence[float]]


class SentenceSimilarity:
    def __init__(
        self,
        embedder: Embedder,
        size: int = 20_000,
        max_chars: int = 300,
        query: Callable[[str], Sequence[float]] | None = None,
        known: SentenceVectors | None = None,
    ) -> None:
        self.embedder = embedder
        self.query = query
        self.known = known
        self.size = size
        self.max_chars = max_chars
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, question: str, sentences: Sequence[str]) -> list[float]:
        """The cosine similarity of each sentence to the question."""
        if not sentences:
            return []
        if self.query is not None:
            texts = [text[: self.max_chars] for text in sentences]
            vectors = self._vectors(texts)
            asked = _unit(self.query(question))
        else:
            texts = [text[: self.max_chars] for text in (question, *sentences)]
            vectors = self._vectors(texts)
            asked = vectors[texts.pop(0)]
        return [float(vectors[text] @ asked) for text in texts]

    def _vectors(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for text in found:
                self._cache.move_to_end(text)
        fresh = [t for t in dict.fromkeys(texts) if t not in found]  # not in the cache
        missing = fresh
        if missing and self.known is not None:
            found |= self.known.get(missing)
            missing = [t for t in missing if t not in found]
        if missing:
            for text, vector in zip(missing, self.embedder.embed_documents(missing), strict=True):
                found[text] = _unit(vector)
        if fresh:
            with self._lock:
                for text in fresh:
                    self._cache[text] = found[text]
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return found

    def prepare(self, sentences: Sequence[str], batch: int = 256) -> int:
        """Embed and store (in ``known``) those of ``sentences`` it lacks, as they will be asked
        for (cut to ``max_chars``); how many were embedded."""
        if self.known is None:
            return 0
        texts = list(dict.fromkeys(text[: self.max_chars] for text in sentences))
        have = self.known.get(texts)
        missing = [t for t in texts if t not in have]
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            vectors = [_unit(v) for v in self.embedder.embed_documents(part)]
            self.known.add(part, vectors)
        return len(missing)


def _unit(vector: Sequence[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    return array / (float(np.linalg.norm(array)) or 1.0)
