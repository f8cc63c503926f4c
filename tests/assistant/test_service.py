"""The suggestion store (SQL) and the service over it: records, decisions, idempotency, history,
concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.access import Audience
from assistant.assist import SuggestResult
from assistant.errors import ErrorCode, KbassistError
from assistant.records import Decision, DecisionIn, RetrievedRef, SuggestionRecord
from assistant.retrieval import RetrievedChunk
from assistant.service import SupportService, can_read
from assistant.suggestion import AskRequest, Citation, Suggestion
from assistant.suggestion_db import SqlSuggestionStore

ANSWER = "Refund the duplicate charge [1].\nThen tell the customer [2]."


def make_suggestion() -> Suggestion:
    citations = [
        Citation(
            index=i,
            doc_id=f"kb-{i}",
            title=f"Article {i}",
            source_type="article",
            chunk_id=f"kb-{i}#0",
            snippet="...",
        )
        for i in (1, 2)
    ]
    return Suggestion(answer=ANSWER, citations=citations, confidence=0.8)


class FakeAssistant:
    def __init__(self) -> None:
        self.asked: list[tuple[AskRequest, Audience]] = []

    def suggest(self, request: AskRequest, audience: Audience) -> SuggestResult:
        self.asked.append((request, audience))
        chunk = RetrievedChunk("kb-1#0", "kb-1", "text", {"source_type": "article"}, 0.5)
        return SuggestResult(make_suggestion(), [chunk], request.text(), 12.5)


def make_record(suggestion_id: str = "s1") -> SuggestionRecord:
    return SuggestionRecord(
        id=suggestion_id,
        channel="cli",
        asker="amelia",
        request=AskRequest(question="charged twice?"),
        retrieved=[RetrievedRef(chunk_id="kb-1#0", doc_id="kb-1", score=0.5)],
        suggestion=make_suggestion(),
        latency_ms=3.0,
        created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    )


def decided(
    service: SupportService, suggestion_id: str, decision: DecisionIn
) -> tuple[Decision, bool]:
    outcome = service.decide(suggestion_id, decision)
    return outcome.decision, outcome.new


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'kbassist.db'}"


@pytest.fixture
def store(db_url: str) -> SqlSuggestionStore:
    return SqlSuggestionStore(db_url)


@pytest.fixture
def service(store: SqlSuggestionStore) -> SupportService:
    return SupportService(FakeAssistant(), store)


def saved(store: SqlSuggestionStore, record: SuggestionRecord | None = None) -> SuggestionRecord:
    record = record or make_record()
    store.save(record, Audience.agent())
    return record


def test_record_round_trip(store: SqlSuggestionStore) -> None:
    record = make_record()
    store.save(record, Audience.agent("tier2"))
    loaded = store.load("s1")
    assert loaded is not None and loaded.record == record
    assert loaded.asker == Audience.agent("tier2")
    assert store.load("nope") is None
    assert store.decisions("s1") == []


def test_sqlite_runs_in_wal_mode(store: SqlSuggestionStore) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_in_memory_database_works(db_url: str) -> None:
    memory = SqlSuggestionStore("sqlite://")
    saved(memory)
    assert memory.load("s1") is not None


def test_bad_url_is_a_config_error() -> None:
    with pytest.raises(KbassistError) as info:
        SqlSuggestionStore("not a url")
    assert info.value.code is ErrorCode.CONFIG


def test_accept_edit_override_and_rating_are_kept_as_history(
    store: SqlSuggestionStore, service: SupportService
) -> None:
    saved(store)
    accepted = service.decide("s1", DecisionIn(action="accept", agent="amelia")).decision
    edited = service.decide(
        "s1", DecisionIn(action="edit", agent="amelia", text="Refund the duplicate charge [1].")
    ).decision
    overridden = service.decide(
        "s1", DecisionIn(action="override", agent="tom", text="Escalate.", reason="over $500")
    ).decision
    rated = service.decide(
        "s1", DecisionIn(action="rate_citation", agent="tom", citation_index=2, rating="wrong")
    ).decision
    history = store.decisions("s1")
    assert [d.id for d in history] == [accepted.id, edited.id, overridden.id, rated.id]
    assert [d.action for d in history] == ["accept", "edit", "override", "rate_citation"]
    assert edited.diff is not None
    assert "--- suggestion" in edited.diff and "+++ edited" in edited.diff
    assert "-Then tell the customer [2]." in edited.diff
    assert overridden.diff is None and overridden.reason == "over $500"
    assert (rated.citation_index, rated.rating) == (2, "wrong")
    assert all(d.created_at.tzinfo is not None for d in history)


def test_a_repeated_request_is_recorded_once(
    store: SqlSuggestionStore, service: SupportService
) -> None:
    saved(store)
    first, new = decided(service, "s1", DecisionIn(action="accept", agent="amelia"))
    again, new_again = decided(service, "s1", DecisionIn(action="accept", agent="amelia"))
    assert (new, new_again) == (True, False)
    assert again == first
    other, _ = decided(service, "s1", DecisionIn(action="accept", agent="tom"))
    assert other.id != first.id
    assert len(store.decisions("s1")) == 2


def test_request_id_is_the_idempotency_key(
    store: SqlSuggestionStore, service: SupportService
) -> None:
    saved(store)
    decision = DecisionIn(action="accept", agent="amelia", request_id="r-1")
    first, _ = decided(service, "s1", decision)
    same, new = decided(service, "s1", decision)
    assert (same.id, new) == (first.id, False)
    second, new = decided(service, "s1", decision.model_copy(update={"request_id": "r-2"}))
    assert new and second.id != first.id
    with pytest.raises(KbassistError) as info:
        service.decide("s1", DecisionIn(action="accept", agent="tom", request_id="r-1"))
    assert info.value.code is ErrorCode.CONFLICT


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (DecisionIn(action="accept", agent="a", text="x"), "text"),
        (DecisionIn(action="edit", agent="a"), "text"),
        (DecisionIn(action="edit", agent="a", text="   "), "text"),
        (DecisionIn(action="override", agent="a", text="x"), "reason"),
        (DecisionIn(action="override", agent="a", reason="x"), "text"),
        (DecisionIn(action="rate_citation", agent="a", rating="helpful"), "citation_index"),
        (DecisionIn(action="rate_citation", agent="a", citation_index=1), "rating"),
        (DecisionIn(action="rate_citation", agent="a", citation_index=3, rating="wrong"), "3"),
        (DecisionIn(action="edit", agent="a", text="x", rating="wrong"), "rating"),
    ],
)
def test_invalid_decisions_are_refused(
    store: SqlSuggestionStore, service: SupportService, decision: DecisionIn, field: str
) -> None:
    saved(store)
    with pytest.raises(KbassistError) as info:
        service.decide("s1", decision)
    assert info.value.code is ErrorCode.BAD_INPUT
    assert field in info.value.detail
    assert store.decisions("s1") == []


def test_unknown_suggestion_is_not_found(
    store: SqlSuggestionStore, service: SupportService
) -> None:
    with pytest.raises(KbassistError) as info:
        service.decide("nope", DecisionIn(action="accept", agent="a"))
    assert info.value.code is ErrorCode.NOT_FOUND


def run_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_saves_lose_nothing(db_url: str) -> None:
    stores = [SqlSuggestionStore(db_url) for _ in range(2)]  # two "processes" on one file

    def work(n: int) -> None:
        for i in range(25):
            stores[n % 2].save(make_record(f"t{n}-{i}"), Audience.agent())

    assert run_threads(8, work) == []
    with stores[0].engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM suggestions").scalar() == 200


def test_concurrent_duplicate_decisions_are_recorded_once(
    store: SqlSuggestionStore, service: SupportService
) -> None:
    saved(store)
    results: list[bool] = []

    def work(n: int) -> None:
        for i in range(5):
            decision = DecisionIn(action="accept", agent="amelia", request_id=f"r-{i}")
            results.append(decided(service, "s1", decision)[1])

    assert run_threads(8, work) == []
    assert results.count(True) == 5
    assert len(store.decisions("s1")) == 5


def test_service_saves_what_it_suggests(service: SupportService) -> None:
    request = AskRequest(question="charged twice?")
    record = service.suggest(request, Audience.agent("tier2"), "http", "amelia")
    assert len(record.id) == 32 and record.created_at.tzinfo is UTC
    assert record.retrieved == [
        RetrievedRef(chunk_id="kb-1#0", doc_id="kb-1", score=0.5, source_type="article")
    ]
    assert record.latency_ms == 12.5
    loaded, decisions = service.get(record.id)
    assert loaded == record and decisions == []
    outcome = service.decide(record.id, DecisionIn(action="accept", agent="amelia"))
    assert outcome.new and service.get(record.id)[1] == [outcome.decision]
    assert outcome.record == record  # the record the decision was taken on, as it was loaded


def test_service_hides_a_suggestion_from_an_audience_that_may_not_read_it(
    service: SupportService,
) -> None:
    record = service.suggest(AskRequest(question="q"), Audience.agent("tier2"), "http", "a")
    assert service.get(record.id, Audience.agent("tier2", "billing"))[0].id == record.id
    for reader in (Audience.agent("tier1"), Audience.agent(), Audience.customer()):
        with pytest.raises(KbassistError) as info:
            service.get(record.id, reader)
        assert info.value.code is ErrorCode.NOT_FOUND
        with pytest.raises(KbassistError):
            service.decide(record.id, DecisionIn(action="accept", agent="a"), reader)
    with pytest.raises(KbassistError) as info:
        service.get("nope")
    assert info.value.code is ErrorCode.NOT_FOUND


def test_can_read() -> None:
    assert can_read(Audience.agent(), Audience.customer())
    assert can_read(Audience.agent("a"), Audience.agent())
    assert not can_read(Audience.customer(), Audience.agent())
    assert not can_read(Audience.agent("a"), Audience.agent("a", "b"))


def test_unreachable_database_is_store_unavailable(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'dir.db'}")  # opened on first use
    with pytest.raises(KbassistError) as info:
        store.ping()
    assert info.value.code is ErrorCode.STORE_UNAVAILABLE
