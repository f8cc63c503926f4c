"""Votes per document and team, read from the suggestion store's analytics tables (migration
0005): the ``VoteSource`` of the feedback prior (``assistant.retrieval.feedback``)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from assistant.retrieval.feedback import Votes
from assistant.suggestion_db import DECISIONS, SUGGESTION_DOCUMENTS, SUGGESTIONS, SqlSuggestionStore

RATING_WEIGHT = 1.0  # a citation rated helpful (+) or wrong (-)
OUTCOME_WEIGHT = 0.5  # cited in an accepted (+) or overridden (-) answer


class SqlVotes:
    """Helpful and wrong ratings (one per suggestion, citation document and rating) and the
    outcomes of the answers a document was cited in, per document and asker's team key."""

    def __init__(self, store: SqlSuggestionStore) -> None:
        self.store = store

    def document_votes(self) -> list[Votes]:
        up: dict[tuple[str, str], float] = defaultdict(float)
        down: dict[tuple[str, str], float] = defaultdict(float)
        ratings = (
            select(
                DECISIONS.c.doc_id,
                SUGGESTIONS.c.team,
                DECISIONS.c.rating,
                func.count(func.distinct(DECISIONS.c.suggestion_id)),
            )
            .join(SUGGESTIONS, SUGGESTIONS.c.id == DECISIONS.c.suggestion_id)
            .where(DECISIONS.c.action == "rate_citation", DECISIONS.c.doc_id.is_not(None))
            .group_by(DECISIONS.c.doc_id, SUGGESTIONS.c.team, DECISIONS.c.rating)
        )
        docs = SUGGESTION_DOCUMENTS.c
        outcomes = (
            select(docs.doc_id, docs.team, docs.outcome, func.count())
            .where(docs.cited.is_(True), docs.outcome.in_(("accept", "override")))
            .group_by(docs.doc_id, docs.team, docs.outcome)
        )
        with self.store.reading() as conn:
            for doc_id, team, rating, count in conn.execute(ratings):
                side = up if rating == "helpful" else down if rating == "wrong" else None
                if side is not None:
                    side[(doc_id, team or "")] += RATING_WEIGHT * count
            for doc_id, team, outcome, count in conn.execute(outcomes):
                side = up if outcome == "accept" else down
                side[(doc_id, team or "")] += OUTCOME_WEIGHT * count
        return [
            Votes(doc_id, team, up.get((doc_id, team), 0.0), down.get((doc_id, team), 0.0))
            for doc_id, team in sorted(set(up) | set(down))
        ]
