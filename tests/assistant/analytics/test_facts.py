"""The analytics columns: written with every suggestion and decision, and back-filled by
migration 0005 for rows made before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select

from assistant.access import Audience
from assistant.analytics.facts import edit_share
from assistant.records import DecisionIn
from assistant.service import SupportService
from assistant.suggestion_db import DECISIONS, SUGGESTION_DOCUMENTS, SUGGESTIONS, SqlSuggestionStore
from tests.assistant.test_migrations import FIRST_RELEASE
from tests.assistant.test_service import FakeAssistant, make_record

OLD_RATED = """
INSERT INTO suggestions VALUES (
    's1', 'slack', 'tom', '{"teams": ["tier2", "billing"], "customer_facing": false}',
    '{"ticket": {"subject": "s", "product": "payments"}}',
    '[{"chunk_id": "kb-2#0", "doc_id": "kb-2", "score": 0.4},
      {"chunk_id": "kb-1#3", "doc_id": "kb-1", "score": 0.3}]',
    '{"answer": "Refund it [1].", "confidence": 0.6, "citations": [{"index": 1,
      "doc_id": "kb-1", "title": "Refunds", "source_type": "article", "chunk_id": "kb-1#3",
      "snippet": "Refund it", "stale": true}]}', 5.0, '2026-03-02 12:00:00'
);
INSERT INTO decisions VALUES (
    2, 'd1', 's1', 'rate_citation', 'tom', NULL, NULL, NULL, 1, 'wrong', 'k1',
    '2026-03-02 12:01:00'
);
INSERT INTO decisions VALUES (
    3, 'd2', 's1', 'accept', 'tom', NULL, NULL, NULL, NULL, NULL, 'k2', '2026-03-02 12:02:00'
);
INSERT INTO decisions VALUES (
    4, 'd3', 's1', 'override', 'tom', 'No.', NULL, 'wrong', NULL, NULL, 'k3',
    '2026-03-02 12:03:00'
);
"""


def test_older_rows_are_back_filled_from_their_json(tmp_path: Path) -> None:
    path = tmp_path / "kbassist.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(FIRST_RELEASE + OLD_RATED)
    store = SqlSuggestionStore(f"sqlite:///{path}")
    store.ping()
    with store.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(SUGGESTIONS)).all()}
        decisions = {r.id: r for r in conn.execute(select(DECISIONS)).all()}
        documents = conn.execute(
            select(SUGGESTION_DOCUMENTS).order_by(SUGGESTION_DOCUMENTS.c.doc_id)
        ).all()
    s1 = rows["s1"]
    assert (s1.team, s1.product, s1.lead_doc_id, s1.source_type) == (
        "billing,tier2",
        "payments",
        "kb-1",
        "article",
    )
    assert (s1.abstained, s1.confidence, s1.outcome) == (False, 0.6, "override")  # latest wins
    assert rows["s0"].outcome == "edit" and rows["s0"].team == ""
    assert decisions["d0"].edit_share == edit_share("Refund it [1].", "Refund it now [1].")
    assert decisions["d1"].doc_id == "kb-1"
    assert [(d.doc_id, d.rank, d.cited, d.stale, d.lead) for d in documents] == [
        ("kb-1", 2, True, True, True),
        ("kb-2", 1, False, False, False),
    ]
    assert {(d.created_at, d.team, d.outcome) for d in documents} == {
        (s1.created_at, "billing,tier2", "override")
    }


def test_a_saved_suggestion_and_its_decisions_fill_the_columns(tmp_path: Path) -> None:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    service = SupportService(FakeAssistant(), store)
    store.save(make_record(), Audience.agent("tier1"))
    service.decide("s1", DecisionIn(action="accept", agent="a"))
    edit = DecisionIn(action="edit", agent="a", text="Something else entirely.")
    service.decide("s1", edit)
    with store.engine.connect() as conn:
        row = conn.execute(select(SUGGESTIONS)).one()
        shares = conn.execute(select(DECISIONS.c.edit_share).order_by(DECISIONS.c.seq)).all()
    assert (row.team, row.outcome, row.lead_doc_id) == ("tier1", "edit", "kb-1")
    assert shares[0].edit_share is None and shares[1].edit_share == 1.0


def test_edit_share_is_the_changed_share_of_the_words() -> None:
    assert edit_share("a b c d", "a b c d") == 0.0
    assert edit_share("a b c d", "a b x y") == 0.5
    assert edit_share("a b", "") == 1.0
    assert edit_share("a", None) is None
