"""Local use through a real server: no keys configured, so none is asked for; the caller is an
agent of no team (public and internal content, never a team's)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server_settings() -> dict[str, Any]:
    return {}


def test_no_key_is_needed_and_team_content_stays_hidden(client: httpx.Client) -> None:
    hits = client.get("/v1/search", params={"q": "restore a deleted invoice", "k": 10})
    assert hits.status_code == 200
    assert "kb-3" not in {hit["doc_id"] for hit in hits.json()}
    created = client.post("/v1/suggestions", json={"question": "charged twice, what now?"})
    assert created.status_code == 201
    assert created.json()["citations"]
    saved = client.get(f"/v1/suggestions/{created.json()['id']}")
    assert saved.status_code == 200


def test_a_key_sent_anyway_is_ignored(client: httpx.Client) -> None:
    response = client.get("/v1/search", params={"q": "refund"}, headers={"X-API-Key": "any"})
    assert response.status_code == 200
