"""Usage analytics as SQL aggregates, on SQLite and a real PostgreSQL: the figures of a known
history (tests/assistant/analytics/sample.py), grouped each way, with what a viewer may not see
counted but never named."""

from __future__ import annotations

import pytest

from assistant.access import Audience
from assistant.analytics.params import scope
from assistant.analytics.queries import Analytics
from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from tests.assistant.analytics.sample import CATALOG, fill
from tests.assistant.test_service import FakeAssistant
from tests.assistant.test_suggestion_store_contract import postgres_url, url

__all__ = ["postgres_url", "url"]  # the contract suite's SQLite and PostgreSQL fixtures

TIER1 = Audience.agent("tier1")


@pytest.fixture
def analytics(url: str) -> Analytics:
    store = SqlSuggestionStore(url)
    fill(SupportService(FakeAssistant(), store))
    return Analytics(store, lambda: CATALOG)


def test_usage_by_team(analytics: Analytics) -> None:
    report = analytics.usage(scope("30d", group_by="team"), TIER1).to_dict()
    tier1, tier2 = report["groups"]
    assert tier1 == {
        "key": "tier1",
        "suggestions": 3,
        "abstention_rate": 0.0,
        "decided_share": 1.0,
        "accept_rate": 0.3333,
        "edit_rate": 0.3333,
        "override_rate": 0.3333,
        "median_edit_share": 0.4,  # 3 of 5 words kept on each side: 1 - 6/10
        "citations_helpful": 0,
        "citations_wrong": 1,
        "llm_fallback_rate": 0.0,
        "latency_ms_p50": 200.0,
        "latency_ms_p95": 400.0,
    }
    assert (tier2["key"], tier2["suggestions"], tier2["abstention_rate"]) == ("tier2", 1, 1.0)
    assert (tier2["decided_share"], tier2["accept_rate"], tier2["latency_ms_p50"]) == (
        0.0,
        None,
        300.0,
    )
    totals = report["totals"]
    assert (totals["suggestions"], totals["latency_ms_p50"], totals["latency_ms_p95"]) == (
        4,
        200.0,
        400.0,
    )


def test_a_longer_window_and_a_team_filter(analytics: Analytics) -> None:
    report = analytics.usage(scope("90d", team="tier1", group_by="channel"), TIER1).to_dict()
    assert [(g["key"], g["suggestions"]) for g in report["groups"]] == [("http", 3), ("slack", 1)]
    assert report["totals"]["citations_wrong"] == 2
    assert report["totals"]["latency_ms_p95"] == 900.0


def test_grouped_by_lead_document_a_restricted_one_is_a_count(analytics: Analytics) -> None:
    groups = analytics.usage(scope("30d", group_by="document"), TIER1).groups
    assert [(g.key, g.suggestions) for g in groups] == [
        ("kb-a", 2),
        ("(restricted)", 1),
        ("kb-b", 1),
    ]
    tier2 = analytics.usage(scope("30d", group_by="document"), Audience.agent("tier2")).groups
    assert "kb-secret" in [g.key for g in tier2]


def test_grouped_by_day(analytics: Analytics) -> None:
    groups = analytics.usage(scope("90d", group_by="day"), TIER1).groups
    assert [g.suggestions for g in groups] == [1, 4]  # sorted by day: 60 days ago, then today
    assert all(len(g.key) == 10 and g.key[4] == "-" for g in groups)


def test_per_document(analytics: Analytics) -> None:
    report = analytics.documents(scope("30d"), TIER1).to_dict()
    docs = {d["doc_id"]: d for d in report["rows"]}
    assert set(docs) == {"kb-a", "kb-b"}
    a = docs["kb-a"]
    assert (a["title"], a["owner"], a["retrieved"], a["cited"]) == ("Refunds", "ana", 2, 2)
    assert (a["cited_accepted"], a["cited_overridden"], a["rated_wrong"]) == (1, 1, 1)
    assert [d["doc_id"] for d in report["stale_cited"]] == ["kb-b"]
    assert report["restricted"]["documents"] == 1 and report["restricted"]["retrieved"] == 1
    assert [d["doc_id"] for d in report["never_cited"]] == ["kb-c", "kb-d"]  # kb-c: not lately
    assert report["never_cited_restricted"] == 1
    assert "Tier 2 only" not in str(report)


def test_an_empty_window_is_an_empty_report(analytics: Analytics) -> None:
    empty = analytics.usage(scope("1m"), TIER1).to_dict()
    assert empty["groups"] == [] and empty["totals"]["suggestions"] == 0
    assert empty["totals"]["abstention_rate"] is None
    assert analytics.report(scope("1m"), TIER1)["documents"]["rows"] == []
