"""What the review queue holds: a draft article or a fix proposal, its sources and its state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.access import teams_of

DraftKind = Literal["article", "fix"]
DraftState = Literal["open", "approved", "published", "rejected", "superseded"]
OPEN_STATES: frozenset[str] = frozenset({"open"})


class Source(BaseModel):
    """Where a draft's text came from: a ticket, a suggestion (with its decision) or a passage."""

    kind: Literal["ticket", "suggestion", "passage"]
    id: str
    title: str = ""
    visibility: str = "internal"


class Draft(BaseModel):
    id: str
    kind: DraftKind
    state: DraftState = "open"
    title: str
    markdown: str
    visibility: str = "internal"
    source_visibilities: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    target: dict[str, Any] | None = None
    details: dict[str, Any] | None = None
    centroid: list[float] | None = None
    doc_id: str | None = None
    reason: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    published_path: str | None = None
    created_at: datetime
    updated_at: datetime

    def summary(self) -> dict[str, Any]:
        """The fields a list shows."""
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "title": self.title,
            "visibility": self.visibility,
            "sources": len(self.sources),
            "updated_at": self.updated_at.isoformat(),
        }

    def public_view(self) -> dict[str, Any]:
        """Everything a reviewer sees (the embedding left out)."""
        return self.model_dump(mode="json", exclude={"centroid"})


def narrowest(visibilities: list[str]) -> str | None:
    """The narrowest visibility of a draft's sources, at least ``internal``: the teams every
    restricted source shares; None when two sources' teams have none in common."""
    teams: set[str] | None = None
    for visibility in visibilities:
        named = teams_of(visibility)
        if named:
            teams = set(named) if teams is None else teams & set(named)
    if teams is None:
        return "internal"
    return "team:" + ",".join(sorted(teams)) if teams else None


def within(visibility: str, limit: str) -> bool:
    """Whether ``visibility`` is no wider than ``limit``."""
    rank = {"public": 0, "internal": 1}
    if limit in rank:
        return rank.get(visibility, 2) >= rank[limit]
    return bool(teams_of(visibility)) and set(teams_of(visibility)) <= set(teams_of(limit))
