"""The production shape end to end: a ``chroma run`` server, PostgreSQL, ``kbassist serve
--workers 2`` and a separate ``kbassist ingest``. After the ingest, every worker serves the new
article within a bounded time without a restart, and every decision acknowledged by either worker
is in PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.assistant.test_store_generation import BY_MEANING, NEW_ARTICLE
from tests.fakes.chroma_server import free_port, running_chroma
from tests.fakes.postgres import binaries, running_postgres
from tests.fakes.processes import worker_pids

pytestmark = pytest.mark.slow

FRESH_WITHIN_S = 30.0  # the bound: per-query generation checks make it the next query in practice


def _cpu_ticks(pid: int) -> int:
    fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _kbassist(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "integrations.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
    with running_postgres() as url:
        yield url


def _burst(base: str, n: int) -> list[list[str]]:
    """n concurrent searches for the new article's meaning, each on its own connection (so
    both workers take some); the doc ids each one returned."""

    def one(_: int) -> list[str]:
        got = httpx.get(f"{base}/v1/search", params={"q": BY_MEANING, "k": 3}, timeout=60)
        assert got.status_code == 200, got.text
        return [hit["doc_id"] for hit in got.json()]

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_workers_serve_a_separate_ingest_and_share_postgres(
    tmp_path: Path, tiny_kb: Path, postgres_url: str
) -> None:
    with running_chroma(tmp_path / "chroma") as chroma_url:
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "KBASSIST_DATA_DIR": str(tmp_path / "data"),
            "KBASSIST_CHROMA_URL": chroma_url,
            "KBASSIST_DATABASE_URL": postgres_url,
            "KBASSIST_ANSWERER": "extractive",
        }
        _kbassist(env, "ingest", str(tiny_kb))
        port = free_port()
        serve = ["serve", "--port", str(port), "--workers", "2"]
        server = subprocess.Popen(
            [sys.executable, "-m", "integrations.cli", *serve],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline, ready = time.monotonic() + 300, False
            while time.monotonic() < deadline and not ready:
                time.sleep(1)
                with contextlib.suppress(httpx.HTTPError):
                    ready = httpx.get(f"{base}/readyz", timeout=5).status_code == 200
            assert ready, "the workers did not become ready"
            workers = worker_pids(server.pid)
            assert len(workers) == 2
            for ids in _burst(base, 8):  # both workers load their indexes before the ingest
                assert "kb-new" not in ids

            extra = tmp_path / "extra" / "articles"
            extra.mkdir(parents=True)
            (extra / "kb-new.md").write_text(NEW_ARTICLE)
            _kbassist(env, "ingest", str(extra.parent))
            ingested = time.monotonic()

            before = {pid: _cpu_ticks(pid) for pid in workers}
            while True:
                bursts = _burst(base, 16)
                if all(ids and ids[0] == "kb-new" for ids in bursts):
                    break
                assert time.monotonic() - ingested < FRESH_WITHIN_S, bursts
            # both workers did work in those bursts, so both serve the new article
            assert all(_cpu_ticks(pid) > before[pid] for pid in workers)

            acked = _decide_through_both(base)
            engine = create_engine(postgres_url)
            with engine.connect() as conn:
                stored = set(conn.execute(text("SELECT id FROM decisions")).scalars())
            engine.dispose()
            assert acked and acked <= stored
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


def _decide_through_both(base: str) -> set[str]:
    """Suggestions made and accepted concurrently (so both workers take some); the ids of
    the decisions acknowledged with a 2xx."""

    def one(i: int) -> str:
        made = httpx.post(f"{base}/v1/suggestions", json={"question": BY_MEANING}, timeout=60)
        assert made.status_code == 201, made.text
        body = {"action": "accept", "agent": f"agent-{i}", "request_id": f"req-{i}"}
        decided = httpx.post(
            f"{base}/v1/suggestions/{made.json()['id']}/decision", json=body, timeout=60
        )
        assert decided.status_code == 201, decided.text
        return str(decided.json()["id"])

    with ThreadPoolExecutor(6) as pool:
        return set(pool.map(one, range(12)))
