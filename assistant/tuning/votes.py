"""What the suggestion store tells retrieval: votes per document and team, read from its
analytics tables (migration 0005), for the feedback prior (``assistant.retrieval.feedback``);
and the passages agents judged, for tuning's training pairs (``assistant.tuning.pairs``)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from assistant.retrieval.feedback import Votes
from assistant.suggestion import AskRequest
from assistant.suggestion_db import DECISIONS, SUGGESTION_DOCUMENTS, SUGGESTIONS, SqlSuggestionStore
from assistant.tuning.pairs import DecidedPassage

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


SKIPPED_CHANNELS = ("eval", "replay")  # their questions are evaluation questions


class SqlDecisions:
    """Passages agents judged, for training pairs: each passage cited by an accepted answer and
    each citation rated helpful (good) or wrong (not), with the suggestion's question."""

    def __init__(self, store: SqlSuggestionStore) -> None:
        self.store = store

    def decided_passages(self) -> list[DecidedPassage]:
        s = SUGGESTIONS.c
        suggestions = select(s.id, s.request, s.suggestion, s.outcome).where(
            s.channel.not_in(SKIPPED_CHANNELS)
        )
        ratings = select(
            DECISIONS.c.suggestion_id, DECISIONS.c.citation_index, DECISIONS.c.rating
        ).where(DECISIONS.c.action == "rate_citation")
        out: list[DecidedPassage] = []
        with self.store.reading() as conn:
            asked: dict[str, tuple[str, dict[int, str]]] = {}
            for sid, request, suggestion, outcome in conn.execute(suggestions):
                question = AskRequest.model_validate(request).text()
                cited = {
                    int(c["index"]): str(c["chunk_id"])
                    for c in (suggestion or {}).get("citations", [])
                }
                asked[sid] = (question, cited)
                if outcome == "accept":
                    out += [DecidedPassage(question, chunk, True) for chunk in cited.values()]
            for sid, index, rating in conn.execute(ratings):
                question, cited = asked.get(sid, ("", {}))
                if question and index in cited and rating in ("helpful", "wrong"):
                    out.append(DecidedPassage(question, cited[index], rating == "helpful"))
        return out
