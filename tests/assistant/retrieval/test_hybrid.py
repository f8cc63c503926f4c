"""Fusion, staleness and hydration, on hand-worked rankings."""

from __future__ import annotations

from datetime import date

import pytest
from llama_index.core.schema import TextNode

from assistant.access import Audience
from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.hybrid import (
    FusionConfig,
    HybridRetriever,
    Staleness,
    fuse,
    is_stale,
)
from assistant.retrieval.lexical import window_nodes


def hit(chunk: str, score: float, **meta: object) -> RetrievedChunk:
    doc = chunk.split("::")[0]
    return RetrievedChunk(chunk, doc, f"text of {chunk}", {"section": "s", **meta}, score)


class Fixed:
    def __init__(self, ranking: list[RetrievedChunk]) -> None:
        self.ranking = ranking

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        return [
            RetrievedChunk(c.chunk_id, c.doc_id, c.text, dict(c.metadata), c.score)
            for c in self.ranking
        ]


def test_zscore_fusion_sums_standardised_document_scores() -> None:
    # dense: a=0.9, b=0.5, c=0.1 -> mean 0.5, sd 0.3266 -> z = 1.2247, 0, -1.2247
    # bm25:  b=8, c=4 (a missing) -> mean 6, sd 2 -> z = 1, -1; a gets the floor -1
    dense = [hit("a::0", 0.9), hit("b::0", 0.5), hit("c::0", 0.1)]
    bm25 = [hit("b::1", 8.0), hit("c::0", 4.0)]
    fused = {
        c.doc_id: c
        for c in fuse(
            {"dense": dense, "bm25": bm25}, FusionConfig(weights={"dense": 1.0, "bm25": 1.0})
        )
    }
    assert fused["a"].score == pytest.approx(1.2247 - 1.0, abs=1e-3)
    assert fused["b"].score == pytest.approx(0.0 + 1.0, abs=1e-3)
    assert fused["c"].score == pytest.approx(-1.2247 - 1.0, abs=1e-3)
    assert fused["b"].chunk_id == "b::1"  # the chunk that contributed most represents b


def test_best_chunk_per_document_counts_once() -> None:
    dense = [hit("a::0", 0.9), hit("a::1", 0.8), hit("b::0", 0.1)]
    fused = fuse({"dense": dense}, FusionConfig(weights={"dense": 1.0}))
    assert sorted(c.doc_id for c in fused) == ["a", "b"]


def test_rrf_fusion_adds_weight_over_k_plus_rank() -> None:
    dense = [hit("a::0", 0.9), hit("b::0", 0.5)]
    bm25 = [hit("b::0", 3.0)]
    cfg = FusionConfig(weights={"dense": 1.0, "bm25": 2.0}, method="rrf", rrf_k=10)
    fused = {c.doc_id: c.score for c in fuse({"dense": dense, "bm25": bm25}, cfg)}
    assert fused["a"] == pytest.approx(1 / 11)
    assert fused["b"] == pytest.approx(1 / 12 + 2 / 11)


def test_stale_content_is_flagged_and_ranked_lower() -> None:
    ranking = [
        hit("old::0", 0.80, review_by="2025-01-01"),
        hit("new::0", 0.78),
        hit("other::0", 0.1),
    ]
    retriever = HybridRetriever(
        {"dense": Fixed(ranking)},
        FusionConfig(weights={"dense": 1.0}),
        today=lambda: date(2026, 6, 1),
    )
    got = retriever.retrieve(Query("q", k=3))
    assert [c.doc_id for c in got[:2]] == ["new", "old"]
    assert got[1].stale and not got[0].stale
    assert is_stale({"review_by": "2026-05-31"}, date(2026, 6, 1))
    assert not is_stale({"review_by": "not a date"}, date(2026, 6, 1))


def test_resolved_tickets_older_than_the_horizon_are_stale_articles_are_not() -> None:
    today = date(2026, 6, 1)
    old_ticket = {"source_type": "ticket", "updated_at": "2025-05-01"}
    assert is_stale(old_ticket, today, record_days=365)
    assert not is_stale(old_ticket, today, record_days=400)
    assert not is_stale(old_ticket, today)  # no horizon: records never age
    assert not is_stale({"source_type": "ticket", "updated_at": "2026-01-01"}, today, 365)
    # an agent-facing source ages by its review_by date only, however old its last update
    assert not is_stale({"source_type": "article", "updated_at": "2020-01-01"}, today, 365)


def test_every_chunk_of_a_stale_document_is_flagged() -> None:
    # the Assistant adds siblings (a playbook's steps, a ticket's resolution) after retrieval:
    # one stale chunk makes its whole document stale, whichever chunk carried the date
    chunks = [
        hit("old::0", 0.9, review_by="2025-01-01"),
        hit("old::1", 0.9),
        hit("ticket::0", 0.5, source_type="ticket", updated_at="2024-01-01"),
        hit("ticket::1", 0.5, source_type="ticket"),
        hit("fresh::0", 0.4, review_by="2027-01-01"),
    ]
    flagged = Staleness(365, lambda: date(2026, 6, 1)).flag(chunks)
    assert [c.chunk_id for c in flagged] == ["old::0", "old::1", "ticket::0", "ticket::1"]
    assert not chunks[-1].stale


def test_an_old_ticket_is_ranked_below_a_fresh_one() -> None:
    ranking = [
        hit("t1::0", 0.80, source_type="ticket", updated_at="2024-02-01"),
        hit("t2::0", 0.78, source_type="ticket", updated_at="2026-02-01"),
        hit("other::0", 0.1),
    ]
    retriever = HybridRetriever(
        {"dense": Fixed(ranking)},
        FusionConfig(weights={"dense": 1.0}),
        today=lambda: date(2026, 6, 1),
        stale_record_days=365,
    )
    got = retriever.retrieve(Query("q", k=2))
    assert [(c.doc_id, c.stale) for c in got] == [("t2", False), ("t1", True)]
    undated = HybridRetriever({"dense": Fixed(ranking)}, FusionConfig(weights={"dense": 1.0}))
    undated.staleness = Staleness(None, lambda: date(2026, 6, 1))
    assert [c.doc_id for c in undated.retrieve(Query("q", k=2))] == ["t1", "t2"]


def test_window_only_hits_get_their_chunks_full_text() -> None:
    window_hit = RetrievedChunk("a::2", "a", "one window", {"doc_id": "a"}, 5.0)
    retriever = HybridRetriever(
        {"bm25_window": Fixed([window_hit])},
        FusionConfig(weights={"bm25_window": 1.0}),
        hydrate=lambda ids: {i: hit(i, 0.0, url="u", vis_internal=True) for i in ids},
    )
    [chunk] = retriever.retrieve(Query("q", k=1))
    assert chunk.text == "text of a::2" and chunk.metadata["url"] == "u"


def test_returned_chunks_are_checked_against_the_store_and_gone_ones_dropped() -> None:
    ranking = [hit("a::0", 0.9), hit("b::0", 0.5), hit("c::0", 0.1)]
    now = {  # the store now: a became internal, c was deleted
        "a::0": hit("a::0", 0.0, vis_internal=True),
        "b::0": hit("b::0", 0.0, vis_public=True, vis_internal=True),
    }
    retriever = HybridRetriever(
        {"dense": Fixed(ranking)},
        FusionConfig(weights={"dense": 1.0}),
        hydrate=lambda ids: {i: now[i] for i in ids if i in now},
    )
    assert [c.doc_id for c in retriever.retrieve(Query("q", Audience.customer(), k=3))] == ["b"]
    assert [c.doc_id for c in retriever.retrieve(Query("q", Audience.agent("t"), k=3))] == [
        "a",
        "b",
    ]


def test_window_nodes_split_chunks_and_point_back() -> None:
    chunk = TextNode(
        id_="kb-1::0",
        text="First one here. Second one here. Third one here.",
        metadata={"doc_id": "kb-1", "title": "T", "vis_public": True, "url": "x"},
    )
    windows = window_nodes([chunk], 2)
    assert [w.node_id for w in windows] == ["kb-1::0#w0", "kb-1::0#w1"]
    assert windows[0].text == "T\nFirst one here. Second one here."
    assert windows[1].metadata["parent_id"] == "kb-1::0"
    assert windows[1].metadata["vis_public"] is True and "url" not in windows[1].metadata


@pytest.mark.parametrize("method", ["zscore", "rrf"])
def test_equal_scores_keep_the_order_of_the_rankings(method: str) -> None:
    # d and b tie in every ranking; whichever the first ranking put first stays first
    names = ["d", "b", "z", "a", "c"]
    dense = [hit(f"{n}::0", s) for n, s in zip(names, [0.9, 0.9, 0.5, 0.1, 0.1], strict=True)]
    config = FusionConfig(weights={"dense": 1.0}, method=method)  # type: ignore[arg-type]
    fused = HybridRetriever({"dense": Fixed(dense)}, config).retrieve(Query("q", k=5))
    assert [c.doc_id for c in fused] == names
