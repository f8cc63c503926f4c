"""``/v1/search``: ranked chunks for a query (retrieval only, no answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from assistant.errors import ErrorCode, KbassistError
from assistant.retrieval import Filters
from assistant.retrieval import Query as SearchQuery
from ingest.model import SOURCE_TYPES
from integrations.http.deps import AudienceDep, ServicesDep, get_caller
from integrations.http.schemas import ERRORS, SearchHit

router = APIRouter(
    prefix="/v1",
    tags=["search"],
    dependencies=[Depends(get_caller)],
    responses=ERRORS,
)

Repeated = Annotated[list[str] | None, Query()]


@router.get("/search")
def search(
    services: ServicesDep,
    audience: AudienceDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="the query")],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    source_type: Annotated[
        list[str] | None, Query(description=f"one of {', '.join(SOURCE_TYPES)}")
    ] = None,
    product: Repeated = None,
    tag: Repeated = None,
) -> list[SearchHit]:
    """Chunks the caller may see, best first. Filters may repeat (``&product=a&product=b``);
    an empty one (``&tag=``) is no filter."""
    if not q.strip():
        raise KbassistError(ErrorCode.BAD_INPUT, "query.q: the query is empty")
    types = given(source_type)
    unknown = sorted(set(types) - set(SOURCE_TYPES))
    if unknown:
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"query.source_type: '{unknown[0]}' is not one of {', '.join(SOURCE_TYPES)}",
        )
    filters = Filters(types, given(product), given(tag))
    chunks = services.retriever.retrieve(SearchQuery(q, audience, filters, k))
    return [SearchHit.of(rank, chunk) for rank, chunk in enumerate(chunks, 1)]


def given(values: list[str] | None) -> tuple[str, ...]:
    """The non-empty values of a repeated query parameter."""
    return tuple(v.strip() for v in values or () if v.strip())
