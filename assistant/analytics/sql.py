"""SQL building blocks of the analytics: the scope's conditions, group keys, visibility and
nearest-rank percentiles, all as SQLAlchemy Core expressions that run on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, Table, case, cast, func, literal, or_

from assistant.analytics.params import GroupBy, Scope
from assistant.suggestion_db import SUGGESTIONS
from assistant.types import Audience

S = SUGGESTIONS
RESTRICTED = "(restricted)"  # the group of what the viewer may not see


def like_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def in_scope(scope: Scope, table: Table = S) -> list[ColumnElement[bool]]:
    """Suggestions made in the window (and asked by the team, when one is given), on the
    ``created_at`` and ``team`` of ``table`` (suggestions, or their documents' rows)."""
    conditions = [
        table.c.created_at >= scope.window.since,
        table.c.created_at < scope.window.until,
    ]
    if scope.team:
        teams = literal(",") + func.coalesce(table.c.team, "") + literal(",")
        conditions.append(teams.like(f"%,{like_escaped(scope.team)},%", escape="\\"))
    return conditions


def visible(column: Any, viewer: Audience) -> ColumnElement[bool]:
    """Whether content of the visibility in ``column`` is for ``viewer`` (as
    ``assistant.writes.sees``); an unknown visibility ("" or NULL) is not."""
    allowed = ["public"] if viewer.customer_facing else ["public", "internal"]
    clauses = [column.in_(allowed)]
    if not viewer.customer_facing:
        teams = literal(",") + func.substr(column, 6) + literal(",")
        clauses += [
            column.like("team:%") & teams.like(f"%,{like_escaped(t)},%", escape="\\")
            for t in sorted(viewer.teams)
        ]
    return or_(*clauses)


def group_key(group_by: GroupBy, viewer: Audience) -> ColumnElement[Any]:
    """The value a suggestion is grouped under. A document is the one that led the answer, and
    one the viewer may not see is grouped as ``(restricted)``."""
    if group_by == "day":
        return func.substr(cast(S.c.created_at, String), 1, 10)
    if group_by == "document":
        lead = func.coalesce(S.c.lead_doc_id, "")
        return case(
            (S.c.lead_doc_id.is_(None), ""),
            (visible(S.c.lead_visibility, viewer), lead),
            else_=RESTRICTED,
        )
    column = {"team": S.c.team, "channel": S.c.channel, "source_type": S.c.source_type}.get(
        group_by, S.c.product
    )
    return func.coalesce(column, "")


def count_if(condition: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def pick(rank: Any, count: Any, p: int, value: Any) -> ColumnElement[Any]:
    """In a group, the value at nearest rank ceil(p·count/100) (None when count is 0)."""
    return func.max(case((rank == (count * p + 99) // 100, value)))
