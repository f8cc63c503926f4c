"""Document frequencies of terms, read from the persisted BM25 index (``LexicalIndex``).

The index already holds, per stemmed term, the chunks that contain it (a CSC matrix); the
frequencies are derived from it once per loaded index generation, never per question.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.retrieval.lexical import LexicalIndex

# (the loaded index they were read from, term -> column, document frequencies, corpus size)
_State = tuple[object | None, dict[str, int], np.ndarray, int]
_NONE: _State = (None, {}, np.zeros(0, dtype=np.int64), 0)  # before the first build


class Bm25TermStats:
    """``TermStats`` over a ``LexicalIndex`` (chunk-level frequencies, every audience's chunks:
    a frequency says whether a word occurs in the knowledge base, never where).

    The frequencies of one loaded index are kept as one tuple, replaced whole when the index is
    reloaded, so a call from another thread meanwhile reads either the old frequencies or the
    new ones, never a mix of the two (the answerability classifier and the playbook matcher
    both read them)."""

    def __init__(self, index: LexicalIndex) -> None:
        self.index = index
        self._state: _State = _NONE

    def _load(self) -> _State:
        retriever = self.index.loaded()
        state = self._state
        if retriever is state[0]:
            return state
        if retriever is None:
            state = _NONE
        else:
            bm25 = retriever.bm25
            df = np.diff(np.asarray(bm25.scores["indptr"]))
            state = (retriever, dict(bm25.vocab_dict), df, int(bm25.scores["num_docs"]))
        self._state = state
        return state

    def corpus_size(self) -> int:
        return self._load()[3]

    def document_frequency(self, terms: Sequence[str]) -> list[int]:
        _, vocab, df, _ = self._load()
        out = []
        for term in terms:
            i = vocab.get(term)
            out.append(int(df[i]) if i is not None and 0 <= i < len(df) else 0)
        return out
