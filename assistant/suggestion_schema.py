"""The suggestion database's tables as SQLAlchemy Core sees them (the migrations in
``assistant/migrations`` create and change them): suggestions, their decisions, the documents each
suggestion retrieved or cited, Slack deliveries already answered, and the audit of document
writes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (stored naive, in UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


SCHEMA = MetaData()
SUGGESTIONS = Table(
    "suggestions",
    SCHEMA,
    Column("id", String(32), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("asker", Text, nullable=False),
    Column("audience", JSON, nullable=False),  # who asked: decides who may read it back
    Column("request", JSON, nullable=False),
    Column("retrieved", JSON, nullable=False),  # [{chunk_id, doc_id, score}]
    Column("suggestion", JSON, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    # migration 0005: denormalised for analytics (assistant.analytics.facts)
    Column("team", String(512)),
    Column("abstained", Boolean),
    Column("confidence", Float),
    Column("llm_fallback", Boolean),
    Column("answerer", String(32)),
    Column("lead_doc_id", String(512)),
    Column("source_type", String(64)),
    Column("product", String(200)),
    Column("lead_visibility", String(300)),
    Column("outcome", String(16)),  # the latest accept, edit or override
    Column("edit_share", Float),  # the outcome's, when an edit
    Column("rated_helpful", Integer),  # citation ratings
    Column("rated_wrong", Integer),
)
DECISIONS = Table(
    "decisions",
    SCHEMA,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # history order
    Column("id", String(32), nullable=False, unique=True),
    Column("suggestion_id", String(32), ForeignKey("suggestions.id"), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("agent", String(200), nullable=False),
    Column("text", Text),
    Column("diff", Text),
    Column("reason", Text),
    Column("citation_index", Integer),
    Column("rating", String(16)),
    Column("request_key", String(255), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reply_text", Text),  # migration 0002
    Column("reply_diff", Text),
    Column("actions_done", JSON),
    Column("edit_share", Float),  # migration 0005
    Column("doc_id", String(512)),  # rate_citation: the rated citation's document
)
SUGGESTION_DOCUMENTS = Table(
    "suggestion_documents",  # migration 0005: each document a suggestion retrieved or cited
    SCHEMA,
    Column("suggestion_id", String(32), ForeignKey("suggestions.id"), primary_key=True),
    Column("doc_id", String(512), primary_key=True, index=True),
    Column("rank", Integer),  # retrieval rank from 1; None: only cited (a sibling step)
    Column("cited", Boolean, nullable=False),
    Column("stale", Boolean, nullable=False),  # cited while past its review date
    Column("lead", Boolean, nullable=False),
    Column("source_type", String(64), nullable=False),
    Column("product", String(200), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("visibility", String(300), nullable=False),
    Column("created_at", UTCDateTime),  # the suggestion's
    Column("team", String(512)),
    Column("outcome", String(16)),
)
DELIVERIES = Table(
    "deliveries",
    SCHEMA,
    Column("key", String(255), primary_key=True),  # migration 0003
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)
DOCUMENT_WRITES = Table(
    "document_writes",
    SCHEMA,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # migration 0004
    Column("doc_id", String(512), nullable=False, index=True),
    Column("author", String(200), nullable=False),
    Column("action", String(16), nullable=False),
    Column("previous_hash", String(128)),
    Column("content_hash", String(128), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
