"""Votes read back from the suggestion store: ratings per citation document and the outcomes of
the answers a document was cited in, per asker's team."""

from __future__ import annotations

from pathlib import Path

from assistant.access import Audience
from assistant.records import DecisionIn
from assistant.retrieval.feedback import Votes
from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from assistant.tuning.votes import SqlVotes
from tests.assistant.test_service import FakeAssistant, make_record


def test_ratings_and_outcomes_become_votes_per_team(tmp_path: Path) -> None:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    service = SupportService(FakeAssistant(), store)
    cases: list[tuple[str, list[tuple[str, int | None, str | None]]]] = [
        ("tier1", [("rate_citation", 1, "wrong"), ("override", None, None)]),
        ("tier1", [("rate_citation", 1, "wrong"), ("rate_citation", 2, "helpful")]),
        ("tier2", [("accept", None, None)]),
    ]
    for n, (team, decisions) in enumerate(cases):
        store.save(make_record(f"s{n}"), Audience.agent(team))  # cites kb-1 [1] and kb-2 [2]
        for action, index, rating in decisions:
            text = "Our own answer." if action == "override" else None
            decision = DecisionIn.model_validate(
                {"action": action, "agent": "a", "citation_index": index, "rating": rating}
                | ({"text": text, "reason": "wrong article"} if text else {})
            )
            service.decide(f"s{n}", decision)
    assert SqlVotes(store).document_votes() == [
        Votes("kb-1", "tier1", up=0.0, down=2.5),  # two wrong ratings, one overridden answer
        Votes("kb-1", "tier2", up=0.5, down=0.0),  # cited in an accepted answer
        Votes("kb-2", "tier1", up=1.0, down=0.5),
        Votes("kb-2", "tier2", up=0.5, down=0.0),
    ]


def test_the_same_rating_repeated_on_one_suggestion_counts_once(tmp_path: Path) -> None:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    service = SupportService(FakeAssistant(), store)
    store.save(make_record("s1"), Audience.agent("tier1"))
    for _ in range(5):
        decision = DecisionIn(action="rate_citation", agent="a", citation_index=1, rating="wrong")
        service.decide("s1", decision)
    assert SqlVotes(store).document_votes() == [Votes("kb-1", "tier1", up=0.0, down=1.0)]


def test_an_empty_store_has_no_votes(tmp_path: Path) -> None:
    assert SqlVotes(SqlSuggestionStore(f"sqlite:///{tmp_path / 'k.db'}")).document_votes() == []
