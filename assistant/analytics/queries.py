"""Usage analytics, computed by SQL aggregates in the suggestion database.

``Analytics.usage`` groups the suggestions of a scope (by team, channel, source type, product,
lead document or day) and gives, per group and in total: suggestions, abstention rate, decided
share with accept, edit and override rates (among the decided), median edit share, citations
rated helpful and wrong, LLM fallback rate and latency p50/p95. ``Analytics.documents`` gives,
per document: times retrieved, cited, cited in an accepted answer, cited in an overridden one,
rated helpful and wrong, cited while stale; with the knowledge base's documents never cited in
the window. What the viewer may not see is counted, never named.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from assistant.analytics.catalog import DocumentInfo
from assistant.analytics.documents import DocumentReport, document_report
from assistant.analytics.flags import FlagRules, FlagsReport, flags
from assistant.analytics.params import Scope
from assistant.analytics.sql import S, count_if, group_key, in_scope
from assistant.analytics.usage import Tally, edit_medians, tallies, total
from assistant.suggestion_db import DECISIONS, SUGGESTION_DOCUMENTS
from assistant.types import Audience

D = DECISIONS
SD = SUGGESTION_DOCUMENTS


class Database(Protocol):
    """A read transaction on the suggestion database (``SqlSuggestionStore.reading``)."""

    def reading(self) -> AbstractContextManager[Connection]: ...


@dataclass
class GroupStats:
    key: str
    suggestions: int = 0
    abstention_rate: float | None = None
    decided_share: float | None = None
    accept_rate: float | None = None  # of the decided
    edit_rate: float | None = None
    override_rate: float | None = None
    median_edit_share: float | None = None
    citations_helpful: int = 0
    citations_wrong: int = 0
    llm_fallback_rate: float | None = None
    latency_ms_p50: float | None = None
    latency_ms_p95: float | None = None


UsageStats = tuple[list[GroupStats], GroupStats]  # the groups, and the totals


@dataclass
class UsageReport:
    scope: Scope
    totals: GroupStats
    groups: list[GroupStats] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "window": self.scope.window.to_dict(),
            "team": self.scope.team,
            "group_by": self.scope.group_by,
            "totals": {k: v for k, v in asdict(self.totals).items() if k != "key"},
            "groups": [asdict(g) for g in self.groups],
        }


def report(usage: UsageReport, documents: DocumentReport) -> dict[str, Any]:
    """The analytics response of ``kbassist analytics --json`` and ``GET /v1/analytics``."""
    return {**usage.to_dict(), "documents": documents.to_dict()}


class Analytics:
    """Analytics over one suggestion database and the knowledge base's documents."""

    def __init__(
        self, database: Database, catalog: Callable[[], dict[str, DocumentInfo]] | None = None
    ) -> None:
        self.database = database
        self.catalog = catalog or dict

    def usage(self, scope: Scope, viewer: Audience) -> UsageReport:
        key = group_key(scope.group_by, viewer)
        with self.database.reading() as conn:
            groups, totals = _group_stats(conn, key, scope)
        ordered = sorted(groups, key=lambda g: (-g.suggestions, g.key))
        if scope.group_by == "day":
            ordered.sort(key=lambda g: g.key)
        return UsageReport(scope, totals, ordered)

    def report(self, scope: Scope, viewer: Audience) -> dict[str, Any]:
        """Usage by group and per document, as one JSON object (docs/analytics.md)."""
        return report(self.usage(scope, viewer), self.documents(scope, viewer))

    def documents(self, scope: Scope, viewer: Audience) -> DocumentReport:
        with self.database.reading() as conn:
            counts = _document_counts(conn, scope)
        return document_report(counts, self.catalog(), viewer, scope)

    def flags(
        self,
        scope: Scope,
        viewer: Audience,
        rules: FlagRules | None = None,
        owner: str | None = None,
    ) -> FlagsReport:
        """The content flags of the window's documents, by owner (``assistant.analytics.flags``)."""
        return flags(self.documents(scope, viewer), rules or FlagRules(), owner)


def _group_stats(conn: Connection, key: ColumnElement[Any], scope: Scope) -> UsageStats:
    """The groups and the totals (``assistant.analytics.usage``)."""
    where = in_scope(scope)
    groups = tallies(conn, key, where)
    medians, overall = edit_medians(conn, key, where)
    stats = [_stats(name, tally, medians.get(name)) for name, tally in groups.items()]
    return stats, _stats("", total(groups.values()), overall)


def _stats(key: str, tally: Tally, median_edit: float | None) -> GroupStats:
    count = tally.counts
    n, decided = count["n"], count["decided"]
    return GroupStats(
        key=key,
        suggestions=n,
        abstention_rate=_rate(count["abstained"], n),
        decided_share=_rate(decided, n),
        accept_rate=_rate(count["accept"], decided),
        edit_rate=_rate(count["edit"], decided),
        override_rate=_rate(count["override"], decided),
        median_edit_share=_round(median_edit, 4),
        citations_helpful=count["helpful"],
        citations_wrong=count["wrong"],
        llm_fallback_rate=_rate(count["fallback"], n),
        latency_ms_p50=_round(tally.percentile(50)),
        latency_ms_p95=_round(tally.percentile(95)),
    )


def _document_counts(conn: Connection, scope: Scope) -> dict[str, dict[str, Any]]:
    """Per document id: its counts in the scope, and its metadata as last recorded."""
    rows = conn.execute(
        select(
            SD.c.doc_id,
            count_if(SD.c.rank.is_not(None)).label("retrieved"),
            count_if(SD.c.cited).label("cited"),
            count_if(SD.c.cited & (SD.c.outcome == "accept")).label("cited_accepted"),
            count_if(SD.c.cited & (SD.c.outcome == "override")).label("cited_overridden"),
            count_if(SD.c.cited & SD.c.stale).label("stale_cited"),
            *(func.max(SD.c[name]).label(name) for name in ("visibility", "source_type", "owner")),
        )
        .where(*in_scope(scope, SD))
        .group_by(SD.c.doc_id)
    ).all()
    counts = {row.doc_id: dict(row._mapping) for row in rows}
    ratings = conn.execute(
        select(
            D.c.doc_id,
            count_if(D.c.rating == "helpful").label("rated_helpful"),
            count_if(D.c.rating == "wrong").label("rated_wrong"),
        )
        .select_from(D.join(S, D.c.suggestion_id == S.c.id))
        .where(*in_scope(scope), D.c.action == "rate_citation", D.c.doc_id.is_not(None))
        .group_by(D.c.doc_id)
    ).all()
    for row in ratings:
        entry = counts.setdefault(row.doc_id, {"doc_id": row.doc_id})
        entry.update(rated_helpful=int(row.rated_helpful), rated_wrong=int(row.rated_wrong))
    return counts


def _rate(part: Any, whole: int) -> float | None:
    return round(int(part) / whole, 4) if whole else None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
