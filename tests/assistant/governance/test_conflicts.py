"""kbassist conflicts' detector on a seeded corpus and on the sample knowledge base."""

from __future__ import annotations

import pytest

from assistant.compose import Services
from assistant.governance.conflicts import find_conflicts
from assistant.settings import Settings
from assistant.types import Audience
from tests.assistant.governance.corpus import CONFLICTS, LOOK_ALIKES

pytestmark = pytest.mark.slow


def test_all_three_seeded_conflicts_are_found_and_neither_look_alike(
    governance_services: Services,
) -> None:
    report = find_conflicts(governance_services.store, Audience.agent("tier2"))
    found = {c.doc_ids: (c.dimension, {c.first.figure, c.second.figure}) for c in report.conflicts}
    assert found == CONFLICTS
    assert not LOOK_ALIKES & set(found)
    assert report.hidden == 0


def test_a_conflict_with_another_teams_document_is_counted_not_shown(
    governance_services: Services,
) -> None:
    report = find_conflicts(governance_services.store, Audience.agent("tier1"))
    assert {c.doc_ids for c in report.conflicts} == set(CONFLICTS) - {("kb-lock-a", "kb-lock-b")}
    assert report.hidden == 1
    assert "team:tier2" not in str(report.as_dict())


def test_the_sample_kbs_refund_window_conflict_is_found(sample_services: Services) -> None:
    report = find_conflicts(sample_services.store, Audience.agent("billing", "tier1", "tier2"))
    refund = [c for c in report.conflicts if c.doc_ids == ("kb-1025", "kb-1026")]
    assert len(refund) == 1
    assert {refund[0].first.figure, refund[0].second.figure} == {"14 days", "30 days"}
    # every conflict reported there involves the outdated 14-day article
    assert all("kb-1025" in c.doc_ids for c in report.conflicts), report.as_dict()


def test_an_empty_store_has_no_conflicts(settings: Settings) -> None:
    report = find_conflicts(Services(settings).store, Audience.agent())
    assert report.conflicts == [] and report.passages == 0
