"""A decision posted while the suggestion database cannot grow: a clear 503 (no traceback, no
database text), nothing half-recorded, the server stays up, and decisions go through again once
there is room.

SQLite's own size cap (``PRAGMA max_page_count``, set on each connection of the server's engine
to the pages the database has now) makes the database unable to grow: SQLite then fails a write
with SQLITE_FULL, "database or disk is full", as it does on a full disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from tests.integrations.http.conftest import TIER1, LiveServer, error_of

pytestmark = pytest.mark.slow


def test_a_decision_with_no_room_is_a_clear_503_and_the_server_stays_up(
    client: httpx.Client, live: LiveServer
) -> None:
    body = {"question": "A customer was charged twice, what do I do?"}
    created = client.post("/v1/suggestions", json=body, headers=TIER1)
    assert created.status_code == 201, created.text
    url = f"/v1/suggestions/{created.json()['id']}"
    engine = live.services.suggestion_store.engine
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", cap)
    engine.dispose()  # every connection from now on is capped
    acknowledged: list[str] = []
    try:
        for i in range(500):
            decision = {"action": "accept", "agent": "amelia", "request_id": f"r{i}"}
            response = client.post(f"{url}/decision", json=decision, headers=TIER1)
            if response.status_code != 201:
                break
            acknowledged.append(f"r{i}")
        assert response.status_code == 503, response.text
        error = error_of(response)
        folder = Path(live.services.settings.data_dir)
        assert error["code"] == "store_unavailable"
        assert error["detail"].startswith(f"no space left on the device holding {folder} ")
        assert "nothing was recorded; free space and run it again" in error["detail"]
        assert "database or disk is full" not in response.text

        assert client.get("/healthz").status_code == 200  # the server is up
        saved = client.get(url, headers=TIER1)
        assert saved.status_code == 200  # and reads still work
        assert len(saved.json()["decisions"]) == len(acknowledged)  # each 201, nothing more
    finally:
        event.remove(engine, "connect", cap)
        engine.dispose()

    again = client.post(f"{url}/decision", json=decision, headers=TIER1)  # with room again
    assert again.status_code == 201, again.text
    assert len(client.get(url, headers=TIER1).json()["decisions"]) == len(acknowledged) + 1
