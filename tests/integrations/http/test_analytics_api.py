"""GET /v1/analytics and /v1/flags: admins only, parameters validated (422), restricted
documents as counts; keyless local use is admin from a loopback address only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.analytics.queries import Analytics
from assistant.compose import Services
from assistant.settings import ApiKey, HttpSettings, Settings
from assistant.suggestion_db import SqlSuggestionStore
from integrations.http.app import create_app
from tests.assistant.analytics.sample import CATALOG, fill
from tests.assistant.test_service import FakeAssistant

ADMIN = {"X-API-Key": "admin-key"}
AGENT = {"X-API-Key": "agent-key"}
KEYS: dict[str, list[str] | ApiKey] = {
    "admin-key": ApiKey(teams=["tier1"], admin=True),
    "agent-key": ["tier1"],
}


def services_on(tmp_path: Path, keys: dict[str, list[str] | ApiKey], filled: bool) -> Services:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings.model_copy(update={"http": HttpSettings(api_keys=keys)}))
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    if filled:
        from assistant.service import SupportService

        fill(SupportService(FakeAssistant(), store))
    services.__dict__["analytics"] = Analytics(store, lambda: CATALOG)
    return services


def error_of(response: Any) -> dict[str, str]:
    """The one error shape, ``{"error": {"code", "detail"}}``, and never a traceback."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "detail"}, body
    assert "Traceback" not in response.text
    error: dict[str, str] = body["error"]
    return error


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(services_on(tmp_path, KEYS, filled=True)))


def test_an_admin_gets_usage_and_documents(client: TestClient) -> None:
    response = client.get("/v1/analytics?since=30d&group_by=channel", headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(g["key"], g["suggestions"]) for g in body["groups"]] == [("http", 3), ("slack", 1)]
    assert body["totals"]["suggestions"] == 4 and body["group_by"] == "channel"
    assert {d["doc_id"] for d in body["documents"]["rows"]} == {"kb-a", "kb-b"}
    assert body["documents"]["restricted"]["documents"] == 1
    assert "kb-secret" not in response.text and "Tier 2 only" not in response.text


def test_flags_by_owner(client: TestClient) -> None:
    query = "/v1/flags?wrong_ratings=1&min_cited=2&override_rate=0.5"
    body = client.get(query, headers=ADMIN).json()
    assert [o["owner"] for o in body["owners"]] == ["ana", "bo"]
    only = client.get(query + "&owner=bo", headers=ADMIN).json()
    assert [o["owner"] for o in only["owners"]] == ["bo"]


@pytest.mark.parametrize("path", ["/v1/analytics", "/v1/flags"])
def test_an_agent_key_is_forbidden_and_no_key_unauthorized(client: TestClient, path: str) -> None:
    forbidden = client.get(path, headers=AGENT)
    assert forbidden.status_code == 403 and error_of(forbidden)["code"] == "forbidden"
    assert client.get(path).status_code == 401


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("since=yesterday", "query.since"),
        ("since=2999-01-01", "query.since"),
        ("group_by=weather", "query.group_by"),
        ("team=Tier%201", "query.team"),
        ("limit=0", "query.limit"),
    ],
)
def test_bad_parameters_are_422_naming_them(client: TestClient, query: str, named: str) -> None:
    response = client.get(f"/v1/analytics?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert error_of(response)["detail"].startswith(named)


def test_bad_flag_rules_are_422(client: TestClient) -> None:
    response = client.get("/v1/flags?override_rate=2", headers=ADMIN)
    assert response.status_code == 422 and "override_rate" in error_of(response)["detail"]


def test_an_empty_store_is_an_empty_report(tmp_path: Path) -> None:
    client = TestClient(create_app(services_on(tmp_path, KEYS, filled=False)))
    body = client.get("/v1/analytics", headers=ADMIN).json()
    assert body["groups"] == [] and body["totals"]["suggestions"] == 0
    assert client.get("/v1/flags", headers=ADMIN).json()["owners"] == []


def test_keyless_local_use_is_admin_only_from_loopback(tmp_path: Path) -> None:
    app = create_app(services_on(tmp_path, {}, filled=True))
    local = TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 5000))
    assert local.get("/v1/analytics").status_code == 200
    remote = TestClient(app, base_url="http://127.0.0.1", client=("10.0.0.8", 5000))
    assert error_of(remote.get("/v1/analytics"))["code"] == "forbidden"
