"""``/v1/drafts`` over a live server: admins only, a reviewer sees only drafts whose sources their
teams may see, edits are checked, approve publishes once, reject needs a reason."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from assistant.settings import ApiKey, HttpSettings
from tests.assistant.drafts.conftest import portal_tickets
from tests.integrations.http.conftest import KEYS, MAX_REQUEST_BYTES, TIER2, LiveServer, error_of

pytestmark = pytest.mark.slow
ADMIN2 = {"X-API-Key": "tier2-admin-key"}
ADMIN1 = {"X-API-Key": "tier1-admin-key"}


@pytest.fixture(scope="module")
def server_settings() -> dict[str, Any]:
    keys = {
        **KEYS,
        "tier2-admin-key": ApiKey(teams=["tier2"], role="admin"),
        "tier1-admin-key": ApiKey(teams=["tier1"], role="admin"),
    }
    return {"http": HttpSettings(api_keys=keys, max_request_bytes=MAX_REQUEST_BYTES)}


@pytest.fixture(scope="module")
def draft_id(live: LiveServer) -> str:
    lines = [json.dumps(t) for t in portal_tickets("team:tier2")]
    (live.kb / "tickets" / "portal.jsonl").write_text("\n".join(lines) + "\n")
    assert live.services.ingestor.sync([live.kb]).ok
    [created] = live.services.drafts.generate(min_tickets=3).created
    return created


def test_drafts_are_for_admins_of_the_sources_teams(client: httpx.Client, draft_id: str) -> None:
    agent = client.get("/v1/drafts", headers=TIER2)
    assert agent.status_code == 403 and error_of(agent)["code"] == "forbidden"
    assert client.get("/v1/drafts", headers=ADMIN1).json() == []
    hidden = client.get(f"/v1/drafts/{draft_id}", headers=ADMIN1)
    assert hidden.status_code == 404
    [listed] = client.get("/v1/drafts?state=open", headers=ADMIN2).json()
    assert listed["id"] == draft_id and listed["visibility"] == "team:tier2"
    shown = client.get(f"/v1/drafts/{draft_id}", headers=ADMIN2).json()
    assert "## Resolution" in shown["markdown"] and "centroid" not in shown
    texts = {s["id"]: s["text"] for s in shown["source_texts"]}
    assert "Resend invite" in texts["ticket-7001"]


def test_edit_approve_and_reject_over_http(
    client: httpx.Client, draft_id: str, live: LiveServer
) -> None:
    markdown = client.get(f"/v1/drafts/{draft_id}", headers=ADMIN2).json()["markdown"]
    bad = client.put(
        f"/v1/drafts/{draft_id}",
        headers=ADMIN2,
        json={"markdown": markdown.replace("visibility: team:tier2", "visibility: nobody")},
    )
    assert bad.status_code == 422 and "visibility" in error_of(bad)["detail"]
    edited = markdown.replace("## Symptoms", "Reviewed by the portal team.\n\n## Symptoms")
    saved = client.put(f"/v1/drafts/{draft_id}", headers=ADMIN2, json={"markdown": edited})
    assert saved.status_code == 200 and saved.json()["markdown"] == edited
    no_reason = client.post(f"/v1/drafts/{draft_id}/reject", headers=ADMIN2, json={"reason": ""})
    assert no_reason.status_code == 422
    approved = client.post(f"/v1/drafts/{draft_id}/approve", headers=ADMIN2, json={})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["state"] == "published" and body["reviewer"] and body["reviewed_at"]
    published = live.services.settings.publish_path / f"{body['doc_id']}.md"
    assert "Reviewed by the portal team." in published.read_text()
    again = client.post(f"/v1/drafts/{draft_id}/approve", headers=ADMIN2, json={})
    assert again.status_code == 409 and "published" in error_of(again)["detail"]
    late = client.post(f"/v1/drafts/{draft_id}/reject", headers=ADMIN2, json={"reason": "x"})
    assert late.status_code == 409
