"""What is recorded about every suggestion, and the decisions agents take on it.

``SuggestionStore`` is the seam; ``assistant.suggestion_db`` implements it on SQLite (or any
database URL SQLAlchemy understands).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from assistant.suggestion import AskRequest, Suggestion
from assistant.types import Audience

Channel = Literal["cli", "http", "slack", "sidebar", "zendesk", "eval", "replay"]
DecisionAction = Literal["accept", "edit", "override", "rate_citation"]


class RetrievedRef(BaseModel):
    chunk_id: str
    doc_id: str
    score: float
    # the document's metadata when it was retrieved (for analytics; absent in older records)
    source_type: str = ""
    product: str = ""
    owner: str = ""
    visibility: str = ""
    # the per-ranker scores it was retrieved with ("dense", "bm25", ..., "feedback": the prior)
    signals: dict[str, float] = Field(default_factory=dict)


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
    # edit: the edited answer; override: the agent's own answer
    text: str | None = Field(default=None, max_length=20000)
    # edit: the edited reply draft (an edit takes text, reply_text or both)
    reply_text: str | None = Field(default=None, max_length=20000)
    reason: str | None = Field(default=None, max_length=2000)  # override: why
    citation_index: int | None = Field(default=None, ge=1)  # rate_citation: which one
    rating: Literal["helpful", "wrong"] | None = None  # rate_citation
    # accept, edit, override: the next actions the agent did (1-based indexes into next_actions)
    actions_done: list[int] | None = Field(default=None, max_length=50)
    request_id: str | None = Field(default=None, max_length=200)  # idempotency key


class Decision(BaseModel):
    id: str
    suggestion_id: str
    action: DecisionAction
    agent: str
    text: str | None = None
    diff: str | None = None  # edit: unified diff of the suggestion's answer vs the edited answer
    reply_text: str | None = None
    reply_diff: str | None = None  # edit: the same for the reply draft
    reason: str | None = None
    citation_index: int | None = None
    rating: Literal["helpful", "wrong"] | None = None
    actions_done: list[int] | None = None
    created_at: datetime


@dataclass(frozen=True)
class Saved:
    """A suggestion as the store keeps it: the record, and who asked (decides who may read it)."""

    record: SuggestionRecord
    asker: Audience


class SuggestionStore(Protocol):
    """Where suggestions and the decisions on them are kept (``assistant.suggestion_db`` on SQL).

    The store keeps rows; the rules (who may read, what a decision needs, when two requests are
    one) are ``assistant.service``'s.
    """

    def save(self, record: SuggestionRecord, asker: Audience) -> None: ...

    def load(self, suggestion_id: str) -> Saved | None:
        """The suggestion and who asked, in one read; None when unknown."""
        ...

    def insert_decision(self, decision: Decision, key: str) -> Decision | None:
        """Insert ``decision`` under the request ``key`` unless the key is taken; return the
        decision already recorded under it, if any (then nothing is written)."""
        ...

    def decisions(self, suggestion_id: str) -> list[Decision]:
        """Every decision on a suggestion, oldest first (later changes are kept as history)."""
        ...

    def ping(self) -> None:
        """Raise STORE_UNAVAILABLE unless the store answers."""
        ...
