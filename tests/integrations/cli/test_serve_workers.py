"""``kbassist serve --workers 2``: two worker processes serve one store, each loading its own
model, and each reads back what the other saved (the suggestion database is shared)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from integrations.cli import cli
from tests.fakes.processes import worker_pids

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_two_workers_serve_one_store(tmp_path: Path, tiny_kb: Path) -> None:
    data = tmp_path / "data"
    assert CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(tiny_kb)]).exit_code == 0
    port = _free_port()
    command = [sys.executable, "-m", "integrations.cli", "--data-dir", str(data), "serve"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        ready = False
        while time.monotonic() < deadline and not ready:
            time.sleep(1)
            with contextlib.suppress(httpx.HTTPError):
                ready = httpx.get(f"{base}/readyz", timeout=5).status_code == 200
        assert ready, "the workers did not become ready"
        spawned = worker_pids(server.pid)
        assert len(spawned) == 2  # the supervisor's two worker processes
        ids = set()
        for _ in range(6):
            made = httpx.post(
                f"{base}/v1/suggestions", json={"question": "charged twice"}, timeout=60
            )
            assert made.status_code == 201, made.text
            ids.add(made.json()["id"])
        for sid in ids:  # each worker reads what any worker saved
            assert httpx.get(f"{base}/v1/suggestions/{sid}", timeout=30).status_code == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
