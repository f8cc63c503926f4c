"""The feedback prior reorders near-ties only, needs more than one vote, favours the asker's own
team's votes, and changes nothing without votes."""

from __future__ import annotations

import pytest

from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.feedback import (
    FeedbackPrior,
    FeedbackRetriever,
    PriorConfig,
    Votes,
    beta_prior,
)
from assistant.types import Audience

TIER1 = Audience.agent("tier1")


class Ranked:
    """A fused ranking with fixed scores: doc-a and doc-b a near-tie, doc-c far behind."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.asked: list[Query] = []

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        self.asked.append(query)
        ranked = sorted(self.scores.items(), key=lambda kv: kv[1], reverse=True)
        return [
            RetrievedChunk(f"{doc}#0", doc, doc, {}, score, signals={"dense": 0.5})
            for doc, score in ranked[: query.k]
        ]


class Source:
    def __init__(self, votes: list[Votes]) -> None:
        self.rows = votes
        self.reads = 0

    def document_votes(self) -> list[Votes]:
        self.reads += 1
        return list(self.rows)


NEAR_TIE = {"doc-a": 1.30, "doc-b": 1.25, "doc-c": 0.40, "doc-d": -0.9}


def order(votes: list[Votes], audience: Audience = TIER1, k: int = 3) -> list[str]:
    retriever = FeedbackRetriever(Ranked(NEAR_TIE), FeedbackPrior(Source(votes)))
    return [c.doc_id for c in retriever.retrieve(Query("q", audience, k=k))]


def test_a_repeatedly_wrong_rated_document_drops_below_its_near_tie_neighbour() -> None:
    assert order([]) == ["doc-a", "doc-b", "doc-c"]
    assert order([Votes("doc-a", "tier1", up=0, down=6)]) == ["doc-b", "doc-a", "doc-c"]


def test_a_consistently_helpful_document_rises() -> None:
    assert order([Votes("doc-b", "tier1", up=8, down=0)]) == ["doc-b", "doc-a", "doc-c"]


def test_a_single_vote_changes_nothing() -> None:
    assert order([Votes("doc-a", "tier1", up=0, down=1)]) == ["doc-a", "doc-b", "doc-c"]
    assert beta_prior(0, 1, PriorConfig()) == 0.0


def test_no_amount_of_votes_lifts_a_much_weaker_match() -> None:
    votes = [Votes("doc-c", "tier1", up=10_000, down=0), Votes("doc-a", "tier1", 0, 10_000)]
    assert order(votes)[:2] == ["doc-b", "doc-a"]  # doc-c (0.85 behind) stays third
    assert abs(beta_prior(10_000, 0, PriorConfig())) <= PriorConfig().cap


def test_the_prior_shrinks_toward_neutral() -> None:
    config = PriorConfig()
    few, many = beta_prior(0, 3, config), beta_prior(0, 30, config)
    assert -config.cap < many < few < 0
    assert beta_prior(5, 5, config) == 0.0


def test_the_prior_is_shown_among_the_retrieval_signals() -> None:
    retriever = FeedbackRetriever(
        Ranked(NEAR_TIE), FeedbackPrior(Source([Votes("doc-a", "tier1", 0, 6)]))
    )
    chunks = {c.doc_id: c for c in retriever.retrieve(Query("q", TIER1, k=3))}
    assert chunks["doc-a"].signals["feedback"] < 0
    assert chunks["doc-a"].signals["dense"] == 0.5
    assert "feedback" not in chunks["doc-b"].signals


def test_without_votes_the_ranking_is_exactly_the_fused_one() -> None:
    inner = Ranked(NEAR_TIE)
    retriever = FeedbackRetriever(inner, FeedbackPrior(Source([])))
    query = Query("q", TIER1, k=2)
    assert retriever.retrieve(query) == Ranked(NEAR_TIE).retrieve(query)
    assert inner.asked == [query]  # not even a wider candidate set


def test_a_teams_feedback_counts_first_for_that_team() -> None:
    votes = [Votes("doc-a", "tier1", up=0, down=6)]
    assert order(votes, TIER1)[:2] == ["doc-b", "doc-a"]
    assert order(votes, Audience.agent("tier2"))[:2] == ["doc-a", "doc-b"]  # a quarter weight
    many = [Votes("doc-a", "tier1", up=0, down=40)]
    assert order(many, Audience.agent("tier2"))[:2] == ["doc-b", "doc-a"]  # it spreads


def test_a_reordered_document_from_just_below_the_cut_can_enter() -> None:
    scores = {**NEAR_TIE, "doc-c": 1.20}
    retriever = FeedbackRetriever(
        Ranked(scores), FeedbackPrior(Source([Votes("doc-c", "tier1", 12, 0)]))
    )
    assert [c.doc_id for c in retriever.retrieve(Query("q", TIER1, k=2))] == ["doc-c", "doc-a"]


def test_votes_are_read_again_after_the_ttl() -> None:
    now = [0.0]
    source = Source([])
    prior = FeedbackPrior(source, ttl_s=60, clock=lambda: now[0])
    prior.votes()
    prior.votes()
    assert source.reads == 1
    now[0] = 61.0
    source.rows = [Votes("doc-a", "", 0, 5)]
    assert prior.priors(["doc-a"], Audience.agent())["doc-a"] < 0
    assert source.reads == 2


@pytest.mark.parametrize("team", ["tier1", "tier1,tier2"])
def test_a_shared_team_is_the_askers_own(team: str) -> None:
    prior = FeedbackPrior(Source([Votes("doc-a", team, 0, 6)]))
    own = prior.priors(["doc-a"], TIER1)["doc-a"]
    other = prior.priors(["doc-a"], Audience.agent("billing"))
    assert own < other.get("doc-a", 0.0)


def test_the_callers_query_keeps_its_k() -> None:
    query = Query("q", TIER1, k=2)
    votes = [Votes("doc-a", "", 0, 9)]
    chunks = FeedbackRetriever(Ranked(NEAR_TIE), FeedbackPrior(Source(votes))).retrieve(query)
    assert query.k == 2 and len(chunks) == 2
