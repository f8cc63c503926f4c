"""Analytics: the columns and table usage aggregates read, so they run as SQL.

- ``suggestions``: the asker's teams as one key, abstained, confidence, whether the LLM fell
  back, the answerer, the lead document (its id, source type and visibility), the product, and
  the outcome (the latest accept, edit or override) with its edit share (an edit's), and the
  count of citation ratings, helpful and wrong;
- ``suggestion_documents``: one row per document a suggestion retrieved or cited;
- ``decisions``: an edit's share of the answer changed, and a citation rating's document.

Older rows are back-filled from their JSON with ``assistant.analytics.facts``, a batch at a time.

Revision ID: 0005
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from pydantic import ValidationError

from assistant.analytics import facts
from assistant.records import SuggestionRecord

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 2000
ANALYTICS_INDEX = [
    "created_at",
    "team",
    "channel",
    "source_type",
    "product",
    "abstained",
    "outcome",
    "llm_fallback",
    "latency_ms",
    "edit_share",
    "rated_helpful",
    "rated_wrong",
    "lead_doc_id",
    "lead_visibility",
]
DOCUMENTS_INDEX = [
    "created_at",
    "doc_id",
    "rank",
    "cited",
    "stale",
    "outcome",
    "team",
    "visibility",
    "source_type",
    "owner",
]
_SUGGESTION_COLUMNS = (
    sa.Column("team", sa.String(512)),
    sa.Column("abstained", sa.Boolean),
    sa.Column("confidence", sa.Float),
    sa.Column("llm_fallback", sa.Boolean),
    sa.Column("answerer", sa.String(32)),
    sa.Column("lead_doc_id", sa.String(512)),
    sa.Column("source_type", sa.String(64)),
    sa.Column("product", sa.String(200)),
    sa.Column("lead_visibility", sa.String(300)),
    sa.Column("outcome", sa.String(16)),
    sa.Column("edit_share", sa.Float),
    sa.Column("rated_helpful", sa.Integer),
    sa.Column("rated_wrong", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        for column in _SUGGESTION_COLUMNS:
            batch.add_column(column.copy())
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("edit_share", sa.Float))
        batch.add_column(sa.Column("doc_id", sa.String(512)))
    op.create_table(
        "suggestion_documents",
        sa.Column("suggestion_id", sa.String(32), sa.ForeignKey("suggestions.id"), nullable=False),
        sa.Column("doc_id", sa.String(512), nullable=False),
        sa.Column("rank", sa.Integer),
        sa.Column("cited", sa.Boolean, nullable=False),
        sa.Column("stale", sa.Boolean, nullable=False),
        sa.Column("lead", sa.Boolean, nullable=False),
        sa.Column("source_type", sa.String(64), nullable=False),
        sa.Column("product", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("visibility", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime),
        sa.Column("team", sa.String(512)),
        sa.Column("outcome", sa.String(16)),
        sa.PrimaryKeyConstraint("suggestion_id", "doc_id"),
    )
    op.create_index("ix_suggestion_documents_doc_id", "suggestion_documents", ["doc_id"])
    # covering indexes: a window's aggregates read the index, not the rows (and their JSON)
    op.create_index("ix_suggestions_analytics", "suggestions", list(ANALYTICS_INDEX))
    op.create_index("ix_suggestion_documents_window", "suggestion_documents", list(DOCUMENTS_INDEX))
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_suggestion_documents_window", "suggestion_documents")
    op.drop_index("ix_suggestions_analytics", "suggestions")
    op.drop_index("ix_suggestion_documents_doc_id", "suggestion_documents")
    op.drop_table("suggestion_documents")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("doc_id")
        batch.drop_column("edit_share")
    with op.batch_alter_table("suggestions") as batch:
        for column in reversed(_SUGGESTION_COLUMNS):
            batch.drop_column(column.name)


_suggestions = sa.table(
    "suggestions",
    *(sa.column(name) for name in ("id", "channel", "asker", "latency_ms", "created_at")),
    *(sa.column(name, sa.JSON) for name in ("audience", "request", "retrieved", "suggestion")),
    *(sa.column(c.name, c.type) for c in _SUGGESTION_COLUMNS),
)
_decisions = sa.table(
    "decisions",
    *(sa.column(name) for name in ("seq", "suggestion_id", "action", "text", "reply_text")),
    sa.column("rating", sa.String),
    sa.column("citation_index", sa.Integer),
    sa.column("edit_share", sa.Float),
    sa.column("doc_id", sa.String),
)
_DOCUMENT_FIELDS = (
    "suggestion_id doc_id rank cited stale lead source_type product owner visibility "
    "created_at team outcome"
)
_documents = sa.table("suggestion_documents", *map(sa.column, _DOCUMENT_FIELDS.split()))


def _backfill(conn: sa.Connection) -> None:
    last = ""
    while True:
        rows = conn.execute(
            sa.select(_suggestions)
            .where(_suggestions.c.id > last)
            .order_by(_suggestions.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        records = {row.id: _record(row._mapping) for row in rows}
        _fill_suggestions(conn, rows, records)
        _fill_decisions(conn, records)
    mine = _decisions.c.suggestion_id == _suggestions.c.id

    def latest(column: Any) -> Any:
        found = sa.select(column).where(mine, _decisions.c.action.in_(facts.OUTCOMES))
        return found.order_by(_decisions.c.seq.desc()).limit(1).scalar_subquery()

    def rated(rating: str) -> Any:
        found = sa.select(sa.func.count()).select_from(_decisions)
        return found.where(mine, _decisions.c.rating == rating).scalar_subquery()

    conn.execute(
        sa.update(_suggestions).values(
            outcome=latest(_decisions.c.action),
            edit_share=latest(_decisions.c.edit_share),
            rated_helpful=rated("helpful"),
            rated_wrong=rated("wrong"),
        )
    )
    # each document row takes its suggestion's time, team and outcome as stored there
    own = _suggestions.c.id == _documents.c.suggestion_id

    def of_suggestion(name: str) -> Any:
        return sa.select(_suggestions.c[name]).where(own).scalar_subquery()

    conn.execute(
        sa.update(_documents).values(
            **{name: of_suggestion(name) for name in ("created_at", "team", "outcome")}
        )
    )


def _record(fields: Any) -> SuggestionRecord | None:
    data = {k: fields[k] for k in ("id", "channel", "asker", "latency_ms", "created_at")}
    data |= {k: fields[k] for k in ("request", "retrieved", "suggestion")}
    try:
        return SuggestionRecord.model_validate(data)
    except ValidationError:  # a row this version cannot read: only its team is filled
        return None


def _fill_suggestions(
    conn: sa.Connection, rows: Sequence[Any], records: dict[str, SuggestionRecord | None]
) -> None:
    documents: list[dict[str, Any]] = []
    for row in rows:
        record = records[row.id]
        teams = (row.audience or {}).get("teams", [])
        values = {"team": facts.team_key(teams)}
        if record is not None:
            values = facts.suggestion_columns(record, teams)
            documents += [
                {**row, "created_at": None, "team": None}  # copied in SQL below
                for row in facts.document_rows(record, teams)
            ]
        conn.execute(sa.update(_suggestions).where(_suggestions.c.id == row.id).values(**values))
    if documents:
        conn.execute(sa.insert(_documents), documents)


def _fill_decisions(conn: sa.Connection, records: dict[str, SuggestionRecord | None]) -> None:
    query = sa.select(_decisions).where(
        _decisions.c.suggestion_id.in_(list(records)),
        _decisions.c.action.in_(("edit", "rate_citation")),
    )
    for row in conn.execute(query).all():
        record = records.get(row.suggestion_id)
        if record is None:
            continue
        values = facts.decision_columns(
            row.action, row.text, row.reply_text, row.citation_index, record.suggestion
        )
        conn.execute(sa.update(_decisions).where(_decisions.c.seq == row.seq).values(**values))
