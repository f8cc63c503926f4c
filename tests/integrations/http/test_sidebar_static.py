"""The sidebar router: its page and files, their content types, nothing else (fast, no server)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from integrations.http import sidebar


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.include_router(sidebar.router)
    return TestClient(app)


def test_the_page_and_its_files_are_served_with_their_types(client: TestClient) -> None:
    page = client.get("/sidebar")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assets = tuple((name, "text/javascript") for name in ("sidebar.js", "markdown.js", "host.js"))
    for name, kind in (*assets, ("sidebar.css", "text/css")):
        response = client.get(f"/sidebar/static/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert f"sidebar/static/{name}" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/sidebar/static/sidebar.py",
        "/sidebar/static/__init__.py",
        "/sidebar/static/..%2Fsidebar.py",
        "/sidebar/static/%2e%2e%2f%2e%2e%2fsettings.py",
        "/sidebar/static/../sidebar.py",
        "/sidebar/static/missing.js",
        "/sidebar/static/",
    ],
)
def test_nothing_else_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text


def test_an_unknown_file_is_a_not_found_error(client: TestClient) -> None:
    body = client.get("/sidebar/static/missing.js").json()
    assert body["error"]["code"] == "not_found"


def test_the_files_are_exactly_the_page_assets() -> None:
    pages = {"sidebar.html", "sidebar.css", "sidebar.js", "markdown.js", "host.js"}
    assert set(sidebar.FILES) == pages


def test_the_renderer_and_the_host_load_before_the_script_that_uses_them() -> None:
    page = sidebar.FILES["sidebar.html"].read_text(encoding="utf-8")
    assert page.index("sidebar/static/markdown.js") < page.index("sidebar/static/sidebar.js")
    assert page.index("sidebar/static/host.js") < page.index("sidebar/static/sidebar.js")


@pytest.mark.parametrize(
    "name", ["sidebar.html", "sidebar.css", "sidebar.js", "markdown.js", "host.js"]
)
def test_assets_load_nothing_from_elsewhere(name: str) -> None:
    text = sidebar.FILES[name].read_text(encoding="utf-8")
    found = re.findall(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import|\burl\(|\bsrc=\"//", text)
    assert not found, (name, found)


@pytest.mark.parametrize("name", ["sidebar.js", "markdown.js"])
def test_the_scripts_never_build_html_from_strings(name: str) -> None:
    script = sidebar.FILES[name].read_text(encoding="utf-8")
    script = re.sub(r"/\*.*?\*/", "", script, flags=re.S)  # the comments may name them
    script = re.sub(r"^\s*//.*$", "", script, flags=re.M)
    assert "document.createElement" in script  # the stripping above left the code
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
