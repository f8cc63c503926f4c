"""kbassist review-due's report: what is due, by owner, the most cited first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.compose import Services
from assistant.errors import ErrorCode, KbassistError
from assistant.governance.review_due import ReviewDueReport, parse_days, review_due
from assistant.records import Channel, RetrievedRef, SuggestionRecord
from assistant.settings import Settings
from assistant.suggestion import AskRequest, Citation, Suggestion
from assistant.suggestion_db import SqlSuggestionStore
from assistant.types import Audience
from tests.assistant.governance.corpus import PAST, SOON


def cite(
    store: SqlSuggestionStore, doc_id: str, *, days_ago: int = 1, channel: Channel = "cli"
) -> None:
    citation = Citation(
        index=1,
        doc_id=doc_id,
        title=doc_id,
        source_type="article",
        chunk_id=f"{doc_id}#0",
        snippet="…",
    )
    store.save(
        SuggestionRecord(
            id=uuid.uuid4().hex,
            channel=channel,
            asker="amelia",
            request=AskRequest(question="?"),
            retrieved=[RetrievedRef(chunk_id=f"{doc_id}#0", doc_id=doc_id, score=0.5)],
            suggestion=Suggestion(answer="a [1]", citations=[citation], confidence=0.5),
            latency_ms=1.0,
            created_at=datetime.now(UTC) - timedelta(days=days_ago),
        ),
        Audience.agent(),
    )


@pytest.fixture
def suggestions(tmp_path: Path) -> SqlSuggestionStore:
    return SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")


def owners(report: ReviewDueReport) -> dict[str, list[str]]:
    return {o.owner: [d.doc_id for d in o.documents] for o in report.owners}


@pytest.mark.slow
def test_due_documents_are_grouped_by_owner_the_most_cited_first(
    governance_services: Services, suggestions: SqlSuggestionStore
) -> None:
    for _ in range(3):
        cite(suggestions, "kb-lock-a")
    cite(suggestions, "kb-reset-a")
    cite(suggestions, "kb-reset-a", channel="eval")  # an evaluation run is not use
    cite(suggestions, "kb-reset-a", days_ago=200)  # too long ago
    cite(suggestions, "kb-reset-a", days_ago=200)
    report = review_due(governance_services.store, suggestions, Audience.agent("tier2"))
    # kb-reset-a is overdue and kb-lock-a only due soon, but kb-lock-a is cited more
    assert owners(report) == {
        "amelia.chen": ["kb-lock-a", "kb-reset-a"],
        "sec-team": ["kb-lock-b"],
        "billing-team": ["kb-credit-a"],
    }
    # the most cited owner first, then by name
    assert [o.owner for o in report.owners] == ["amelia.chen", "billing-team", "sec-team"]
    first, second = report.owners[0].documents
    assert (first.citations, second.citations) == (3, 1)
    assert first.review_by.isoformat() == SOON and first.days_left == 10
    assert second.review_by.isoformat() == PAST and second.days_left == -30
    assert report.hidden == 0


@pytest.mark.slow
def test_within_widens_the_window_and_zero_keeps_the_overdue_only(
    governance_services: Services, suggestions: SqlSuggestionStore
) -> None:
    audience = Audience.agent("tier2")
    overdue = review_due(governance_services.store, suggestions, audience, within_days=0)
    assert owners(overdue) == {"amelia.chen": ["kb-reset-a"], "sec-team": ["kb-lock-b"]}
    everything = review_due(governance_services.store, suggestions, audience, within_days=400)
    assert sum(len(o.documents) for o in everything.owners) == 10


@pytest.mark.slow
def test_another_teams_documents_are_counted_not_shown_and_their_owner_is_unknown(
    governance_services: Services, suggestions: SqlSuggestionStore
) -> None:
    report = review_due(governance_services.store, suggestions, Audience.agent("tier1"))
    assert "sec-team" not in owners(report) and report.hidden == 1
    with pytest.raises(KbassistError) as raised:
        review_due(governance_services.store, suggestions, Audience.agent(), owner="sec-team")
    assert raised.value.code == ErrorCode.NOT_FOUND and "--owner" in raised.value.detail


@pytest.mark.slow
def test_one_owners_report(governance_services: Services, suggestions: SqlSuggestionStore) -> None:
    report = review_due(
        governance_services.store, suggestions, Audience.agent(), owner="billing-team"
    )
    assert owners(report) == {"billing-team": ["kb-credit-a"]}
    nothing_due = review_due(
        governance_services.store, suggestions, Audience.agent(), owner="sofia.martins"
    )
    assert nothing_due.owners == [] and nothing_due.documents == 10 - 1


def test_an_empty_store_gives_an_empty_report(settings: Settings) -> None:
    services = Services(settings)
    report = review_due(services.store, services.suggestion_store, Audience.agent())
    assert report.owners == [] and report.documents == 0 and report.hidden == 0


@pytest.mark.parametrize(("text", "days"), [("14d", 14), ("2w", 14), ("14", 14), ("0d", 0)])
def test_spans_are_days_or_weeks(text: str, days: int) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "14x", "-3d", "two weeks", "14 days"])
def test_a_bad_span_names_the_option(text: str) -> None:
    with pytest.raises(KbassistError) as raised:
        parse_days(text, "--within")
    assert raised.value.code == ErrorCode.BAD_INPUT
    assert raised.value.detail.startswith("--within:") and "14d" in raised.value.detail
