"""``/v1/search``: ranked chunks for a query (retrieval only, no answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from assistant.errors import ErrorCode, KbassistError
from assistant.suggestion import MAX_FILTER_VALUES, FilterValue
from assistant.types import Filters
from integrations.http.deps import AudienceDep, ServiceDep, get_caller
from integrations.http.schemas import ERRORS, SearchHit

router = APIRouter(
    prefix="/v1",
    tags=["search"],
    dependencies=[Depends(get_caller)],
    responses=ERRORS,
)

Repeated = Annotated[list[FilterValue] | None, Query(max_length=MAX_FILTER_VALUES)]


@router.get("/search")
def search(
    service: ServiceDep,
    audience: AudienceDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="the query")],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    source_type: Annotated[
        list[FilterValue] | None,
        Query(description="a source type, e.g. article", max_length=MAX_FILTER_VALUES),
    ] = None,
    product: Repeated = None,
    tag: Repeated = None,
) -> list[SearchHit]:
    """Chunks the caller may see, best first. Filters may repeat (``&product=a&product=b``);
    an empty one (``&tag=``) is no filter."""
    filters = Filters(given(source_type), given(product), given(tag))
    try:
        chunks = service.search(q, audience, filters, k)
    except KbassistError as exc:  # name the query parameter the service's field is
        if exc.code != ErrorCode.BAD_INPUT:
            raise
        raise KbassistError(exc.code, f"query.{exc.detail}") from None
    return [SearchHit.of(rank, chunk) for rank, chunk in enumerate(chunks, 1)]


def given(values: list[str] | None) -> tuple[str, ...]:
    """The non-empty values of a repeated query parameter."""
    return tuple(v.strip() for v in values or () if v.strip())
