"""Which recorded questions were poorly served, selected from the suggestion store with SQL.

A question counts when its suggestion abstained, fell below the confidence margin, was
overridden, had a citation rated wrong, or was heavily edited (more than half of the answer
changed). One query over the analytics columns of migration 0005 (``suggestions.abstained``,
``confidence``; ``decisions.edit_share``) with ``EXISTS`` on the decisions does the selecting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select

from assistant.suggestion import AskRequest
from assistant.suggestion_db import DECISIONS, SUGGESTIONS, SqlSuggestionStore
from assistant.types import Audience

REASONS = ("abstained", "low_confidence", "overridden", "heavily_edited", "citation_wrong")
NOT_TRAFFIC = ("eval",)  # suggestions the evaluation harness made are not traffic


@dataclass(frozen=True)
class PoorQuestion:
    """One poorly served question: what was asked, by whom, when, and why it counts."""

    suggestion_id: str
    text: str
    asker: str
    audience: Audience
    created_at: datetime
    reasons: tuple[str, ...]


def poorly_served(
    store: SqlSuggestionStore,
    since: datetime | None,
    margin: float,
    edit_threshold: float = 0.5,
    limit: int = 5000,
) -> list[PoorQuestion]:
    """The poorly served questions asked since ``since`` (all when None), newest first, at most
    ``limit`` of them."""
    s, d = SUGGESTIONS.c, DECISIONS.c

    def decided(*where: Any) -> ColumnElement[bool]:
        return exists().where(d.suggestion_id == s.id, *where)

    flags: dict[str, ColumnElement[bool]] = {
        "abstained": s.abstained.is_(True),
        "low_confidence": and_(s.confidence < margin, s.abstained.is_not(True)),
        "overridden": decided(d.action == "override"),
        "heavily_edited": decided(d.action == "edit", d.edit_share > edit_threshold),
        "citation_wrong": decided(d.action == "rate_citation", d.rating == "wrong"),
    }
    window: list[ColumnElement[bool]] = [s.channel.not_in(NOT_TRAFFIC)]
    if since is not None:
        window.append(s.created_at >= since)
    query = (
        select(
            s.id,
            s.asker,
            s.audience,
            s.request,
            s.created_at,
            *(flag.label(name) for name, flag in flags.items()),
        )
        .where(*window, or_(*flags.values()))
        .order_by(s.created_at.desc(), s.id)
        .limit(limit)
    )
    store.ping()  # brings the schema up to date on first use
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    found: list[PoorQuestion] = []
    for row in rows:
        text = AskRequest.model_validate(row.request).text()
        if not text:
            continue
        stored = row.audience or {}
        audience = Audience(frozenset(stored.get("teams", ())), bool(stored.get("customer_facing")))
        reasons = tuple(name for name in REASONS if getattr(row, name))
        found.append(PoorQuestion(row.id, text, row.asker, audience, row.created_at, reasons))
    return found
