"""Feedback-aware ranking: a per-document prior from agents' decisions, one more small signal
after fusion.

Votes per document and team come from the suggestion store (``VoteSource``): a citation rated
helpful is one vote up and rated wrong one down; a document cited in an accepted answer is half a
vote up and in an overridden one half a vote down (an edit counts neither way).

The prior is the mean of a Beta(strength + up, strength + down) posterior, centred on 0.5 and
scaled to at most ``cap`` fused units either way: with the defaults (Beta(4, 4), cap 0.2) ten
wrong votes give -0.11 and twenty give -0.14, so a handful of votes cannot swing a ranking and no
amount of them lifts a match more than 0.4 z-units weaker over a stronger one (one document at
+cap, the other at -cap). Below ``min_votes`` the prior is 0: a single vote changes nothing.

Team policy: a team's votes count in full for that team's questions; another team's votes count
at ``spread`` (0.25) of their weight, so a document one team keeps rating wrong sinks first for
that team, and for others only once the evidence is several times larger. Votes never reveal
content: the prior only reorders documents the asker may already see.

The step is optional and separate from fusion (``FeedbackRetriever`` wraps the hybrid
retriever): with no votes it returns exactly what the wrapped retriever returns.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.errors import KbassistError
from assistant.retrieval import Query, RetrievedChunk, Retriever
from assistant.types import Audience

SIGNAL = "feedback"  # the name of the prior among a chunk's retrieval signals


@dataclass(frozen=True)
class Votes:
    """Feedback on one document from one team key (the asker's teams, sorted and comma-joined)."""

    doc_id: str
    team: str
    up: float
    down: float


class VoteSource(Protocol):
    """Where votes come from (``SqlSuggestionStore.document_votes``)."""

    def document_votes(self) -> list[Votes]: ...


@dataclass(frozen=True)
class PriorConfig:
    strength: float = 4.0  # pseudo-votes on each side: the shrinkage toward neutral
    cap: float = 0.2  # the most the prior moves a fused score, up or down
    min_votes: float = 2.0  # fewer (weighted) votes than this: no prior at all
    spread: float = 0.25  # the weight of another team's votes


def beta_prior(up: float, down: float, config: PriorConfig) -> float:
    """The prior of a document with ``up`` and ``down`` (weighted) votes, in fused units."""
    if up + down < config.min_votes:
        return 0.0
    mean = (up + config.strength) / (up + down + 2 * config.strength)
    return config.cap * 2 * (mean - 0.5)


class FeedbackPrior:
    """Priors per document for an audience, from votes read at most every ``ttl_s`` seconds."""

    def __init__(
        self,
        source: VoteSource,
        config: PriorConfig | None = None,
        ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.config = config or PriorConfig()
        self.ttl_s = ttl_s
        self.clock = clock
        self._votes: dict[str, list[Votes]] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def votes(self) -> dict[str, list[Votes]]:
        with self._lock:
            now = self.clock()
            if self._read_at is None or now - self._read_at >= self.ttl_s:
                self._read_at = now
                try:
                    rows = self.source.document_votes()
                except KbassistError:  # the database is down: keep the votes read last
                    return self._votes
                by_doc: dict[str, list[Votes]] = {}
                for votes in rows:
                    by_doc.setdefault(votes.doc_id, []).append(votes)
                self._votes = by_doc
            return self._votes

    def priors(self, doc_ids: Iterable[str], audience: Audience) -> dict[str, float]:
        """The non-zero priors of ``doc_ids`` for ``audience``."""
        votes = self.votes()
        out: dict[str, float] = {}
        for doc_id in doc_ids:
            up = down = 0.0
            for row in votes.get(doc_id, []):
                weight = 1.0 if _own(row.team, audience) else self.config.spread
                up += weight * row.up
                down += weight * row.down
            prior = beta_prior(up, down, self.config)
            if prior:
                out[doc_id] = prior
        return out


def _own(team: str, audience: Audience) -> bool:
    """Whether votes from ``team`` (a team key) are the audience's own: a team in common, or
    both without a team."""
    teams = {t for t in team.split(",") if t}
    return bool(teams & audience.teams) if teams or audience.teams else True


class FeedbackRetriever:
    """The hook: the wrapped retriever's top ``k + window`` documents, each score moved by its
    prior (shown as the ``feedback`` signal), re-sorted (stable) and cut to ``k``."""

    def __init__(self, inner: Retriever, prior: FeedbackPrior, window: int = 10) -> None:
        self.inner = inner
        self.prior = prior
        self.window = window

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        if not self.prior.votes():
            return self.inner.retrieve(query)  # no feedback: exactly the fused ranking
        chunks = self.inner.retrieve(replace(query, k=query.k + self.window))
        priors = self.prior.priors((c.doc_id for c in chunks), query.audience)
        for chunk in chunks:
            if chunk.doc_id in priors:
                chunk.score += priors[chunk.doc_id]
                chunk.signals[SIGNAL] = round(priors[chunk.doc_id], 4)
        chunks.sort(key=lambda c: c.score, reverse=True)
        return chunks[: query.k]
