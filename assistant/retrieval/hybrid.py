"""Hybrid retrieval: several rankings (dense, BM25 over chunks, BM25 over sentence windows) fused
per document, stale content down-weighted, one chunk per document returned.

Fusion is z-score by default: each ranking's document scores (the best chunk's) are standardised
and summed with per-ranking weights; weighted reciprocal rank is the alternative. LlamaIndex's
``QueryFusionRetriever`` offers RRF with a fixed k and no weights and relative-score fusion on
chunk scores, and the weights here are tuned on the evaluation sets (``evals/``), so the few
lines of fusion live here.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from assistant.retrieval import Query, RetrievedChunk, Retriever
from assistant.retrieval.filters import matches
from ingest.sources.registry import flags_of

Hydrator = Callable[[list[str]], dict[str, RetrievedChunk]]


@dataclass(frozen=True)
class FusionConfig:
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"dense": 1.0, "bm25": 0.5, "bm25_window": 1.0}
    )
    method: Literal["zscore", "rrf"] = "zscore"
    rrf_k: float = 60.0
    candidates: int = 50  # taken from each ranking before fusion
    stale_penalty: float = 0.25  # subtracted (z units; RRF: a factor of 1 - penalty)


def is_stale(metadata: Mapping[str, object], today: date, record_days: int | None = None) -> bool:
    """Past its ``review_by`` date; or, for a source type that records one case (a ticket, not
    an agent-facing source), last updated more than ``record_days`` days ago."""
    if _past(str(metadata.get("review_by") or ""), today):
        return True
    if record_days is None or flags_of(str(metadata.get("source_type") or "")).agent_facing:
        return False
    return _past(str(metadata.get("updated_at") or ""), today - timedelta(days=record_days))


def _past(value: str, limit: date) -> bool:
    try:
        return bool(value) and date.fromisoformat(value[:10]) < limit
    except ValueError:
        return False


@dataclass(frozen=True)
class Staleness:
    """When content counts as stale: past its ``review_by`` date, or a case record (a resolved
    ticket) older than ``record_days`` (``Settings.stale_ticket_days``; None: records never age).
    """

    record_days: int | None = 365
    today: Callable[[], date] = date.today

    def flag(self, chunks: Iterable[RetrievedChunk]) -> list[RetrievedChunk]:
        """Flag every chunk of a stale document (siblings included, whichever chunk of it was
        flagged before); returns the chunks flagged."""
        chunks = list(chunks)
        today = self.today()
        stale_docs = {
            c.doc_id for c in chunks if c.stale or is_stale(c.metadata, today, self.record_days)
        }
        for chunk in chunks:
            if chunk.doc_id in stale_docs:
                chunk.stale = True
        return [c for c in chunks if c.stale]


def best_per_document(ranking: list[RetrievedChunk]) -> dict[str, RetrievedChunk]:
    best: dict[str, RetrievedChunk] = {}
    for chunk in ranking:
        if chunk.doc_id not in best or chunk.score > best[chunk.doc_id].score:
            best[chunk.doc_id] = chunk
    return best


def _standardised(scores: dict[str, float]) -> dict[str, float]:
    if len(scores) < 2:
        return {doc: 1.0 for doc in scores}
    mean = statistics.fmean(scores.values())
    spread = statistics.pstdev(scores.values()) or 1.0
    return {doc: (value - mean) / spread for doc, value in scores.items()}


def fuse(
    rankings: Mapping[str, list[RetrievedChunk]], config: FusionConfig
) -> list[RetrievedChunk]:
    """One chunk per document (the one that contributed most), scored by the fused score."""
    # (weight, document parts, part of a document the ranking missed, best chunk per document)
    parts_of: list[tuple[float, dict[str, float], float, dict[str, RetrievedChunk]]] = []
    for name, ranking in rankings.items():
        weight = config.weights.get(name, 0.0)
        best = best_per_document(ranking)
        if not weight or not best:
            continue
        if config.method == "rrf":
            ordered = sorted(best, key=lambda doc: best[doc].score, reverse=True)
            parts = {doc: 1.0 / (config.rrf_k + rank) for rank, doc in enumerate(ordered, 1)}
            parts_of.append((weight, parts, 0.0, best))
        else:
            parts = _standardised({doc: chunk.score for doc, chunk in best.items()})
            parts_of.append((weight, parts, min(parts.values()), best))
    out: list[RetrievedChunk] = []
    # documents in order of first appearance, so equal scores keep a stable order (a set's
    # order changes from one process to the next with string hashing)
    for doc in dict.fromkeys(doc for _, parts, _, _ in parts_of for doc in parts):
        score = sum(weight * parts.get(doc, floor) for weight, parts, floor, _ in parts_of)
        found = [
            (weight * parts[doc], best[doc]) for weight, parts, _, best in parts_of if doc in parts
        ]
        chunk = max(found, key=lambda pair: pair[0])[1]
        signals: dict[str, float] = {}
        for _, hit in found:
            signals.update(hit.signals)
        out.append(
            RetrievedChunk(chunk.chunk_id, doc, chunk.text, chunk.metadata, score, signals=signals)
        )
    return out


class HybridRetriever:
    """Fuses named rankings; visibility is enforced inside each of them, before ranking."""

    def __init__(
        self,
        rankers: Mapping[str, Retriever],
        config: FusionConfig | None = None,
        hydrate: Hydrator | None = None,
        today: Callable[[], date] = date.today,
        stale_record_days: int | None = 365,
    ) -> None:
        self.rankers = dict(rankers)
        self.config = config or FusionConfig()
        self.hydrate = hydrate
        self.today = today
        self.staleness = Staleness(stale_record_days, today)

    def rankings(self, query: Query) -> dict[str, list[RetrievedChunk]]:
        wide = Query(query.text, query.audience, query.filters, self.config.candidates)
        return {
            name: ranker.retrieve(wide)
            for name, ranker in self.rankers.items()
            if self.config.weights.get(name, 0.0)
        }

    def fuse(
        self, query: Query, rankings: Mapping[str, list[RetrievedChunk]]
    ) -> list[RetrievedChunk]:
        fused = fuse(rankings, self.config)
        for chunk in self.staleness.flag(fused):
            if self.config.method == "rrf":
                chunk.score *= 1 - self.config.stale_penalty
            else:
                chunk.score -= self.config.stale_penalty
        fused.sort(key=lambda c: c.score, reverse=True)  # stable: ties keep their order
        out = self._hydrated(query, fused[: query.k])
        self.staleness.flag(out)  # full metadata now (a sentence window carries no updated_at)
        return out

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        return self.fuse(query, self.rankings(query))

    def _hydrated(self, query: Query, chunks: list[RetrievedChunk]) -> list[RetrievedChunk]:
        """The returned chunks as the store holds them now: full text and metadata (a window
        hit becomes its chunk), and a last visibility check against the store's metadata, so
        a BM25 index or lookup a moment behind an ingest can never hand out a chunk whose
        visibility has just been narrowed."""
        if not chunks or self.hydrate is None:
            return chunks
        full = self.hydrate([c.chunk_id for c in chunks])
        out = []
        for chunk in chunks:
            whole = full.get(chunk.chunk_id)
            if whole is None or not matches(whole.metadata, query.audience, query.filters):
                continue
            chunk.text, chunk.metadata = whole.text, whole.metadata
            out.append(chunk)
        return out
