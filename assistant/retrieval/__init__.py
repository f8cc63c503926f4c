"""Retrieval: the ``Retriever`` seam. The query it takes and the chunks it returns are shared
types (``assistant.types``), re-exported here."""

from __future__ import annotations

from typing import Protocol

from assistant.types import Filters, Query, RetrievedChunk

__all__ = ["Filters", "Query", "RetrievedChunk", "Retriever"]


class Retriever(Protocol):
    def retrieve(self, query: Query) -> list[RetrievedChunk]: ...
