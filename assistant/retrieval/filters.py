"""Turn an audience and metadata filters into one Chroma ``where`` clause."""

from __future__ import annotations

from typing import Any

from assistant.access import Audience
from assistant.retrieval import Filters


def chroma_where(audience: Audience, filters: Filters) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = [audience.chroma_where()]
    if filters.source_types:
        clauses.append({"source_type": {"$in": list(filters.source_types)}})
    if filters.products:
        clauses.append({"product": {"$in": list(filters.products)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def matches(metadata: dict[str, Any], audience: Audience, filters: Filters) -> bool:
    """The same test as ``chroma_where`` (plus tags), for results that do not come from Chroma."""
    if not audience.can_see(metadata):
        return False
    if filters.source_types and metadata.get("source_type") not in filters.source_types:
        return False
    if filters.products and metadata.get("product") not in filters.products:
        return False
    if filters.tags:
        tags = {t.strip() for t in str(metadata.get("tags", "")).split(",") if t.strip()}
        if not tags.intersection(filters.tags):
            return False
    return True
