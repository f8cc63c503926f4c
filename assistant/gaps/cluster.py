"""Group questions by meaning: the store's embedding model, then scikit-learn's agglomerative
clustering on cosine distance, cut at a distance threshold (no number of clusters to guess)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from assistant.embedding import Embedder


def embed(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings of ``texts``, one row each."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def cluster(vectors: np.ndarray, distance_threshold: float, linkage: str = "complete") -> list[int]:
    """A cluster label per row: groups merged on cosine distance while their ``linkage``
    distance (complete: the largest pairwise one) stays under ``distance_threshold``."""
    if len(vectors) == 0:
        return []
    if len(vectors) == 1:
        return [0]
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage=linkage,
        distance_threshold=distance_threshold,
    )
    return [int(label) for label in model.fit_predict(vectors)]


def medoid(vectors: np.ndarray) -> int:
    """The row closest to the group's mean direction (its most typical member)."""
    centre = vectors.mean(axis=0)
    return int(np.argmax(vectors @ centre))
