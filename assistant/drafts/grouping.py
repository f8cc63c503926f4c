"""Resolved tickets grouped by meaning, from the problem and resolution chunks already stored.

Each ticket is one vector, the mean of its problem and resolution chunk embeddings (as Chroma
holds them, so nothing is embedded again). Groups come from scikit-learn's agglomerative
clustering (cosine distance, average linkage) cut at ``distance``: a ticket joins a group when it
is, on average, that close to every ticket in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from assistant.store import ChunkStore

PROBLEM = "Problem"
RESOLUTION = "Resolution"
GROUP_DISTANCE = 0.35  # cosine distance; see docs/drafts.md for how it was chosen
_PAGE = 2000


@dataclass
class TicketCase:
    """One resolved ticket as the store holds it (text already redacted at ingest)."""

    doc_id: str
    title: str
    product: str
    tags: list[str]
    owner: str
    visibility: str
    updated_at: str
    problem: list[str] = field(default_factory=list)
    resolution: list[str] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)

    @property
    def vector(self) -> np.ndarray:
        mean = np.mean(self.vectors, axis=0)
        return mean / (np.linalg.norm(mean) or 1.0)


def _section(metadata: dict[str, Any]) -> str:
    return str(metadata.get("section", "")).rsplit(" > ", 1)[-1].strip()


def _rows(store: ChunkStore) -> Iterator[tuple[str, dict[str, Any], Any]]:
    offset = 0
    while True:
        page = store.collection.get(
            where={"source_type": "ticket"},
            include=["documents", "metadatas", "embeddings"],
            limit=_PAGE,
            offset=offset,
        )
        texts = page["documents"] or []
        metas = page["metadatas"] or []
        vectors = page["embeddings"] if page["embeddings"] is not None else []
        yield from zip(texts, (dict(m or {}) for m in metas), vectors, strict=True)
        if len(page["ids"]) < _PAGE:
            return
        offset += _PAGE


def load_cases(store: ChunkStore, since: date | None = None) -> list[TicketCase]:
    """Every resolved ticket with a problem or resolution chunk, solved on or after ``since``."""
    cases: dict[str, TicketCase] = {}
    parts: dict[str, list[tuple[int, str, str]]] = {}
    for text, meta, vector in _rows(store):
        section = _section(meta)
        if section not in (PROBLEM, RESOLUTION):
            continue
        updated = str(meta.get("updated_at", ""))
        if since is not None and (not updated or updated[:10] < since.isoformat()):
            continue
        doc_id = str(meta.get("doc_id", ""))
        case = cases.get(doc_id)
        if case is None:
            case = cases[doc_id] = TicketCase(
                doc_id=doc_id,
                title=str(meta.get("title", "")),
                product=str(meta.get("product", "")),
                tags=[t for t in str(meta.get("tags", "")).split(",") if t],
                owner=str(meta.get("owner", "")),
                visibility=str(meta.get("visibility", "internal")),
                updated_at=updated,
            )
        case.vectors.append(np.asarray(vector, dtype=np.float32))
        parts.setdefault(doc_id, []).append((int(meta.get("chunk_index", 0)), section, text))
    for doc_id, pieces in parts.items():
        for _, section, text in sorted(pieces):
            target = cases[doc_id].problem if section == PROBLEM else cases[doc_id].resolution
            target.append(_body(text))
    return sorted(cases.values(), key=lambda c: c.doc_id)


def _body(text: str) -> str:
    """A chunk's text without a leading heading line."""
    lines = [line for line in text.strip().split("\n") if not line.startswith("#")]
    return "\n".join(lines).strip()


def group_cases(
    cases: list[TicketCase], min_tickets: int, distance: float = GROUP_DISTANCE
) -> list[list[TicketCase]]:
    """Groups of at least ``min_tickets`` similar tickets, largest first."""
    if len(cases) < max(2, min_tickets):
        return []
    labels = cluster_labels(np.stack([case.vector for case in cases]), distance)
    groups: dict[int, list[TicketCase]] = {}
    for case, label in zip(cases, labels, strict=True):
        groups.setdefault(int(label), []).append(case)
    found = [g for g in groups.values() if len(g) >= min_tickets]
    return sorted(found, key=lambda g: (-len(g), g[0].doc_id))


def cluster_labels(matrix: np.ndarray, distance: float = GROUP_DISTANCE) -> list[int]:
    """A cluster label per row (cosine distance, average linkage, cut at ``distance``)."""
    if len(matrix) < 2:
        return [0] * len(matrix)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    ).fit_predict(matrix)
    return [int(label) for label in labels]


def centroid(vectors: list[np.ndarray]) -> np.ndarray:
    mean = np.mean(vectors, axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)
