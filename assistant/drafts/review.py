"""The review queue's table (migration 0006) in the suggestion database, and ``DraftStore``.

It shares the suggestion store's engine, so its database is migrated by the same Alembic chain
and SQLite writes take the same immediate lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Column, MetaData, String, Table, Text, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import InterfaceError, OperationalError

from assistant.drafts.model import Draft
from assistant.errors import ErrorCode, KbassistError
from assistant.suggestion_db import SqlSuggestionStore
from assistant.suggestion_schema import UTCDateTime

_SCHEMA = MetaData()
DRAFTS = Table(
    "drafts",
    _SCHEMA,
    Column("id", String(32), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("markdown", Text, nullable=False),
    Column("visibility", String(300), nullable=False),
    Column("source_visibilities", JSON, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("target", JSON),
    Column("details", JSON),
    Column("centroid", JSON),
    Column("doc_id", String(512)),
    Column("reason", Text),
    Column("reviewer", String(200)),
    Column("reviewed_at", UTCDateTime),
    Column("published_path", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


class DraftStore:
    """Drafts and fix proposals, by id; state changes are compare-and-set on the old state."""

    def __init__(self, suggestions: SqlSuggestionStore) -> None:
        self.suggestions = suggestions
        self._ready = False

    def add(self, draft: Draft) -> None:
        with self._tx(write=True) as conn:
            conn.execute(insert(DRAFTS).values(**draft.model_dump(mode="python")))

    def get(self, draft_id: str) -> Draft | None:
        with self._tx() as conn:
            row = conn.execute(select(DRAFTS).where(DRAFTS.c.id == draft_id)).first()
        return None if row is None else Draft.model_validate(dict(row._mapping))

    def list(self, states: tuple[str, ...] = (), kind: str | None = None) -> list[Draft]:
        query = select(DRAFTS)
        if states:
            query = query.where(DRAFTS.c.state.in_(states))
        if kind:
            query = query.where(DRAFTS.c.kind == kind)
        with self._tx() as conn:
            rows = conn.execute(query.order_by(DRAFTS.c.created_at, DRAFTS.c.id)).all()
        return [Draft.model_validate(dict(row._mapping)) for row in rows]

    def save(self, draft: Draft, expect_state: str | None = None) -> bool:
        """Write ``draft`` over its row; with ``expect_state``, only while the row still has
        that state (False when another reviewer got there first)."""
        values: dict[str, Any] = draft.model_dump(mode="python", exclude={"id", "created_at"})
        query = update(DRAFTS).where(DRAFTS.c.id == draft.id)
        if expect_state is not None:
            query = query.where(DRAFTS.c.state == expect_state)
        with self._tx(write=True) as conn:
            return conn.execute(query.values(**values)).rowcount == 1

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        if not self._ready:
            self.suggestions.ping()  # migrates the database on first use
            self._ready = True
        try:
            with self.suggestions.engine.connect() as conn:
                conn.execution_options(kbassist_write=write)
                with conn.begin():
                    yield conn
        except (OperationalError, InterfaceError) as exc:
            raise KbassistError(
                ErrorCode.STORE_UNAVAILABLE,
                f"the suggestion database {self.suggestions.where} is unavailable",
            ) from exc
