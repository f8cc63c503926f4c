"""Content flags by owner, from the known history of sample.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.access import Audience
from assistant.analytics.flags import FlagRules
from assistant.analytics.params import scope
from assistant.analytics.queries import Analytics
from assistant.errors import KbassistError
from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from tests.assistant.analytics.sample import CATALOG, fill
from tests.assistant.test_service import FakeAssistant

LOOSE = FlagRules(wrong_ratings=1, override_rate=0.5, min_cited=2)


@pytest.fixture
def store(tmp_path: Path) -> SqlSuggestionStore:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    fill(SupportService(FakeAssistant(), store))
    return store


def kinds(report: dict[str, object]) -> dict[str, dict[str, list[str]]]:
    owners = report["owners"]
    assert isinstance(owners, list)
    return {
        o["owner"]: {d["doc_id"]: [f["kind"] for f in d["flags"]] for d in o["documents"]}
        for o in owners
    }


def test_flags_by_owner(store: SqlSuggestionStore) -> None:
    report = Analytics(store, lambda: CATALOG).flags(scope("30d"), Audience.agent("tier1"), LOOSE)
    assert kinds(report.to_dict()) == {
        "ana": {"kb-a": ["rated_wrong", "overridden", "contradictory"]},
        "bo": {"kb-b": ["stale_cited"]},
    }
    digest = report.digests()["ana"]
    assert "Refunds" in digest and "rated wrong 1 times" in digest


def test_the_default_rules_need_more_evidence(store: SqlSuggestionStore) -> None:
    report = Analytics(store, lambda: CATALOG).flags(scope("30d"), Audience.agent("tier1"))
    assert kinds(report.to_dict())["ana"] == {"kb-a": ["contradictory"]}


def test_one_owner_and_what_the_viewer_may_not_see(store: SqlSuggestionStore) -> None:
    analytics = Analytics(store, lambda: CATALOG)
    only_bo = analytics.flags(scope("30d"), Audience.agent("tier1"), LOOSE, owner="bo")
    assert list(kinds(only_bo.to_dict())) == ["bo"]
    customer = analytics.flags(scope("30d"), Audience.customer(), LOOSE).to_dict()
    assert "bo" not in kinds(customer) and customer["restricted_flagged"] == 1
    assert "Old policy" not in str(customer)


def test_a_review_date_moved_on_clears_the_stale_flag(store: SqlSuggestionStore) -> None:
    reviewed = {**CATALOG, "kb-b": replace(CATALOG["kb-b"], review_by="2999-01-01")}
    report = Analytics(store, lambda: reviewed).flags(scope("30d"), Audience.agent("t"), LOOSE)
    assert "bo" not in kinds(report.to_dict())


def test_bad_rules_name_the_field() -> None:
    with pytest.raises(KbassistError, match="override_rate"):
        FlagRules(override_rate=1.5)
