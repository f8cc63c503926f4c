"""The knowledge-gap report as every surface emits it (``kbassist gaps --json``, ``/v1/gaps``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class GapDocument(BaseModel):
    """An existing document close to the cluster's questions, with who owns it."""

    doc_id: str
    title: str
    url: str = ""
    owner: str = ""
    similarity: float = Field(description="cosine similarity to the cluster's centre")


class GapQuestion(BaseModel):
    suggestion_id: str
    text: str = Field(description="as stored (redacted)")
    asked_at: datetime
    reasons: list[str]


class Trend(BaseModel):
    """Questions in the earlier and the recent half of the window."""

    earlier: int
    recent: int
    direction: Literal["new", "rising", "steady", "falling"]


class GapCluster(BaseModel):
    rank: int
    impact: int = Field(description="occurrences x distinct askers")
    size: int = Field(description="poorly served questions in the cluster")
    askers: int = Field(description="distinct askers")
    teams: list[str] = Field(description="the askers' teams the reader belongs to")
    other_teams: int = Field(description="the askers' other teams, counted only")
    label: str = Field(description="the most typical question the reader may see ('' if none)")
    examples: list[str] = Field(description="3-5 distinct questions (redacted)")
    questions: list[GapQuestion] = Field(description="the questions the reader may see")
    hidden: int = Field(description="questions asked by audiences the reader may not read")
    first_seen: datetime
    last_seen: datetime
    trend: Trend
    reasons: dict[str, int]
    documents: list[GapDocument]
    verdict: Literal["missing", "exists_but_fails"] = Field(
        description="missing: no document the reader may see is close; exists_but_fails: one is"
    )


class GapReport(BaseModel):
    since: datetime | None
    generated_at: datetime
    poorly_served: int = Field(description="poorly served questions in the window")
    clustered: int = Field(description="of them, in the clusters shown")
    truncated: bool = Field(description="only the most recent poorly served questions were used")
    clusters: list[GapCluster]
