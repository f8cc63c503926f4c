"""Usage per group in one scan of the window's suggestions.

The database groups the suggestions by (group key, latency bucket): each row carries the
counts (suggestions, abstained, decided, accept, edit, override, LLM fallback, ratings) and the
largest latency of its bucket. Buckets are 1% wide on a log scale (``floor(100·ln(ms))``), so a
latency percentile is read from the cumulative counts: the largest latency of the bucket that
holds the nearest rank ceil(p·n/100), which is within 1% of the exact value and equal to it when
the bucket holds one distinct value. Totals add the groups' buckets up (no second scan). The
median edit share is exact: a window-function rank over the edited suggestions only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, case, cast, func, literal, select
from sqlalchemy.engine import Connection

from assistant.analytics.sql import S, count_if, pick

COUNTS = ("n", "abstained", "decided", "accept", "edit", "override", "fallback", "helpful", "wrong")
_FLOOR_MS = 0.01  # latencies below this share the first bucket


@dataclass
class Tally:
    """One group's counts and latency histogram (bucket -> (count, largest latency))."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    buckets: dict[int, tuple[int, float]] = field(default_factory=dict)

    def add(self, row: Any) -> None:
        for name in COUNTS:
            self.counts[name] += int(getattr(row, name) or 0)
        self.merge({int(row.bucket): (int(row.n), float(row.top))})

    def merge(self, buckets: dict[int, tuple[int, float]]) -> None:
        for bucket, (n, top) in buckets.items():
            have, high = self.buckets.get(bucket, (0, top))
            self.buckets[bucket] = (have + n, max(high, top))

    def percentile(self, p: int) -> float | None:
        total = sum(n for n, _ in self.buckets.values())
        rank, seen = (total * p + 99) // 100, 0
        for bucket in sorted(self.buckets):
            n, top = self.buckets[bucket]
            seen += n
            if seen >= rank > 0:
                return top
        return None


def tallies(
    conn: Connection, key: ColumnElement[Any], where: Sequence[ColumnElement[bool]]
) -> dict[str, Tally]:
    """Each group's tally, from one GROUP BY in the database."""
    groups: dict[str, Tally] = defaultdict(Tally)
    for row in conn.execute(_histogram(key, where)):
        groups[str(row.key)].add(row)
    return dict(groups)


def total(groups: Iterable[Tally]) -> Tally:
    summed = Tally()
    for group in groups:
        for name, value in group.counts.items():
            summed.counts[name] += value
        summed.merge(group.buckets)
    return summed


def edit_medians(
    conn: Connection, key: ColumnElement[Any], where: Sequence[ColumnElement[bool]]
) -> tuple[dict[str, float], float | None]:
    """The median edit share per group and over all (nearest rank, exact)."""
    edited = [*where, S.c.edit_share.is_not(None)]
    per_group = {
        str(r.key): float(r.v) for r in conn.execute(_median(key, edited)) if r.v is not None
    }
    overall = conn.execute(_median(None, edited)).first()
    return per_group, (None if overall is None or overall.v is None else float(overall.v))


def _histogram(key: ColumnElement[Any], where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    latency = case((S.c.latency_ms < _FLOOR_MS, _FLOOR_MS), else_=S.c.latency_ms)
    bucket = cast(func.floor(func.ln(latency) * 100), Integer)
    return (
        select(
            key.label("key"),
            bucket.label("bucket"),
            func.count().label("n"),
            func.max(S.c.latency_ms).label("top"),
            count_if(S.c.abstained).label("abstained"),
            count_if(S.c.outcome.is_not(None)).label("decided"),
            *(count_if(S.c.outcome == a).label(a) for a in ("accept", "edit", "override")),
            count_if(S.c.llm_fallback).label("fallback"),
            func.sum(S.c.rated_helpful).label("helpful"),
            func.sum(S.c.rated_wrong).label("wrong"),
        )
        .where(*where)
        .group_by(key, bucket)
    )


def _median(key: ColumnElement[Any] | None, where: Sequence[ColumnElement[bool]]) -> Select[Any]:
    partition = [key] if key is not None else []
    share = S.c.edit_share
    ranked = (
        select(
            (key if key is not None else literal("")).label("key"),
            share.label("v"),
            func.row_number().over(partition_by=partition, order_by=share).label("rn"),
            func.count().over(partition_by=partition).label("n"),
        )
        .where(*where)
        .subquery()
    )
    c = ranked.c
    return select(c.key, pick(c.rn, c.n, 50, c.v).label("v")).group_by(c.key)
