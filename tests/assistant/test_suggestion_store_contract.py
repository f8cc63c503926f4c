"""One contract for every suggestion-store backend: SQLite (the default) and a real PostgreSQL
(Debian's server, started on a loopback port; skipped where it is not installed). The same rules
hold on both: records round-trip, decisions are history, a request is recorded once under
concurrency, deliveries are first once, writes are audited, and the schema is migrated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from assistant.access import Audience
from assistant.records import DecisionIn
from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from assistant.writes import WriteRecord
from tests.assistant.test_service import FakeAssistant, make_record, run_threads
from tests.fakes.postgres import binaries, running_postgres


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
    with running_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kbassist.db'}"
        return
    base: str = request.getfixturevalue("postgres_url")
    # a schema of its own per test: the same server, nothing shared between tests
    store = SqlSuggestionStore(base)
    schema = f"t{abs(hash(request.node.nodeid)) % 10**9}"
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    store.engine.dispose()
    yield f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture
def service(url: str) -> SupportService:
    return SupportService(FakeAssistant(), SqlSuggestionStore(url))


def test_records_and_decisions_round_trip(service: SupportService) -> None:
    record = make_record()
    service.suggestions.save(record, Audience.agent("tier2"))
    loaded = service.suggestions.load("s1")
    assert loaded is not None and loaded.record == record
    assert loaded.asker == Audience.agent("tier2")
    edit = DecisionIn(action="edit", agent="a", text="Refund it [1].", actions_done=None)
    decided = service.decide("s1", edit).decision
    accepted = service.decide("s1", DecisionIn(action="accept", agent="b")).decision
    assert service.get("s1")[1] == [decided, accepted]
    assert decided.created_at.tzinfo is UTC


def test_a_request_is_recorded_once_under_concurrency(service: SupportService) -> None:
    service.suggestions.save(make_record(), Audience.agent())
    outcomes: list[bool] = []

    def work(n: int) -> None:
        for i in range(4):
            decision = DecisionIn(action="accept", agent="a", request_id=f"r-{i}")
            outcomes.append(service.decide("s1", decision).new)

    assert run_threads(6, work) == []
    assert outcomes.count(True) == 4 and len(service.get("s1")[1]) == 4


def test_a_delivery_is_first_once(url: str) -> None:
    stores = [SqlSuggestionStore(url) for _ in range(2)]
    firsts: list[bool] = []

    def work(n: int) -> None:
        firsts.append(stores[n % 2].first_delivery("evt-1", ttl_s=60))

    assert run_threads(6, work) == []
    assert firsts.count(True) == 1
    stores[0].forget_delivery("evt-1")
    assert stores[1].first_delivery("evt-1", ttl_s=60)


def test_writes_are_audited_in_order(url: str) -> None:
    store = SqlSuggestionStore(url)
    at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    first = WriteRecord("kb-1", "key:abc", "created", None, "h1", at)
    second = WriteRecord("kb-1", "key:def", "replaced", "h1", "h2", at)
    store.record_writes([first])
    store.record_writes([second])
    assert store.writes("kb-1") == [first, second]


def test_the_schema_is_migrated_once_to_the_newest(url: str) -> None:
    first, second = SqlSuggestionStore(url), SqlSuggestionStore(url)
    first.ping()
    second.ping()
    tables = set(inspect(first.engine).get_table_names())
    assert {"suggestions", "decisions", "deliveries", "document_writes"} <= tables
