"""The feedback prior end to end: agents' ratings in the suggestion store move the next
suggestion's ranking, and the prior is kept with the record's retrieval signals."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.compose import Services
from assistant.records import DecisionIn
from assistant.settings import Settings
from assistant.suggestion import AskRequest
from assistant.types import Audience
from tests.conftest import write_tiny_kb

pytestmark = pytest.mark.slow


def test_wrong_ratings_reach_the_next_suggestions_signals(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    first = Services(settings)
    first.ingestor.sync([write_tiny_kb(tmp_path / "kb")])
    ask = AskRequest(question="A customer was charged twice for one invoice")
    tier1 = Audience.agent("tier1")
    records = [first.service.suggest(ask, tier1, "cli", "amelia") for _ in range(3)]
    assert all("feedback" not in ref.signals for ref in records[0].retrieved)
    assert "dense" in records[0].retrieved[0].signals
    cited = records[0].suggestion.citations[0]
    for record in records:
        rating = DecisionIn(
            action="rate_citation", agent="amelia", citation_index=cited.index, rating="wrong"
        )
        first.service.decide(record.id, rating)

    later = Services(settings).service.suggest(ask, tier1, "cli", "amelia")
    signals = {ref.doc_id: ref.signals for ref in later.retrieved}
    assert signals[cited.doc_id]["feedback"] < 0
    assert all("feedback" not in s for doc, s in signals.items() if doc != cited.doc_id)
    loaded = Services(settings).service.get(later.id)[0]
    assert loaded.retrieved == later.retrieved  # kept with the record
