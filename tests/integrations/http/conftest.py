"""A real kbassist HTTP server per test module: uvicorn in a background thread on 127.0.0.1 (a
free port), over Services on a temporary data dir with the tiny KB ingested once.

A module changes the server's settings by overriding the ``server_settings`` fixture; tests talk
to it with ``httpx`` (the ``client`` fixture) and may swap dependencies on ``live.app``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import ApiKey, HttpSettings, Settings
from integrations.http.app import create_app
from tests.conftest import write_tiny_kb

KEYS: dict[str, list[str] | ApiKey] = {
    "tier1-secret-key": ["tier1"],  # the plain form: an agent key
    "tier2-secret-key": ["tier2"],
    "tier1-writer-key": ApiKey(teams=["tier1"], role="writer"),
    "tier2-writer-key": ApiKey(teams=["tier2"], role="writer"),
    "no-team-key": [],
}
TIER1 = {"Authorization": "Bearer tier1-secret-key"}
TIER2 = {"X-API-Key": "tier2-secret-key"}
WRITER1 = {"X-API-Key": "tier1-writer-key"}
WRITER2 = {"X-API-Key": "tier2-writer-key"}
NO_TEAM = {"X-API-Key": "no-team-key"}
MAX_REQUEST_BYTES = 16 * 1024


@dataclass
class LiveServer:
    base_url: str
    app: FastAPI
    services: Services
    kb: Path


@contextmanager
def running(app: FastAPI, start_timeout_s: float = 20.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1 until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def server_settings() -> dict[str, Any]:
    """Settings of this module's server (override the fixture in a module to change them)."""
    return {"http": HttpSettings(api_keys=KEYS, max_request_bytes=MAX_REQUEST_BYTES)}


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: SentenceTransformerEmbedder,
    server_settings: dict[str, Any],
) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("http")
    kb = write_tiny_kb(root / "kb", current_refund_article=True)
    with pytest.MonkeyPatch.context() as env:  # no developer configuration leaks in
        for name in list(os.environ):
            if name.startswith(("KBASSIST_", "SLACK_")):
                env.delenv(name)
        settings = Settings(_env_file=None, data_dir=root / "data", **server_settings)  # type: ignore[call-arg]
    services = Services(settings)
    services.embedder = embedder  # the session's model, loaded once
    report = services.ingestor.sync([kb])
    assert report.ok, report.issues
    app = create_app(services)
    with running(app) as base_url:
        yield LiveServer(base_url, app, services, kb)


@pytest.fixture(scope="module")
def base_url(live: LiveServer) -> str:
    return live.base_url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30.0) as http:
        yield http


def error_of(response: httpx.Response) -> dict[str, str]:
    """The ``{"code", "detail"}`` of an error response (asserting the one error shape)."""
    body = response.json()
    assert set(body) >= {"error"}, body
    assert set(body["error"]) == {"code", "detail"}, body
    assert "Traceback" not in response.text
    error: dict[str, str] = body["error"]
    return error
