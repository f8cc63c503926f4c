"""Whether a group of tickets is already covered: its best match among existing articles.

The group's centre (the mean of its tickets' vectors) is compared with every article chunk; the
group is covered when the best cosine similarity reaches ``COVERED_AT``. The value was chosen on
the sample knowledge base (docs/drafts.md): its 14 ticket groups that an article covers score
0.59-0.92 against their article, the planted uncovered group (client portal links) 0.50.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.store import ChunkStore

COVERED_AT = 0.55
DUPLICATE_AT = 0.85  # a group this close to an open (or rejected) draft is that draft


@dataclass(frozen=True)
class Coverage:
    doc_id: str | None
    similarity: float

    def covered(self, threshold: float = COVERED_AT) -> bool:
        return self.similarity >= threshold


def best_article(store: ChunkStore, centre: np.ndarray) -> Coverage:
    hits = store.query(centre.tolist(), k=3, where={"source_type": "article"})
    if not hits:
        return Coverage(None, 0.0)
    best = max(hits, key=lambda h: h.score)
    return Coverage(str(best.metadata.get("doc_id", "")), float(best.score))


def cosine(a: list[float] | np.ndarray, b: list[float] | np.ndarray) -> float:
    x, y = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return float(x @ y / ((np.linalg.norm(x) * np.linalg.norm(y)) or 1.0))
