"""Document frequencies of terms, read from the persisted BM25 index (``LexicalIndex``).

The index already holds, per stemmed term, the chunks that contain it (a CSC matrix); the
frequencies are derived from it once per loaded index generation, never per question.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.retrieval.lexical import LexicalIndex


class Bm25TermStats:
    """``TermStats`` over a ``LexicalIndex`` (chunk-level frequencies, every audience's chunks:
    a frequency says whether a word occurs in the knowledge base, never where)."""

    def __init__(self, index: LexicalIndex) -> None:
        self.index = index
        self._source: object | None = None
        self._vocab: dict[str, int] = {}
        self._df: np.ndarray = np.zeros(0, dtype=np.int64)
        self._n = 0

    def _load(self) -> None:
        retriever = self.index.loaded()
        if retriever is self._source:
            return
        self._source = retriever
        if retriever is None:
            self._vocab, self._df, self._n = {}, np.zeros(0, dtype=np.int64), 0
            return
        bm25 = retriever.bm25
        self._vocab = dict(bm25.vocab_dict)
        self._df = np.diff(np.asarray(bm25.scores["indptr"]))
        self._n = int(bm25.scores["num_docs"])

    def corpus_size(self) -> int:
        self._load()
        return self._n

    def document_frequency(self, terms: Sequence[str]) -> list[int]:
        self._load()
        out = []
        for term in terms:
            i = self._vocab.get(term)
            out.append(int(self._df[i]) if i is not None and 0 <= i < len(self._df) else 0)
        return out
