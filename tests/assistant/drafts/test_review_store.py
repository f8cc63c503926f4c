"""The review queue's table: a database made before migration 0006 is upgraded in place and keeps
its suggestions; a state change is compare-and-set, so two reviewers cannot both approve."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect

from assistant import migrations
from assistant.drafts.model import Draft, Source
from assistant.drafts.review import DraftStore
from assistant.suggestion_db import SqlSuggestionStore


def _draft() -> Draft:
    now = datetime.now(UTC)
    return Draft(
        id="d1",
        kind="article",
        title="Portal links",
        markdown="---\nid: kb-draft-d1\n---\n# Portal links\n",
        sources=[Source(kind="ticket", id="ticket-1", visibility="team:tier2")],
        source_visibilities=["team:tier2"],
        visibility="team:tier2",
        created_at=now,
        updated_at=now,
    )


def test_an_older_database_is_upgraded_in_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kbassist.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrations.config(conn), "0005")
        conn.exec_driver_sql(
            "INSERT INTO suggestions (id, channel, asker, audience, request, retrieved, "
            "suggestion, latency_ms, created_at) VALUES ('s0', 'cli', 'amelia', "
            """'{"teams": [], "customer_facing": false}', '{"question": "q"}', '[]', """
            """'{"answer": "a", "confidence": 0.5}', 1.0, '2026-03-01 12:00:00')"""
        )
    assert "drafts" not in inspect(engine).get_table_names()
    suggestions = SqlSuggestionStore(url)
    drafts = DraftStore(suggestions)
    drafts.add(_draft())
    assert "drafts" in inspect(suggestions.engine).get_table_names()
    saved = suggestions.load("s0")
    assert saved is not None and saved.record.suggestion.answer == "a"
    stored = drafts.get("d1")
    assert stored is not None and stored.sources[0].visibility == "team:tier2"


def test_a_state_change_is_compare_and_set(tmp_path: Path) -> None:
    drafts = DraftStore(SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}"))
    draft = _draft()
    drafts.add(draft)
    first = draft.model_copy(update={"state": "approved", "reviewer": "amelia"})
    second = draft.model_copy(update={"state": "approved", "reviewer": "tom"})
    assert drafts.save(first, expect_state="open")
    assert not drafts.save(second, expect_state="open")
    stored = drafts.get("d1")
    assert stored is not None and stored.reviewer == "amelia"
    assert [d.id for d in drafts.list(("approved",))] == ["d1"]
    assert drafts.list(("open",)) == []
