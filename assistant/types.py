"""Shared types every layer passes around: who asks, what is asked of retrieval, what it returns.

A leaf module: it imports nothing of the project, so the store, retrieval, answering and ingest can
all depend on it without a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Audience:
    """Who is asking: the teams they belong to, and whether they are an agent or a customer."""

    teams: frozenset[str] = frozenset()
    customer_facing: bool = False

    @classmethod
    def agent(cls, *teams: str) -> Audience:
        return cls(teams=frozenset(t.strip().lower() for t in teams if t.strip()))

    @classmethod
    def customer(cls) -> Audience:
        return cls(customer_facing=True)

    def flag_keys(self) -> list[str]:
        """Chunk flag keys any one of which lets this audience see a chunk."""
        if self.customer_facing:
            return ["vis_public"]
        return ["vis_internal", *(f"vis_team_{t}" for t in sorted(self.teams))]

    def can_see(self, metadata: dict[str, object]) -> bool:
        return any(metadata.get(key) is True for key in self.flag_keys())

    def chroma_where(self) -> dict[str, object]:
        clauses: list[dict[str, object]] = [{key: True} for key in self.flag_keys()]
        return clauses[0] if len(clauses) == 1 else {"$or": clauses}


@dataclass(frozen=True)
class Filters:
    """Metadata filters; an empty field means no filter on it."""

    source_types: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    text: str
    audience: Audience = field(default_factory=Audience)
    filters: Filters = field(default_factory=Filters)
    k: int = 8


@dataclass
class RetrievedChunk:
    chunk_id: str
    doc_id: str
    text: str
    metadata: dict[str, Any]
    score: float
    stale: bool = False
    signals: dict[str, float] = field(default_factory=dict)  # raw per-ranker scores

    @property
    def source_type(self) -> str:
        return str(self.metadata.get("source_type", ""))

    @property
    def title(self) -> str:
        return str(self.metadata.get("title", ""))

    @property
    def section(self) -> str:
        return str(self.metadata.get("section", ""))


@dataclass(frozen=True)
class DocumentState:
    """A document as the store holds it now: who may see it and the hash of its content."""

    visibility: str
    content_hash: str
