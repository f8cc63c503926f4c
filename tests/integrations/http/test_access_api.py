"""API keys and audiences through a real server: 401s, and team content kept to its team."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.integrations.http.conftest import KEYS, TIER1, TIER2, error_of

pytestmark = pytest.mark.slow

RESTRICTED = "kb-3"  # "Restore a deleted invoice", visibility team:tier2
RESTORE = "How do I restore a deleted invoice?"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key"},
        {"X-API-Key": "wrong-key"},
        {"Authorization": "Basic dGllcjE6eA=="},
        {"Authorization": "Bearer"},
    ],
)
def test_a_request_without_a_valid_key_is_401(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    for response in (
        client.post("/v1/suggestions", json={"question": "q"}, headers=headers),
        client.get("/v1/suggestions/abc", headers=headers),
        client.post("/v1/suggestions/abc/decision", json={}, headers=headers),
        client.get("/v1/search", params={"q": "refund"}, headers=headers),
        client.post("/v1/documents", files={"file": ("a.md", b"x")}, headers=headers),
    ):
        assert response.status_code == 401, response.request.url
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_health_docs_and_the_sidebar_need_no_key(client: httpx.Client) -> None:
    for path in ("/healthz", "/readyz", "/openapi.json", "/docs", "/sidebar"):
        assert client.get(path).status_code not in (401, 403), path


def search_ids(client: httpx.Client, headers: dict[str, str]) -> set[str]:
    response = client.get("/v1/search", params={"q": RESTORE, "k": 10}, headers=headers)
    assert response.status_code == 200, response.text
    return {hit["doc_id"] for hit in response.json()}


def test_search_never_returns_another_teams_document(client: httpx.Client) -> None:
    assert RESTRICTED not in search_ids(client, TIER1)
    assert RESTRICTED in search_ids(client, TIER2)
    assert RESTRICTED in search_ids(client, {"Authorization": "bearer tier2-secret-key"})


def suggest(client: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/v1/suggestions", json={"question": RESTORE}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_suggestions_never_use_another_teams_document(client: httpx.Client) -> None:
    tier1 = suggest(client, TIER1)
    assert RESTRICTED not in {c["doc_id"] for c in tier1["citations"]}
    assert "engineering ticket" not in (tier1["answer"] + tier1["reply_draft"]).lower()
    tier2 = suggest(client, TIER2)
    assert RESTRICTED in {c["doc_id"] for c in tier2["citations"]}


def test_a_suggestion_is_read_only_by_an_audience_that_could_see_it(
    client: httpx.Client,
) -> None:
    tier2 = suggest(client, TIER2)
    path = f"/v1/suggestions/{tier2['id']}"
    assert client.get(path, headers=TIER2).status_code == 200
    hidden = client.get(path, headers=TIER1)
    assert hidden.status_code == 404 and error_of(hidden)["code"] == "not_found"
    decided = client.post(
        f"{path}/decision", json={"action": "accept", "agent": "a"}, headers=TIER1
    )
    assert decided.status_code == 404


def test_keys_never_reach_the_logs(client: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.get("/v1/search", params={"q": "refund"}, headers=TIER1)
    client.get("/v1/search", params={"q": "refund"}, headers={"X-API-Key": "wrong-secret"})
    client.post("/v1/suggestions", json={"question": "refund?"}, headers=TIER2)
    for key in (*KEYS, "wrong-secret"):
        assert key not in caplog.text
