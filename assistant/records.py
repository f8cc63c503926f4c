"""What is recorded about every suggestion, and the decisions agents take on it.

``SuggestionStore`` is the seam; ``assistant.suggestions`` implements it on SQLite (or any
database URL SQLAlchemy understands).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from assistant.suggestion import AskRequest, Suggestion

Channel = Literal["cli", "http", "slack", "sidebar", "eval"]
DecisionAction = Literal["accept", "edit", "override", "rate_citation"]


class RetrievedRef(BaseModel):
    chunk_id: str
    doc_id: str
    score: float


class SuggestionRecord(BaseModel):
    id: str
    channel: Channel
    asker: str
    request: AskRequest
    retrieved: list[RetrievedRef]
    suggestion: Suggestion
    latency_ms: float
    created_at: datetime


class DecisionIn(BaseModel):
    """What an agent decided about a suggestion."""

    action: DecisionAction
    agent: str = Field(min_length=1, max_length=200)
    text: str | None = Field(default=None, max_length=20000)  # edit: edited text; override: own
    reason: str | None = Field(default=None, max_length=2000)  # override: why
    citation_index: int | None = Field(default=None, ge=1)  # rate_citation: which one
    rating: Literal["helpful", "wrong"] | None = None  # rate_citation
    request_id: str | None = Field(default=None, max_length=200)  # idempotency key


class Decision(BaseModel):
    id: str
    suggestion_id: str
    action: DecisionAction
    agent: str
    text: str | None = None
    diff: str | None = None  # edit: unified diff of the suggestion's answer vs the edited text
    reason: str | None = None
    citation_index: int | None = None
    rating: Literal["helpful", "wrong"] | None = None
    created_at: datetime


class SuggestionStore(Protocol):
    def save(self, record: SuggestionRecord) -> None: ...

    def get(self, suggestion_id: str) -> SuggestionRecord | None: ...

    def decide(self, suggestion_id: str, decision: DecisionIn) -> Decision:
        """Record a decision; the same request sent twice is recorded once (and returned)."""
        ...

    def decisions(self, suggestion_id: str) -> list[Decision]:
        """Every decision on a suggestion, oldest first (later changes are kept as history)."""
        ...


# ``assistant.suggestions.SuggestionService`` ties the Assistant to a SuggestionStore for every
# channel:
#   suggest(request: AskRequest, audience: Audience, channel: Channel, asker: str)
#       -> SuggestionRecord                      (asks, saves, returns the saved record)
#   get(suggestion_id) -> tuple[SuggestionRecord, list[Decision]]   (KbassistError NOT_FOUND)
#   decide(suggestion_id, decision: DecisionIn) -> tuple[Decision, bool]
#       (bool: newly recorded; NOT_FOUND for an unknown id, BAD_INPUT for an invalid decision)
