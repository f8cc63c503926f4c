"""Hybrid retrieval: dense and BM25 rankings fused, then stale content down-weighted and
results de-duplicated per document.

Fusion is weighted reciprocal-rank fusion. LlamaIndex's ``QueryFusionRetriever`` has RRF, but with
a fixed k and no per-retriever weights, and both are tuned on the evaluation sets
(``evals/``), so the few lines of fusion live here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from assistant.retrieval import Query, RetrievedChunk, Retriever


@dataclass(frozen=True)
class FusionConfig:
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    rrf_k: float = 60.0
    candidates: int = 50  # taken from each ranking before fusion
    per_doc: int = 1  # chunks kept per document
    stale_penalty: float = 0.8  # score factor for content past its review_by date


def weighted_rrf(
    rankings: list[tuple[float, list[RetrievedChunk]]], rrf_k: float
) -> list[RetrievedChunk]:
    """Fuse several rankings: score = sum of weight / (rrf_k + rank), rank from 1."""
    fused: dict[str, float] = {}
    first: dict[str, RetrievedChunk] = {}
    signals: dict[str, dict[str, float]] = {}
    for weight, ranking in rankings:
        for rank, chunk in enumerate(ranking, 1):
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + weight / (rrf_k + rank)
            first.setdefault(chunk.chunk_id, chunk)
            signals.setdefault(chunk.chunk_id, {}).update(chunk.signals)
    ordered = sorted(fused, key=lambda cid: fused[cid], reverse=True)
    return [
        RetrievedChunk(
            c.chunk_id,
            c.doc_id,
            c.text,
            c.metadata,
            fused[c.chunk_id],
            c.stale,
            dict(signals[c.chunk_id]),
        )
        for c in (first[cid] for cid in ordered)
    ]


def is_stale(metadata: dict[str, object], today: date) -> bool:
    review_by = str(metadata.get("review_by") or "")
    try:
        return bool(review_by) and date.fromisoformat(review_by[:10]) < today
    except ValueError:
        return False


def dedupe_per_document(chunks: list[RetrievedChunk], per_doc: int) -> list[RetrievedChunk]:
    kept: list[RetrievedChunk] = []
    counts: dict[str, int] = {}
    for chunk in chunks:
        if counts.get(chunk.doc_id, 0) < per_doc:
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
            kept.append(chunk)
    return kept


class HybridRetriever:
    """Dense + lexical, fused; visibility is enforced inside each of them, before ranking."""

    def __init__(
        self,
        dense: Retriever,
        lexical: Retriever,
        config: FusionConfig | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.dense = dense
        self.lexical = lexical
        self.config = config or FusionConfig()
        self.today = today

    def rankings(self, query: Query) -> tuple[list[RetrievedChunk], list[RetrievedChunk]]:
        wide = Query(query.text, query.audience, query.filters, self.config.candidates)
        return self.dense.retrieve(wide), self.lexical.retrieve(wide)

    def fuse(
        self, query: Query, dense: list[RetrievedChunk], lexical: list[RetrievedChunk]
    ) -> list[RetrievedChunk]:
        cfg = self.config
        fused = weighted_rrf([(cfg.dense_weight, dense), (cfg.lexical_weight, lexical)], cfg.rrf_k)
        today = self.today()
        for chunk in fused:
            if is_stale(chunk.metadata, today):
                chunk.stale = True
                chunk.score *= cfg.stale_penalty
        fused.sort(key=lambda c: c.score, reverse=True)
        return dedupe_per_document(fused, cfg.per_doc)[: query.k]

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        dense, lexical = self.rankings(query)
        return self.fuse(query, dense, lexical)
