"""Retrieval: the ``Retriever`` seam, the query it takes and the chunks it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.access import Audience


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


class Retriever(Protocol):
    def retrieve(self, query: Query) -> list[RetrievedChunk]: ...
