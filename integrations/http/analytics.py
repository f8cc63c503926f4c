"""``/v1/analytics`` and ``/v1/flags``: usage analytics and content flags, for admins only
(an admin sees what their teams may see; other documents appear as counts)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from assistant.analytics.flags import FlagRules
from assistant.analytics.params import DEFAULT_SINCE, GROUPS, scope
from assistant.errors import ErrorCode, KbassistError
from integrations.http.deps import AdminDep, ServicesDep
from integrations.http.schemas import ERRORS

router = APIRouter(prefix="/v1", tags=["analytics"], responses=ERRORS)

Since = Annotated[
    str,
    Query(max_length=40, description="a duration back from now (30d, 12h, 2w, 90m) or a date"),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="documents listed per list")]


@router.get("/analytics")
def analytics(
    admin: AdminDep,
    services: ServicesDep,
    since: Since = DEFAULT_SINCE,
    team: Annotated[str | None, Query(max_length=64, description="the askers' team")] = None,
    group_by: Annotated[str, Query(max_length=40, description=" | ".join(GROUPS))] = "team",
    limit: Limit = 50,
) -> dict[str, Any]:
    """Usage per group and per document over a window (docs/analytics.md)."""
    wanted = _query(lambda: scope(since, team, group_by, limit))
    return services.analytics.report(wanted, admin.audience)


@router.get("/flags")
def flags(
    admin: AdminDep,
    services: ServicesDep,
    since: Since = DEFAULT_SINCE,
    owner: Annotated[str | None, Query(max_length=200, description="one owner's flags")] = None,
    wrong_ratings: Annotated[int, Query(ge=1, le=1000)] = FlagRules.wrong_ratings,
    override_rate: Annotated[float, Query(gt=0, le=1)] = FlagRules.override_rate,
    min_cited: Annotated[int, Query(ge=1, le=100000)] = FlagRules.min_cited,
) -> dict[str, Any]:
    """Flagged documents by owner (docs/analytics.md)."""
    wanted = _query(lambda: scope(since))
    rules = FlagRules(wrong_ratings, override_rate, min_cited)
    report = services.analytics.flags(wanted, admin.audience, rules, owner or None)
    return report.to_dict()


def _query(parse: Any) -> Any:
    """Parse query parameters, naming the parameter in a BAD_INPUT error (422)."""
    try:
        return parse()
    except KbassistError as exc:
        if exc.code != ErrorCode.BAD_INPUT:
            raise
        raise KbassistError(exc.code, f"query.{exc.detail}") from None
