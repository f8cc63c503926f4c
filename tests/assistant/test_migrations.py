"""The suggestion database's migrations: a database made before they existed is brought up to
date on first use, and keeps everything it held."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from assistant import migrations
from assistant.records import DecisionIn
from assistant.service import SupportService
from assistant.suggestion_db import SqlSuggestionStore
from tests.assistant.test_service import FakeAssistant, run_threads

# The schema as the first release created it (SQLAlchemy's create_all, before migrations).
FIRST_RELEASE = """
CREATE TABLE suggestions (
    id VARCHAR(32) NOT NULL, channel VARCHAR(16) NOT NULL, asker TEXT NOT NULL,
    audience JSON NOT NULL, request JSON NOT NULL, retrieved JSON NOT NULL,
    suggestion JSON NOT NULL, latency_ms FLOAT NOT NULL, created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_suggestions_created_at ON suggestions (created_at);
CREATE TABLE decisions (
    seq INTEGER NOT NULL, id VARCHAR(32) NOT NULL, suggestion_id VARCHAR(32) NOT NULL,
    action VARCHAR(16) NOT NULL, agent VARCHAR(200) NOT NULL, text TEXT, diff TEXT, reason TEXT,
    citation_index INTEGER, rating VARCHAR(16), request_key VARCHAR(255) NOT NULL,
    created_at DATETIME NOT NULL, PRIMARY KEY (seq), UNIQUE (id),
    FOREIGN KEY(suggestion_id) REFERENCES suggestions (id), UNIQUE (request_key)
);
CREATE INDEX ix_decisions_suggestion_id ON decisions (suggestion_id);
INSERT INTO suggestions VALUES (
    's0', 'http', 'amelia', '{"teams": [], "customer_facing": false}', '{"question": "q"}',
    '[]', '{"answer": "Refund it [1].", "confidence": 0.8}', 3.0, '2026-03-01 12:00:00'
);
INSERT INTO decisions VALUES (
    1, 'd0', 's0', 'edit', 'amelia', 'Refund it now [1].', '--- suggestion', NULL, NULL, NULL,
    'sha256:old', '2026-03-01 12:05:00'
);
"""


def test_a_first_release_database_is_migrated_and_keeps_its_decisions(tmp_path: Path) -> None:
    path = tmp_path / "kbassist.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(FIRST_RELEASE)
    store = SqlSuggestionStore(f"sqlite:///{path}")
    service = SupportService(FakeAssistant(), store)
    record, [old] = service.get("s0")
    assert record.suggestion.answer == "Refund it [1]."
    assert (old.text, old.reply_text, old.actions_done) == ("Refund it now [1].", None, None)
    new = service.decide("s0", DecisionIn(action="edit", agent="tom", reply_text="Hi")).decision
    assert service.get("s0")[1] == [old, new]
    columns = {c["name"] for c in inspect(store.engine).get_columns("decisions")}
    assert {"reply_text", "reply_diff", "actions_done"} <= columns
    with store.engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == ScriptDirectory.from_config(migrations.config()).get_current_head()


def test_a_new_database_gets_the_whole_schema_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kbassist.db'}"
    first, second = SqlSuggestionStore(url), SqlSuggestionStore(url)  # two processes
    first.ping()
    second.ping()  # finds the schema current; nothing is applied twice
    assert set(inspect(first.engine).get_table_names()) == {
        "suggestions",
        "decisions",
        "deliveries",
        "document_writes",
        "suggestion_documents",
        "drafts",  # migration 0006
        "alembic_version",
    }


def test_a_delivery_is_first_once_across_stores_until_it_expires(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kbassist.db'}"
    workers = [SqlSuggestionStore(url) for _ in range(2)]  # two workers on one database
    firsts: list[bool] = []

    def deliver(n: int) -> None:
        firsts.append(workers[n % 2].first_delivery("zendesk:evt-1", ttl_s=60))

    assert run_threads(6, deliver) == []
    assert firsts.count(True) == 1
    assert workers[0].first_delivery("zendesk:evt-2", ttl_s=60)
    assert workers[1].first_delivery("zendesk:evt-3", ttl_s=-1)  # kept until it expires...
    assert workers[1].first_delivery("zendesk:evt-3", ttl_s=60)  # ...which it already has
