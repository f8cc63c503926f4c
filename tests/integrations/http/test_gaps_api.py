"""GET /v1/gaps: admins only, parameters validated (422), other teams' questions as counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.compose import Services
from assistant.gaps import GapReporter
from assistant.service import SupportService
from assistant.settings import ApiKey, HttpSettings, Settings
from assistant.suggestion_db import SqlSuggestionStore
from integrations.http.app import create_app
from tests.assistant.gaps.history import add, override
from tests.assistant.gaps.test_report import Nearest, TopicEmbedder
from tests.integrations.http.conftest import error_of

ADMIN = {"X-API-Key": "admin-key"}
AGENT = {"X-API-Key": "agent-key"}
KEYS: dict[str, list[str] | ApiKey] = {
    "admin-key": ApiKey(teams=["tier1"], admin=True),
    "agent-key": ["tier1"],
}


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings.model_copy(update={"http": HttpSettings(api_keys=KEYS)}))
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    service = SupportService(assistant=None, suggestions=store)  # type: ignore[arg-type]
    for i, (question, teams) in enumerate(
        [
            ("Budget reports?", ("tier1",)),
            ("A budget per team", ("tier1",)),
            ("Budget vs actuals", ("tier1",)),
            ("Mileage claims", ("tier2",)),
            ("Mileage in km", ("tier2",)),
        ]
    ):
        add(service, store, f"s{i}", question, override(f"a{i}"), asker=f"a{i}", teams=teams)
    services.__dict__["gaps"] = GapReporter(store, TopicEmbedder(), Nearest())  # type: ignore[arg-type]
    return TestClient(create_app(services))


def test_an_admin_gets_the_clusters_their_teams_may_read(client: TestClient) -> None:
    response = client.get("/v1/gaps?since=7d&min_size=2", headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["poorly_served"] == 5
    assert [(c["rank"], c["size"], c["hidden"]) for c in body["clusters"]] == [(1, 3, 0), (2, 2, 2)]
    assert {q["text"] for q in body["clusters"][0]["questions"]} == {
        "Budget reports?",
        "A budget per team",
        "Budget vs actuals",
    }
    assert "mileage" not in response.text.lower()  # tier2's questions: counted, not shown


def test_an_agent_key_is_forbidden_and_no_key_unauthorized(client: TestClient) -> None:
    forbidden = client.get("/v1/gaps", headers=AGENT)
    assert forbidden.status_code == 403 and error_of(forbidden)["code"] == "forbidden"
    assert client.get("/v1/gaps").status_code == 401


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("since=yesterday", "query.since"),
        ("since=2999-01-01", "query.since"),
        ("min_size=0", "min_size"),
        ("limit=500", "limit"),
    ],
)
def test_bad_parameters_are_422_naming_them(client: TestClient, query: str, named: str) -> None:
    response = client.get(f"/v1/gaps?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert named in error_of(response)["detail"]
