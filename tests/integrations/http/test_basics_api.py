"""Health, docs and the error shape through a real server: 404, 405, 413, 500 and readiness."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from assistant.retrieval.lexical import bump_generation
from integrations.http.deps import get_audience
from tests.integrations.http.conftest import MAX_REQUEST_BYTES, TIER1, LiveServer, error_of

pytestmark = pytest.mark.slow


def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_follows_the_bm25_index(client: httpx.Client, live: LiveServer) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"store": "ok", "suggestions": "ok", "bm25": "ok"},
    }
    bump_generation(live.services.settings.data_dir)  # another process changed the store
    try:
        stale = client.get("/readyz")
        assert stale.status_code == 503
        assert error_of(stale)["code"] == "store_unavailable"
        assert stale.json()["checks"]["bm25"] != "ok"
    finally:
        live.services.lexical.rebuild(live.services.store)
        live.services.window_lexical.rebuild(live.services.store)
    assert client.get("/readyz").status_code == 200


def test_openapi_and_local_docs(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/suggestions", "/v1/suggestions/{suggestion_id}", "/v1/search"} <= set(
        spec["paths"]
    )
    assert {"/v1/suggestions/{suggestion_id}/decision", "/v1/documents", "/readyz"} <= set(
        spec["paths"]
    )
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"/docs/assets/{asset}").status_code == 200


def test_unknown_path_and_method_use_the_error_shape(client: httpx.Client) -> None:
    missing = client.get("/v1/nothing-here", headers=TIER1)
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = client.delete("/v1/search", headers=TIER1)
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"


def test_a_body_over_the_limit_is_413(client: httpx.Client) -> None:
    big = {"question": "x" * (MAX_REQUEST_BYTES + 10)}
    declared = client.post("/v1/suggestions", json=big, headers=TIER1)
    assert declared.status_code == 413
    assert error_of(declared)["code"] == "too_large"
    assert str(MAX_REQUEST_BYTES) in error_of(declared)["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the streamed body is capped
        yield b'{"question": "'
        for _ in range(MAX_REQUEST_BYTES // 1024 + 2):
            yield b"x" * 1024
        yield b'"}'

    streamed = client.post(
        "/v1/suggestions",
        content=chunks(),
        headers={**TIER1, "Content-Type": "application/json"},
    )
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413 and error_of(streamed)["code"] == "too_large"
    assert str(MAX_REQUEST_BYTES) in error_of(streamed)["detail"]

    upload = client.post(
        "/v1/documents",
        files={"file": ("big.md", b"x" * (MAX_REQUEST_BYTES + 10))},
        headers=TIER1,
    )
    assert upload.status_code == 413 and error_of(upload)["code"] == "too_large"


def test_an_unexpected_error_is_a_bare_500(client: httpx.Client, live: LiveServer) -> None:
    def broken() -> None:
        raise RuntimeError("secret internals at /srv/kbassist")

    live.app.dependency_overrides[get_audience] = broken
    try:
        response = client.get("/v1/search", params={"q": "refund"}, headers=TIER1)
    finally:
        live.app.dependency_overrides.clear()
    assert response.status_code == 500
    assert error_of(response)["code"] == "internal"
    assert "secret" not in response.text and "RuntimeError" not in response.text
