"""Every suggestion made, and every decision agents take on it, in a SQL database.

``SqlSuggestionStore`` keeps them with SQLAlchemy Core: SQLite under the data dir by default (WAL
journal, a busy timeout and ``BEGIN IMMEDIATE`` for writes, so concurrent writers wait for each
other instead of failing), or any database URL SQLAlchemy understands. A decision is recorded once
per request key; later decisions are kept beside earlier ones as history.

``SuggestionService`` is what every channel calls: ask the Assistant, save the record, read it
back for the audience allowed to see it, record decisions.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
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
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from assistant.access import Audience
from assistant.assist import SuggestResult
from assistant.decisions import check_decision, edit_diff, normalized, request_key, same_request
from assistant.errors import ErrorCode, KbassistError
from assistant.records import (
    Channel,
    Decision,
    DecisionIn,
    RetrievedRef,
    SuggestionRecord,
    SuggestionStore,
)
from assistant.suggestion import AskRequest

BUSY_TIMEOUT_S = 30.0


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
)
_DECISION_FIELDS = [c for c in DECISIONS.c if c.name not in ("seq", "request_key")]


def can_read(reader: Audience, asker: Audience) -> bool:
    """A suggestion may be read back by an audience that sees at least what its asker saw."""
    if reader.customer_facing and not asker.customer_facing:
        return False
    return asker.teams <= reader.teams


class SuggestionLog(SuggestionStore, Protocol):
    """A ``SuggestionStore`` that also keeps who asked and tells whether a decision is new."""

    def save_asked(self, record: SuggestionRecord, audience: Audience) -> None: ...

    def audience_of(self, suggestion_id: str) -> Audience | None: ...

    def record_decision(
        self, suggestion_id: str, decision: DecisionIn
    ) -> tuple[Decision, bool]: ...

    def ping(self) -> None: ...


class SqlSuggestionStore:
    """Suggestions and decisions in the database at ``url`` (tables created when missing)."""

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
        with self._tx(write=True) as conn:
            SCHEMA.create_all(conn)

    # -- SuggestionStore --------------------------------------------------------------------

    def save(self, record: SuggestionRecord) -> None:
        self.save_asked(record, Audience.agent())

    def save_asked(self, record: SuggestionRecord, audience: Audience) -> None:
        row = record.model_dump(mode="json")
        row["created_at"] = record.created_at
        row["audience"] = {
            "teams": sorted(audience.teams),
            "customer_facing": audience.customer_facing,
        }
        with self._tx(write=True) as conn:
            conn.execute(insert(SUGGESTIONS).values(**row))

    def get(self, suggestion_id: str) -> SuggestionRecord | None:
        with self._tx() as conn:
            row = conn.execute(select(SUGGESTIONS).where(SUGGESTIONS.c.id == suggestion_id)).first()
        if row is None:
            return None
        return SuggestionRecord.model_validate(
            {k: v for k, v in row._mapping.items() if k != "audience"}
        )

    def decide(self, suggestion_id: str, decision: DecisionIn) -> Decision:
        return self.record_decision(suggestion_id, decision)[0]

    def decisions(self, suggestion_id: str) -> list[Decision]:
        query = (
            select(*_DECISION_FIELDS)
            .where(DECISIONS.c.suggestion_id == suggestion_id)
            .order_by(DECISIONS.c.seq)
        )
        with self._tx() as conn:
            rows = conn.execute(query).all()
        return [Decision.model_validate(dict(row._mapping)) for row in rows]

    # -- beyond the protocol ----------------------------------------------------------------

    def audience_of(self, suggestion_id: str) -> Audience | None:
        query = select(SUGGESTIONS.c.audience).where(SUGGESTIONS.c.id == suggestion_id)
        with self._tx() as conn:
            stored: dict[str, Any] | None = conn.execute(query).scalar()
        if stored is None:
            return None
        return Audience(frozenset(stored["teams"]), bool(stored["customer_facing"]))

    def record_decision(self, suggestion_id: str, decision: DecisionIn) -> tuple[Decision, bool]:
        """Record a decision unless the same request was recorded before (then return that)."""
        record = self.get(suggestion_id)
        if record is None:
            raise _not_found(suggestion_id)
        decision = normalized(decision)
        check_decision(decision, record.suggestion)
        key = request_key(suggestion_id, decision)
        new = Decision(
            id=uuid.uuid4().hex,
            suggestion_id=suggestion_id,
            action=decision.action,
            agent=decision.agent,
            text=decision.text,
            diff=edit_diff(record.suggestion.answer, decision.text or "")
            if decision.action == "edit"
            else None,
            reason=decision.reason,
            citation_index=decision.citation_index,
            rating=decision.rating,
            created_at=datetime.now(UTC),
        )
        existing = self._insert_once(new, key)
        if existing is None:
            return new, True
        if not same_request(existing, suggestion_id, decision):
            raise KbassistError(
                ErrorCode.CONFLICT,
                f"request_id '{decision.request_id}' was already used for another decision",
            )
        return existing, False

    def ping(self) -> None:
        with self._tx() as conn:
            conn.execute(select(1))

    # -- internals ----------------------------------------------------------------------------

    def _insert_once(self, decision: Decision, key: str) -> Decision | None:
        """Insert unless ``key`` is taken; return the decision already under it, if any."""
        row = {**decision.model_dump(), "request_key": key}
        try:
            with self._tx(write=True) as conn:
                existing = self._by_key(conn, key)
                if existing is None:
                    conn.execute(insert(DECISIONS).values(**row))
                return existing
        except IntegrityError:  # a concurrent writer took the key first (non-SQLite databases)
            with self._tx() as conn:
                return self._by_key(conn, key)

    @staticmethod
    def _by_key(conn: Connection, key: str) -> Decision | None:
        query = select(*_DECISION_FIELDS).where(DECISIONS.c.request_key == key)
        row = conn.execute(query).first()
        return None if row is None else Decision.model_validate(dict(row._mapping))

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """One transaction; SQLite writes take the write lock up front (``BEGIN IMMEDIATE``)."""
        turn: AbstractContextManager[Any] = self._turns or nullcontext()
        try:
            with turn, self.engine.connect() as conn:
                conn.execution_options(kbassist_write=write)
                with conn.begin():
                    yield conn
        except (OperationalError, InterfaceError) as exc:
            raise KbassistError(
                ErrorCode.STORE_UNAVAILABLE, f"the suggestion database {self.where} is unavailable"
            ) from exc


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
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("kbassist_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Suggester(Protocol):
    """What the service asks (``assistant.assist.Assistant``)."""

    def suggest(self, request: AskRequest, audience: Audience) -> SuggestResult: ...


class SuggestionService:
    """Suggestions for every channel, saved with who asked, and the decisions taken on them."""

    def __init__(self, assistant: Suggester, store: SuggestionLog) -> None:
        self.assistant = assistant
        self.store = store

    def suggest(
        self, request: AskRequest, audience: Audience, channel: Channel, asker: str
    ) -> SuggestionRecord:
        """Ask, save and return the saved record."""
        result = self.assistant.suggest(request, audience)
        record = SuggestionRecord(
            id=uuid.uuid4().hex,
            channel=channel,
            asker=asker,
            request=request,
            retrieved=[
                RetrievedRef(chunk_id=c.chunk_id, doc_id=c.doc_id, score=c.score)
                for c in result.retrieved
            ],
            suggestion=result.suggestion,
            latency_ms=result.latency_ms,
            created_at=datetime.now(UTC),
        )
        self.store.save_asked(record, audience)
        return record

    def get(
        self, suggestion_id: str, audience: Audience | None = None
    ) -> tuple[SuggestionRecord, list[Decision]]:
        """The record and its decisions (oldest first); NOT_FOUND when unknown or, given an
        audience, when that audience may not read it."""
        self._check_visible(suggestion_id, audience)
        record = self.store.get(suggestion_id)
        if record is None:
            raise _not_found(suggestion_id)
        return record, self.store.decisions(suggestion_id)

    def decide(
        self, suggestion_id: str, decision: DecisionIn, audience: Audience | None = None
    ) -> tuple[Decision, bool]:
        """Record a decision; the bool says whether it was new (False: a duplicate request)."""
        self._check_visible(suggestion_id, audience)
        return self.store.record_decision(suggestion_id, decision)

    def _check_visible(self, suggestion_id: str, audience: Audience | None) -> None:
        asker = self.store.audience_of(suggestion_id)
        if asker is None or (audience is not None and not can_read(audience, asker)):
            raise _not_found(suggestion_id)


def _not_found(suggestion_id: str) -> KbassistError:
    return KbassistError(ErrorCode.NOT_FOUND, f"no suggestion with id '{suggestion_id}'")
