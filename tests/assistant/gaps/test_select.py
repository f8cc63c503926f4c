"""Which recorded questions count as poorly served, and why."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from assistant.gaps.select import poorly_served
from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from tests.assistant.gaps.history import ANSWER, NOW, accept, add, edit, override, rate_wrong


@pytest.fixture
def store(tmp_path: Path) -> SqlSuggestionStore:
    return SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")


@pytest.fixture
def service(store: SqlSuggestionStore) -> SupportService:
    return SupportService(assistant=None, suggestions=store)  # type: ignore[arg-type]


def test_each_kind_of_poor_service_is_selected_with_its_reason(
    store: SqlSuggestionStore, service: SupportService
) -> None:
    add(service, store, "ok", "refund a double charge", accept())
    add(service, store, "abst", "is there a dark mode", abstained=True, confidence=0.1)
    add(service, store, "low", "paypal payouts", accept(), confidence=0.2)
    add(service, store, "over", "budget reports", override())
    add(service, store, "heavy", "1099 forms", edit("Ledgerly does not file these forms at all."))
    add(service, store, "light", "refund twice", edit(ANSWER + " Check the date too."))
    add(service, store, "wrong", "mileage", rate_wrong())
    found = {q.suggestion_id: q.reasons for q in poorly_served(store, None, margin=0.35)}
    assert found == {
        "abst": ("abstained",),
        "low": ("low_confidence",),
        "over": ("overridden",),
        "heavy": ("heavily_edited",),
        "wrong": ("citation_wrong",),
    }


def test_window_and_evaluation_runs_are_respected(
    store: SqlSuggestionStore, service: SupportService
) -> None:
    add(service, store, "old", "budget reports", override(), age=timedelta(days=40))
    add(service, store, "new", "budget planning", override(), age=timedelta(days=2))
    add(service, store, "eval", "budget report", override(), channel="eval")
    found = poorly_served(store, NOW - timedelta(days=30), margin=0.35)
    assert [q.suggestion_id for q in found] == ["new"]
    assert found[0].text == "budget planning"
    assert found[0].audience.teams == {"tier1"}


def test_an_empty_store_has_no_poorly_served_questions(store: SqlSuggestionStore) -> None:
    assert poorly_served(store, None, margin=0.35) == []
