"""Local use through a real server: no keys configured, so none is asked for; the caller is an
agent of no team (public and internal content, never a team's)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integrations.http.conftest import LiveServer

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


ARTICLE = (
    b"---\nid: kb-1\ntitle: Reset\nvisibility: public\n---\n# Reset\n\nMail your password to us.\n"
)


def test_a_foreign_host_is_refused_so_dns_rebinding_reads_nothing(client: httpx.Client) -> None:
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
        response = client.get("/v1/search", params={"q": "refund"}, headers={"Host": host})
        assert response.status_code == 400, host
        assert response.json()["error"]["code"] == "bad_input"
        assert "hits" not in response.text and "doc_id" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_site_write_is_refused_and_changes_nothing(
    client: httpx.Client, live: LiveServer, headers: dict[str, str]
) -> None:
    before = live.services.store.collection.get(where={"doc_id": "kb-1"}, include=["documents"])
    upload = client.post("/v1/documents", files={"file": ("kb-1.md", ARTICLE)}, headers=headers)
    assert upload.status_code == 403
    asked = client.post("/v1/suggestions", json={"question": "refund?"}, headers=headers)
    assert asked.status_code == 403
    after = live.services.store.collection.get(where={"doc_id": "kb-1"}, include=["documents"])
    assert after["documents"] == before["documents"]
    assert "access-control-allow-origin" not in upload.headers


def test_the_servers_own_pages_and_tools_without_an_origin_may_write(
    client: httpx.Client, live: LiveServer
) -> None:
    own = {"Origin": live.base_url}
    created = client.post("/v1/suggestions", json={"question": "charged twice?"}, headers=own)
    assert created.status_code == 201
    cross = client.get(
        "/v1/search", params={"q": "refund"}, headers={"Origin": "https://x.example"}
    )
    assert cross.status_code == 200  # a read: the browser will not hand it to the other site...
    assert "access-control-allow-origin" not in cross.headers  # ...since no CORS is granted
