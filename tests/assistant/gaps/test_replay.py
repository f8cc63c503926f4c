"""Replaying a labelled log: what is asked, what is decided, and the stores it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.assist import SuggestResult
from assistant.errors import ErrorCode, KbassistError
from assistant.gaps.replay import Replayer, channel_counts
from assistant.gaps.traffic import load_traffic
from assistant.service import SupportService
from assistant.suggestion import AskRequest, Suggestion
from assistant.suggestion_db import DECISIONS, SUGGESTIONS, SqlSuggestionStore
from assistant.types import Audience
from tests.assistant.gaps.history import accept, add

LOG = """\
agents: {priya: [tier1], sam: [tier2]}
topics:
  - id: refunds
    covered: true
    decision: accept
    askers: [priya, sam]
    answer: Refund from Payments.
    questions: [refund a double charge, refund a payment, refund with no answer]
  - id: notes
    covered: true
    decision: edit
    askers: [sam]
    answer: Add the invoice number.
    questions: [credit note]
  - id: budgets
    covered: false
    decision: override
    askers: [priya]
    reason: not in the knowledge base
    answer: Budgets are not available.
    questions: [budget report]
"""


class Answers:
    """Answers every question except those that say 'no answer' (abstains)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Audience]] = []

    def suggest(self, request: AskRequest, audience: Audience) -> SuggestResult:
        self.asked.append((request.text(), audience))
        if "no answer" in request.text():
            return SuggestResult(Suggestion(answer="", confidence=0.1, abstained=True), [], "", 1)
        return SuggestResult(Suggestion(answer="Refund it.", confidence=0.9), [], "", 1.0)


@pytest.fixture
def store(tmp_path: Path) -> SqlSuggestionStore:
    return SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "traffic.yaml"
    path.write_text(LOG)
    return path


def test_every_question_is_asked_and_decided_on_channel_replay(
    store: SqlSuggestionStore, log: Path
) -> None:
    answers = Answers()
    service = SupportService(answers, store)
    seen: list[tuple[int, int]] = []
    report = Replayer(service, store).replay(
        load_traffic(log), progress=lambda done, total: seen.append((done, total))
    )
    assert report.to_dict() == {
        "questions": 5,
        "abstained": 1,
        "decisions": {"accept": 2, "edit": 1, "override": 2},
        "skipped": False,
    }
    assert seen[-1] == (5, 5)
    assert ("refund a payment", Audience.agent("tier2")) in answers.asked  # askers take turns
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                SUGGESTIONS.c.channel, SUGGESTIONS.c.asker, DECISIONS.c.action, DECISIONS.c.text
            ).join(DECISIONS, DECISIONS.c.suggestion_id == SUGGESTIONS.c.id)
        ).all()
    assert sorted(tuple(r) for r in rows) == sorted(
        [
            ("replay", "priya", "accept", None),
            ("replay", "sam", "accept", None),
            ("replay", "priya", "override", "Refund from Payments."),  # an abstention is overridden
            ("replay", "sam", "edit", "Refund it.\n\nAdd the invoice number."),
            ("replay", "priya", "override", "Budgets are not available."),
        ]
    )


def test_questions_are_spread_over_the_last_days(store: SqlSuggestionStore, log: Path) -> None:
    Replayer(SupportService(Answers(), store), store).replay(load_traffic(log), days=14)
    with store.engine.connect() as conn:
        times = conn.execute(select(SUGGESTIONS.c.created_at)).scalars().all()
    now = datetime.now(UTC)
    assert all(now - timedelta(days=14) <= t <= now for t in times)
    assert len({t.date() for t in times}) >= 4  # 5 questions over 14 days


def test_a_store_with_real_traffic_is_refused_unless_forced(
    store: SqlSuggestionStore, log: Path
) -> None:
    service = SupportService(Answers(), store)
    add(service, store, "real", "a real question", accept(), channel="slack")
    with pytest.raises(KbassistError) as raised:
        Replayer(service, store).replay(load_traffic(log))
    assert raised.value.code == ErrorCode.CONFLICT
    assert "slack (1)" in raised.value.detail and "--force" in raised.value.detail
    assert channel_counts(store) == {"slack": 1}
    Replayer(service, store).replay(load_traffic(log), force=True)
    assert channel_counts(store) == {"slack": 1, "replay": 5}


def test_once_replays_into_a_store_only_the_first_time(
    store: SqlSuggestionStore, log: Path
) -> None:
    replayer = Replayer(SupportService(Answers(), store), store)
    assert not replayer.replay(load_traffic(log), once=True).skipped
    assert replayer.replay(load_traffic(log), once=True).skipped
    assert channel_counts(store) == {"replay": 5}
