"""Every suggestion made, and every decision agents take on it, in a SQL database.

``SqlSuggestionStore`` implements ``assistant.records.SuggestionStore`` with SQLAlchemy Core:
SQLite under the data dir by default (WAL journal, a busy timeout and ``BEGIN IMMEDIATE`` for
writes, so concurrent writers wait for each other instead of failing), or any database URL
SQLAlchemy understands. A decision is inserted once per request key; later decisions are kept
beside earlier ones as history.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.pool import StaticPool

from assistant import migrations
from assistant.analytics import facts
from assistant.errors import ErrorCode, KbassistError, no_room, no_room_error
from assistant.records import Decision, Saved, SuggestionRecord
from assistant.suggestion import Suggestion
from assistant.suggestion_schema import (
    DECISIONS,
    DELIVERIES,
    DOCUMENT_WRITES,
    SUGGESTION_DOCUMENTS,
    SUGGESTIONS,
)
from assistant.types import Audience
from assistant.writes import WriteRecord

BUSY_TIMEOUT_S = 30.0
_MIGRATING = threading.Lock()  # one migration at a time in this process (see _create_schema)


_DECISION_FIELDS = [
    c for c in DECISIONS.c if c.name not in ("seq", "request_key", "edit_share", "doc_id")
]


_RECORD_FIELDS = [SUGGESTIONS.c[name] for name in SuggestionRecord.model_fields]


class SqlSuggestionStore:
    """Suggestions and decisions in the database at ``url``. On first use the schema is brought
    up to date by the migrations (``assistant.migrations``), so a database that is down does not
    stop a server from starting."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
            self.where = parsed.render_as_string(hide_password=True)
            self.engine, memory = _make_engine(parsed)
        except (ArgumentError, ImportError) as exc:
            raise KbassistError(
                ErrorCode.CONFIG, "KBASSIST_DATABASE_URL is not a database URL SQLAlchemy can use"
            ) from exc
        # One shared connection for an in-memory SQLite: transactions take turns.
        self._turns: threading.Lock | None = threading.Lock() if memory else None
        database = parsed.database or ""
        on_disk = parsed.get_backend_name() == "sqlite" and not memory
        # where a SQLite file lives: a write failing there for want of room says so
        self._folder = (
            Path(database).parent if on_disk and not database.startswith("file:") else None
        )
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    def save(self, record: SuggestionRecord, asker: Audience) -> None:
        row = record.model_dump(mode="json")
        row["created_at"] = record.created_at
        row["audience"] = {"teams": sorted(asker.teams), "customer_facing": asker.customer_facing}
        row |= facts.suggestion_columns(record, asker.teams)
        documents = facts.document_rows(record, asker.teams)
        with self._tx(write=True) as conn:
            conn.execute(insert(SUGGESTIONS).values(**row))
            if documents:
                conn.execute(insert(SUGGESTION_DOCUMENTS), documents)

    def load(self, suggestion_id: str) -> Saved | None:
        with self._tx() as conn:
            row = conn.execute(select(SUGGESTIONS).where(SUGGESTIONS.c.id == suggestion_id)).first()
        if row is None:
            return None
        fields = {c.name: row._mapping[c.name] for c in _RECORD_FIELDS}
        stored = row._mapping["audience"]
        asker = Audience(frozenset(stored["teams"]), bool(stored["customer_facing"]))
        return Saved(SuggestionRecord.model_validate(fields), asker)

    def insert_decision(self, decision: Decision, key: str) -> Decision | None:
        row = {**decision.model_dump(), "request_key": key}
        try:
            with self._tx(write=True) as conn:
                existing = self._by_key(conn, key)
                if existing is None:
                    row |= self._decision_facts(conn, decision)
                    conn.execute(insert(DECISIONS).values(**row))
                    self._settle(conn, decision, row.get("edit_share"))
                return existing
        except IntegrityError:  # a concurrent writer took the key first (non-SQLite databases)
            with self._tx() as conn:
                return self._by_key(conn, key)

    def decisions(self, suggestion_id: str) -> list[Decision]:
        query = (
            select(*_DECISION_FIELDS)
            .where(DECISIONS.c.suggestion_id == suggestion_id)
            .order_by(DECISIONS.c.seq)
        )
        with self._tx() as conn:
            rows = conn.execute(query).all()
        return [Decision.model_validate(dict(row._mapping)) for row in rows]

    def reading(self) -> AbstractContextManager[Connection]:
        """A read transaction on the database (the analytics' SQL aggregates run in it)."""
        return self._tx()

    def ping(self) -> None:
        with self._tx() as conn:
            conn.execute(select(1))

    def record_writes(self, records: Sequence[WriteRecord]) -> None:
        if records:
            with self._tx(write=True) as conn:
                conn.execute(insert(DOCUMENT_WRITES), [asdict(r) for r in records])

    def writes(self, doc_id: str) -> list[WriteRecord]:
        """The audit trail of one document, oldest first."""
        fields = [c for c in DOCUMENT_WRITES.c if c.name != "seq"]
        query = select(*fields).where(DOCUMENT_WRITES.c.doc_id == doc_id)
        with self._tx() as conn:
            rows = conn.execute(query.order_by(DOCUMENT_WRITES.c.seq)).all()
        return [WriteRecord(**dict(row._mapping)) for row in rows]

    def forget_delivery(self, key: str) -> None:
        """Give a claimed delivery back (its handling failed): the next one is handled."""
        with self._tx(write=True) as conn:
            conn.execute(delete(DELIVERIES).where(DELIVERIES.c.key == key))

    def first_delivery(self, key: str, ttl_s: float) -> bool:
        """True the first time ``key`` is seen within ``ttl_s`` seconds (then it is kept until
        it expires), False for a re-delivery or a replay; expired keys are dropped."""
        now = datetime.now(UTC)
        try:
            with self._tx(write=True) as conn:
                conn.execute(delete(DELIVERIES).where(DELIVERIES.c.expires_at < now))
                seen = conn.execute(select(DELIVERIES.c.key).where(DELIVERIES.c.key == key))
                if seen.first() is not None:
                    return False
                expires = now + timedelta(seconds=ttl_s)
                conn.execute(insert(DELIVERIES).values(key=key, expires_at=expires))
                return True
        except IntegrityError:  # another worker took it first (non-SQLite databases)
            return False

    @staticmethod
    def _settle(conn: Connection, decision: Decision, share: float | None) -> None:
        """Keep the suggestion's analytics columns: its outcome (the latest accept, edit or
        override, with an edit's share) and its count of citation ratings."""
        values: dict[str, Any] = {}
        if decision.action in facts.OUTCOMES:
            values = {"outcome": decision.action, "edit_share": share}
        elif decision.rating is not None:
            column = SUGGESTIONS.c["rated_" + decision.rating]
            values = {column.name: func.coalesce(column, 0) + 1}
        if values:
            settled = SUGGESTIONS.c.id == decision.suggestion_id
            conn.execute(update(SUGGESTIONS).where(settled).values(**values))
        if "outcome" in values:
            cited = SUGGESTION_DOCUMENTS.c.suggestion_id == decision.suggestion_id
            conn.execute(update(SUGGESTION_DOCUMENTS).where(cited).values(outcome=decision.action))

    @staticmethod
    def _decision_facts(conn: Connection, decision: Decision) -> dict[str, Any]:
        """The decision's analytics columns (its edit share, a rated citation's document)."""
        if decision.action not in ("edit", "rate_citation"):
            return {}
        query = select(SUGGESTIONS.c.suggestion).where(SUGGESTIONS.c.id == decision.suggestion_id)
        stored = conn.execute(query).scalar_one_or_none()
        if stored is None:
            return {}
        suggestion = Suggestion.model_validate(stored)
        return facts.decision_columns(
            decision.action,
            decision.text,
            decision.reply_text,
            decision.citation_index,
            suggestion,
        )

    @staticmethod
    def _by_key(conn: Connection, key: str) -> Decision | None:
        query = select(*_DECISION_FIELDS).where(DECISIONS.c.request_key == key)
        row = conn.execute(query).first()
        return None if row is None else Decision.model_validate(dict(row._mapping))

    @contextmanager
    def _tx(self, write: bool = False, schema: bool = True) -> Iterator[Connection]:
        """One transaction; SQLite writes take the write lock up front (``BEGIN IMMEDIATE``)."""
        if schema and not self._schema_ready:
            self._create_schema()
        turn: AbstractContextManager[Any] = self._turns or nullcontext()
        try:
            with turn, self.engine.connect() as conn:
                conn.execution_options(kbassist_write=write)
                with conn.begin():
                    yield conn
        except (OperationalError, InterfaceError) as exc:
            if self._folder is not None and no_room(exc, self._folder):
                raise no_room_error(self._folder, "nothing was recorded") from exc
            raise KbassistError(
                ErrorCode.STORE_UNAVAILABLE, f"the suggestion database {self.where} is unavailable"
            ) from exc

    def _create_schema(self) -> None:
        """Migrate once per store; stores of one process take turns (Alembic runs its env.py
        under the import lock, so two threads migrating at once could deadlock on it and a
        database lock), and PostgreSQL servers serialise processes with an advisory lock."""
        with self._schema_lock, _MIGRATING:
            if not self._schema_ready:
                with self._tx(write=True, schema=False) as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 7413})
                    migrations.upgrade(conn)
                self._schema_ready = True


def _make_engine(url: URL) -> tuple[Engine, bool]:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and immediate write transactions."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True), False
    database = url.database or ""
    memory = database in ("", ":memory:") or url.query.get("mode") == "memory"
    args: dict[str, Any] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
    if memory:
        engine = create_engine(url, connect_args=args, poolclass=StaticPool)
    else:
        if not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=args, pool_size=8, max_overflow=32)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine, memory


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the "begin" listener below starts transactions
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    try:  # the analytics bucket latencies with ln and floor (SQLite's optional math functions)
        cursor.execute("SELECT ln(1.0), floor(1.5)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("ln", 1, _ln, deterministic=True)
        dbapi_connection.create_function("floor", 1, _floor, deterministic=True)
    cursor.close()


def _ln(value: float | None) -> float | None:
    return None if value is None or value <= 0 else math.log(value)


def _floor(value: float | None) -> float | None:
    return None if value is None else float(math.floor(value))


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("kbassist_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
