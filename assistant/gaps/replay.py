"""Replay a labelled question log through the real assistant (``SupportService.suggest`` and
``decide``), recording every suggestion and decision on channel ``replay``.

The demo data this makes must not mix with real traffic: a store that holds other channels'
records is refused unless forced.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from assistant.errors import ErrorCode, KbassistError
from assistant.gaps.traffic import Asked, Traffic
from assistant.records import Channel, DecisionIn
from assistant.service import SupportService
from assistant.suggestion import AskRequest
from assistant.suggestion_db import SUGGESTIONS, SqlSuggestionStore
from assistant.types import Audience

CHANNEL: Channel = "replay"


@dataclass
class ReplayReport:
    questions: int = 0
    abstained: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    skipped: bool = False  # --once and the store already held replayed traffic

    def to_dict(self) -> dict[str, object]:
        return {
            "questions": self.questions,
            "abstained": self.abstained,
            "decisions": dict(sorted(self.decisions.items())),
            "skipped": self.skipped,
        }


def channel_counts(store: SqlSuggestionStore) -> dict[str, int]:
    """Suggestions recorded per channel."""
    s = SUGGESTIONS.c
    store.ping()
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.channel, func.count()).group_by(s.channel)).all()
    return {str(channel): int(n) for channel, n in rows}


class Replayer:
    def __init__(self, service: SupportService, store: SqlSuggestionStore) -> None:
        self.service = service
        self.store = store

    def replay(
        self,
        traffic: Traffic,
        force: bool = False,
        once: bool = False,
        progress: Callable[[int, int], None] | None = None,
        days: int = 14,
    ) -> ReplayReport:
        """Ask every question of ``traffic`` and record its decision. The questions are spread
        evenly over the last ``days`` days (0: all now), topics mixed in a fixed order, so that
        the dashboard's charts and the gap trends have days to show."""
        if days < 0:
            raise KbassistError(ErrorCode.BAD_INPUT, "days: must be 0 or more")
        counts = channel_counts(self.store)
        others = {c: n for c, n in counts.items() if c != CHANNEL}
        if others and not force:
            listed = ", ".join(f"{c} ({n})" for c, n in sorted(others.items()))
            raise KbassistError(
                ErrorCode.CONFLICT,
                f"the suggestion store {self.store.where} holds records of other channels: "
                f"{listed}; replaying demo traffic beside them needs --force",
            )
        report = ReplayReport()
        if once and counts.get(CHANNEL):
            report.skipped = True
            return report
        items = list(traffic.items())
        random.Random(13).shuffle(items)  # a fixed mix of topics per day
        total, now = len(items), datetime.now(UTC)
        for done, asked in enumerate(items, 1):
            at = now - timedelta(days=days) * (total - done) / total
            self._one(asked, report, at)
            if progress is not None:
                progress(done, total)
        return report

    def _one(self, asked: Asked, report: ReplayReport, at: datetime) -> None:
        audience = Audience.agent(*asked.teams)
        question = AskRequest(question=asked.question)
        record = self.service.suggest(question, audience, CHANNEL, asked.asker, at=at)
        report.questions += 1
        topic = asked.topic
        abstained = record.suggestion.abstained
        report.abstained += abstained
        if topic.decision == "override" or abstained:
            reason = topic.reason or "the assistant did not answer"
            decision = DecisionIn(
                action="override", agent=asked.asker, text=topic.answer, reason=reason
            )
        elif topic.decision == "edit":
            edited = f"{record.suggestion.answer}\n\n{topic.answer}"
            decision = DecisionIn(action="edit", agent=asked.asker, text=edited)
        else:
            decision = DecisionIn(action="accept", agent=asked.asker)
        self.service.decide(record.id, decision, audience)
        report.decisions[decision.action] += 1
