"""A hand-made suggestion history for the gap tests: each suggestion saved as a channel would,
with the decision an agent took."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.access import Audience
from assistant.records import Channel, DecisionIn, SuggestionRecord
from assistant.service import SupportService
from assistant.suggestion import AskRequest, Citation, Suggestion
from assistant.suggestion_db import SqlSuggestionStore

NOW = datetime.now(UTC)
ANSWER = "Open Payments, find both charges and refund the duplicate one within five days [1]."


def add(
    service: SupportService,
    store: SqlSuggestionStore,
    sid: str,
    question: str,
    decision: DecisionIn | None = None,
    asker: str = "amelia",
    teams: tuple[str, ...] = ("tier1",),
    confidence: float = 0.8,
    abstained: bool = False,
    channel: Channel = "http",
    age: timedelta = timedelta(hours=1),
) -> None:
    citation = Citation(
        index=1,
        doc_id="kb-1",
        title="Refunds",
        source_type="article",
        chunk_id="kb-1#0",
        snippet="refund the duplicate",
    )
    suggestion = Suggestion(
        answer="" if abstained else ANSWER,
        citations=[] if abstained else [citation],
        confidence=confidence,
        abstained=abstained,
    )
    record = SuggestionRecord(
        id=sid,
        channel=channel,
        asker=asker,
        request=AskRequest(question=question),
        retrieved=[],
        suggestion=suggestion,
        latency_ms=5.0,
        created_at=NOW - age,
    )
    store.save(record, Audience.agent(*teams))
    if decision is not None:
        service.decide(sid, decision)


def accept(agent: str = "amelia") -> DecisionIn:
    return DecisionIn(action="accept", agent=agent)


def override(agent: str = "amelia") -> DecisionIn:
    return DecisionIn(action="override", agent=agent, text="We do not do that.", reason="wrong")


def edit(text: str, agent: str = "amelia") -> DecisionIn:
    return DecisionIn(action="edit", agent=agent, text=text)


def rate_wrong(agent: str = "amelia") -> DecisionIn:
    return DecisionIn(action="rate_citation", agent=agent, citation_index=1, rating="wrong")
