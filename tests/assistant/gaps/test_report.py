"""The gap report on a hand-made history: clusters by meaning, ranking by impact, what an admin
of some teams may see, and bad parameters. The embedding model is replaced by topic vectors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import KbassistError
from assistant.gaps import GapReporter
from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from assistant.types import Audience, Query, RetrievedChunk
from tests.assistant.gaps.history import accept, add, override

TOPICS = ("budget", "mileage", "paypal", "refund")


class TopicEmbedder:
    """A vector per topic word in the text (questions of one topic point the same way)."""

    model_id = "topics"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        rows = []
        for i, text in enumerate(texts):
            row = [1.0 if topic in text.lower() else 0.0 for topic in TOPICS]
            row.append(0.05 * (i % 3))  # paraphrases are not identical
            rows.append(row)
        return rows

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class Nearest:
    """The nearest documents: a refund article close to 'refund', nothing close to the rest."""

    def __init__(self) -> None:
        self.audiences: list[Audience] = []

    def retrieve_vector(self, vector: list[float], query: Query) -> list[RetrievedChunk]:
        self.audiences.append(query.audience)
        similarity = float(np.dot(vector, [0, 0, 0, 1, 0]))
        meta = {"title": "Refunds", "owner": "ana", "url": "https://help/kb-1"}
        return [
            RetrievedChunk("kb-1#0", "kb-1", "refund text", meta, max(similarity, 0.2)),
            RetrievedChunk("kb-1#1", "kb-1", "more refund text", meta, 0.1),
        ]


@pytest.fixture
def store(tmp_path: Path) -> SqlSuggestionStore:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    service = SupportService(assistant=None, suggestions=store)  # type: ignore[arg-type]
    history = [  # (question, asker, teams)
        ("Do we have budget reports?", "ana", ("tier1",)),
        ("How to set a budget per department", "bo", ("tier1",)),
        ("Budget versus actuals", "cy", ("tier1",)),
        ("Budget for marketing, mail jane@example.org", "ana", ("tier1",)),
        ("Mileage claims for a client visit", "ana", ("tier1",)),
        ("Track mileage automatically?", "ana", ("tier1",)),
        ("Mileage in kilometres", "ana", ("tier1",)),
        ("PayPal button on invoices", "dee", ("tier2",)),
        ("Connect PayPal", "eli", ("tier2",)),
        ("Refund after a double charge", "bo", ("tier1",)),
        ("Refund a payment twice captured", "cy", ("tier1",)),
    ]
    for i, (question, asker, teams) in enumerate(history):
        add(service, store, f"s{i}", question, override(asker), asker=asker, teams=teams)
    add(service, store, "fine", "Refund a charge", accept(), asker="ana")
    return store


def reporter(store: SqlSuggestionStore, nearest: Nearest | None = None) -> GapReporter:
    return GapReporter(store, TopicEmbedder(), nearest or Nearest())  # type: ignore[arg-type]


def test_clusters_by_meaning_ranked_by_occurrences_times_askers(store: SqlSuggestionStore) -> None:
    report = reporter(store).report(Audience.agent("tier1", "tier2"))
    summary = [(c.rank, c.size, c.askers, c.impact) for c in report.clusters]
    # budget: 4 questions x 3 askers; mileage 3 x 1; paypal 2 x 2; refund 2 x 2
    assert summary[0] == (1, 4, 3, 12)
    assert summary[1][1:] == (2, 2, 4) and summary[2][1:] == (2, 2, 4)
    assert summary[3] == (4, 3, 1, 3)
    assert report.poorly_served == 11 and report.clustered == 11
    budget = report.clusters[0]
    assert all("budget" in q.text.lower() for q in budget.questions)
    assert budget.reasons == {"overridden": 4}
    assert 3 <= len(budget.examples) <= 5
    assert budget.first_seen <= budget.last_seen
    assert budget.trend.earlier + budget.trend.recent == 4


def test_examples_are_redacted(store: SqlSuggestionStore) -> None:
    budget = reporter(store).report(Audience.agent("tier1")).clusters[0]
    shown = " ".join(budget.examples + [q.text for q in budget.questions])
    assert "jane@example.org" not in shown
    assert "[EMAIL]" in shown


def test_other_teams_questions_are_counted_never_shown(store: SqlSuggestionStore) -> None:
    nearest = Nearest()
    report = reporter(store, nearest).report(Audience.agent("tier1"))
    paypal = next(c for c in report.clusters if c.hidden)
    assert (paypal.size, paypal.hidden, paypal.questions, paypal.examples) == (2, 2, [], [])
    assert paypal.label == ""
    assert (paypal.teams, paypal.other_teams) == ([], 1)
    assert "paypal" not in report.model_dump_json().lower()
    assert set(nearest.audiences) == {Audience.agent("tier1")}  # documents searched as the reader


def test_closest_documents_tell_missing_from_exists_but_fails(store: SqlSuggestionStore) -> None:
    clusters = reporter(store).report(Audience.agent("tier1", "tier2")).clusters
    refund = next(c for c in clusters if "refund" in c.label.lower())
    mileage = next(c for c in clusters if "mileage" in c.label.lower())
    assert refund.verdict == "exists_but_fails"
    assert [(d.doc_id, d.owner) for d in refund.documents] == [("kb-1", "ana")]
    assert mileage.verdict == "missing"


def test_min_size_and_limit(store: SqlSuggestionStore) -> None:
    report = reporter(store).report(Audience.agent("tier1", "tier2"), min_size=3, limit=1)
    assert [(c.rank, c.size) for c in report.clusters] == [(1, 4)]


@pytest.mark.parametrize(("min_size", "limit", "field"), [(0, 5, "min_size"), (2, 0, "limit")])
def test_bad_parameters_name_the_field(
    store: SqlSuggestionStore, min_size: int, limit: int, field: str
) -> None:
    with pytest.raises(KbassistError) as raised:
        reporter(store).report(Audience.agent(), min_size=min_size, limit=limit)
    assert raised.value.detail.startswith(f"{field}:")


def test_an_empty_store_gives_an_empty_report(tmp_path: Path) -> None:
    empty = SqlSuggestionStore(f"sqlite:///{tmp_path / 'empty.db'}")
    report = reporter(empty).report(Audience.agent("tier1"))
    assert (report.poorly_served, report.clusters) == (0, [])


def test_the_trend_compares_the_earlier_and_the_recent_half(tmp_path: Path) -> None:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'trend.db'}")
    service = SupportService(assistant=None, suggestions=store)  # type: ignore[arg-type]
    for i, days in enumerate([10, 1, 0.5, 0.2]):
        question = f"budget question {i}"
        add(service, store, f"b{i}", question, override(), age=timedelta(days=days))
    for i, days in enumerate([9, 8.5, 8, 1]):
        question = f"mileage question {i}"
        add(service, store, f"m{i}", question, override(), age=timedelta(days=days))
    clusters = reporter(store).report(Audience.agent("tier1"), min_size=2).clusters
    trends = {
        c.label.split()[0]: (c.trend.earlier, c.trend.recent, c.trend.direction) for c in clusters
    }
    assert trends == {"budget": (1, 3, "rising"), "mileage": (3, 1, "falling")}
