"""SQL building blocks of the analytics: the scope's conditions, group keys, visibility and
nearest-rank percentiles, all as SQLAlchemy Core expressions that run on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal, or_, select

from assistant.analytics.params import GroupBy, Scope
from assistant.suggestion_db import SUGGESTIONS
from assistant.types import Audience

S = SUGGESTIONS
RESTRICTED = "(restricted)"  # the group of what the viewer may not see


def like_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def in_scope(scope: Scope) -> list[ColumnElement[bool]]:
    """Suggestions made in the window (and asked by the team, when one is given)."""
    conditions = [
        S.c.created_at >= scope.window.since,
        S.c.created_at < scope.window.until,
    ]
    if scope.team:
        teams = literal(",") + func.coalesce(S.c.team, "") + literal(",")
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


def usage_rows(key: ColumnElement[Any], where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """One scan of the window's suggestions: per group key, the counts, and the latency and edit
    share percentiles both within the group (``*_k``) and over all groups (``*_all``: non-null in
    the one group that holds that rank). Ranks come from window functions; edit shares rank
    nulls last, so ranks 1..count are the edited suggestions."""
    latency, edit = S.c.latency_ms, S.c.edit_share
    edits_last = [edit.is_(None), edit]
    inner = (
        select(
            key.label("key"),
            *(
                S.c[c]
                for c in ("abstained", "outcome", "llm_fallback", "rated_helpful", "rated_wrong")
            ),
            latency.label("latency"),
            edit.label("edit"),
            func.row_number().over(partition_by=key, order_by=latency).label("rl_k"),
            func.count().over(partition_by=key).label("n_k"),
            func.row_number().over(order_by=latency).label("rl_all"),
            func.count().over().label("n_all"),
            func.row_number().over(partition_by=key, order_by=edits_last).label("re_k"),
            func.count(edit).over(partition_by=key).label("ne_k"),
            func.row_number().over(order_by=edits_last).label("re_all"),
            func.count(edit).over().label("ne_all"),
        )
        .where(*where)
        .subquery()
    )
    c = inner.c
    return select(
        c.key,
        func.count().label("n"),
        count_if(c.abstained).label("abstained"),
        count_if(c.outcome.is_not(None)).label("decided"),
        *(count_if(c.outcome == a).label(a) for a in ("accept", "edit", "override")),
        count_if(c.llm_fallback).label("fallback"),
        func.coalesce(func.sum(c.rated_helpful), 0).label("helpful"),
        func.coalesce(func.sum(c.rated_wrong), 0).label("wrong"),
        pick(c.rl_k, c.n_k, 50, c.latency).label("p50_k"),
        pick(c.rl_k, c.n_k, 95, c.latency).label("p95_k"),
        pick(c.rl_all, c.n_all, 50, c.latency).label("p50_all"),
        pick(c.rl_all, c.n_all, 95, c.latency).label("p95_all"),
        pick(c.re_k, c.ne_k, 50, c.edit).label("edit_k"),
        pick(c.re_all, c.ne_all, 50, c.edit).label("edit_all"),
    ).group_by(c.key)
