"""/v1/suggestions through a real server: ask, read back, decide (each kind, once per request)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from assistant.suggestion import Suggestion
from tests.integrations.http.conftest import TIER1, LiveServer, error_of

pytestmark = pytest.mark.slow

QUESTION = "A customer was charged twice for one invoice, what do I do?"


def ask(client: httpx.Client, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = client.post("/v1/suggestions", json=body, headers={**TIER1, **headers})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.fixture(scope="module")
def suggestion(base_url: str) -> dict[str, Any]:
    """One suggestion with citations, shared by the decision tests."""
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        created = ask(client, {"question": QUESTION, "asker": "amelia"})
    assert created["citations"], created
    return created


def decide(client: httpx.Client, suggestion_id: str, **body: Any) -> httpx.Response:
    return client.post(f"/v1/suggestions/{suggestion_id}/decision", json=body, headers=TIER1)


def test_suggest_then_read_back(client: httpx.Client, live: LiveServer) -> None:
    created = ask(client, {"question": QUESTION}, **{"X-Kbassist-Channel": "sidebar"})
    assert set(created) == set(Suggestion.model_fields) | {"id"}
    assert any(c["doc_id"] in ("kb-2", "pb-dup") for c in created["citations"])

    response = client.get(f"/v1/suggestions/{created['id']}", headers=TIER1)
    assert response.status_code == 200
    saved = response.json()
    assert {k: saved[k] for k in created} == created
    assert saved["request"]["question"] == QUESTION
    assert saved["decisions"] == []
    assert saved["created_at"].endswith(("Z", "+00:00"))

    record = live.services.suggestion_store.load(created["id"]).record
    assert record is not None
    assert record.channel == "sidebar"
    assert record.asker.startswith("key:")  # the caller, by a fingerprint of its key
    assert "secret" not in record.asker
    assert record.retrieved and record.latency_ms > 0


def test_a_ticket_is_asked_on_the_http_channel(client: httpx.Client, live: LiveServer) -> None:
    ticket = {"subject": "Charged twice", "description": "My card was charged twice."}
    body = {"ticket": ticket, "products": ["payments"], "asker": "tom"}
    response = client.post("/v1/suggestions", json=body, headers=TIER1)
    assert response.status_code == 201
    created = response.json()
    assert response.headers["Location"] == f"/v1/suggestions/{created['id']}"
    record = live.services.suggestion_store.load(created["id"]).record
    assert record is not None
    assert (record.channel, record.asker) == ("http", "tom")
    assert record.request.ticket is not None and record.request.products == ["payments"]


def test_each_decision_kind_is_recorded_as_history(
    client: httpx.Client, suggestion: dict[str, Any]
) -> None:
    sid = suggestion["id"]
    accepted = decide(client, sid, action="accept", agent="amelia")
    edited = decide(client, sid, action="edit", agent="amelia", text="Refund the duplicate.")
    overridden = decide(
        client, sid, action="override", agent="tom", text="Escalate it.", reason="over $500"
    )
    rated = decide(
        client, sid, action="rate_citation", agent="tom", citation_index=1, rating="helpful"
    )
    for response in (accepted, edited, overridden, rated):
        assert response.status_code == 201, response.text
    diff = edited.json()["diff"]
    assert diff.startswith("--- suggestion\n+++ edited\n") and "+Refund the duplicate." in diff

    saved = client.get(f"/v1/suggestions/{sid}", headers=TIER1).json()
    history = [(d["action"], d["agent"]) for d in saved["decisions"]]
    assert history[-4:] == [
        ("accept", "amelia"),
        ("edit", "amelia"),
        ("override", "tom"),
        ("rate_citation", "tom"),
    ]
    by_action = {d["action"]: d for d in saved["decisions"]}
    assert by_action["edit"]["diff"] == diff
    assert by_action["override"]["reason"] == "over $500"
    assert (by_action["rate_citation"]["citation_index"], by_action["rate_citation"]["rating"]) == (
        1,
        "helpful",
    )


def test_a_repeated_decision_is_recorded_once(
    client: httpx.Client, suggestion: dict[str, Any]
) -> None:
    sid = suggestion["id"]
    before = len(client.get(f"/v1/suggestions/{sid}", headers=TIER1).json()["decisions"])
    body = {"action": "accept", "agent": "dup-agent", "request_id": "req-42"}
    first = decide(client, sid, **body)
    again = decide(client, sid, **body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    same_content = decide(
        client, sid, action="rate_citation", agent="x", citation_index=1, rating="wrong"
    )
    same_content_again = decide(
        client, sid, action="rate_citation", agent="x", citation_index=1, rating="wrong"
    )
    assert (same_content.status_code, same_content_again.status_code) == (201, 200)
    after = client.get(f"/v1/suggestions/{sid}", headers=TIER1).json()["decisions"]
    assert len(after) == before + 2

    reused = decide(client, sid, action="accept", agent="someone-else", request_id="req-42")
    assert reused.status_code == 409 and error_of(reused)["code"] == "conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "override", "agent": "a", "text": "mine"}, "reason"),
        ({"action": "edit", "agent": "a"}, "text"),
        ({"action": "accept", "agent": "a", "text": "x"}, "text"),
        (
            {"action": "rate_citation", "agent": "a", "citation_index": 99, "rating": "wrong"},
            "citation_index",
        ),
        ({"action": "accept"}, "body.agent"),
        ({"action": "approve", "agent": "a"}, "body.action"),
        (
            {"action": "rate_citation", "agent": "a", "citation_index": 0, "rating": "wrong"},
            "body.citation_index",
        ),
    ],
)
def test_a_bad_decision_is_422_naming_the_field(
    client: httpx.Client, suggestion: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    response = decide(client, suggestion["id"], **body)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "bad_input" and field in error["detail"]


def test_unknown_suggestion_is_404(client: httpx.Client) -> None:
    for response in (
        client.get("/v1/suggestions/0123456789abcdef0123456789abcdef", headers=TIER1),
        decide(client, "nope", action="accept", agent="a"),
    ):
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": 5}, "body.question"),
        ({"ticket": {"subject": "x" * 1001}}, "body.ticket.subject"),
        ({"question": "q", "history": "not a list"}, "body.history"),
        ({}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "q", "source_types": ["article", "wiki"]}, "source_types: 'wiki'"),
        ({"question": "q", "tags": [f"t{i}" for i in range(21)]}, "body.tags"),
        ({"question": "q", "products": ["p" * 201]}, "body.products"),
        ({"question": "q", "history": [{"text": "x"}] * 51}, "body.history"),
    ],
)
def test_a_bad_request_is_422_naming_the_field(
    client: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/suggestions", json=body, headers=TIER1)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "bad_input" and field in error["detail"]


def test_malformed_json_is_422(client: httpx.Client) -> None:
    response = client.post(
        "/v1/suggestions",
        content=b'{"question": ',
        headers={**TIER1, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "not valid JSON" in error_of(response)["detail"]
