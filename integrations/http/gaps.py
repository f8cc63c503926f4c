"""``/v1/gaps``: the knowledge-gap report, for admins only. An admin sees the questions and
documents their teams may see; other teams' questions are counted, never shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assistant.analytics.params import DEFAULT_SINCE, parse_since
from assistant.errors import ErrorCode, KbassistError
from assistant.gaps import GapReport
from integrations.http.deps import AdminDep, ServicesDep
from integrations.http.schemas import ERRORS

router = APIRouter(prefix="/v1", tags=["analytics"], responses=ERRORS)


@router.get("/gaps", response_model=GapReport)
def gaps(
    admin: AdminDep,
    services: ServicesDep,
    since: Annotated[
        str,
        Query(max_length=40, description="a duration back from now (30d, 12h, 2w, 90m) or a date"),
    ] = DEFAULT_SINCE,
    min_size: Annotated[int, Query(ge=1, le=1000, description="the smallest cluster shown")] = 2,
    limit: Annotated[
        int, Query(ge=1, le=200, description="clusters shown, most impact first")
    ] = 20,
) -> GapReport:
    """Poorly served questions grouped by meaning, ranked by occurrences x askers (docs/gaps.md)."""
    try:
        start = parse_since(since)
    except KbassistError as exc:
        raise KbassistError(ErrorCode.BAD_INPUT, f"query.{exc.detail}") from None
    return services.gaps.report(admin.audience, start, min_size, limit)
