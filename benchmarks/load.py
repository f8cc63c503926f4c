"""Load: N concurrent clients POST /v1/suggestions to a running ``kbassist serve`` on loopback
for a bounded time.

    .venv/bin/python -m benchmarks.load                      # starts a server on the sample KB
    .venv/bin/python -m benchmarks.load --clients 8 --seconds 30

Prints requests/s, p50, p95, the error count and the server's peak memory (VmHWM).
Target here: >= 20 suggestions/s with 0 errors at 8 concurrent clients.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from evals.metrics import percentile

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "A customer was charged twice for the same invoice",
    "How long is a password reset link valid?",
    "QuickBooks sync says paused, what do I do?",
    "How many times are webhooks retried?",
    "Can I get a refund on my annual plan?",
    "The iOS app crashes when I upload a receipt",
    "How do I set up SAML single sign-on?",
    "What is the API rate limit?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    kbassist = [sys.executable, "-m", "integrations.cli"]
    env = {**os.environ, "KBASSIST_DATA_DIR": str(data_dir), "TQDM_DISABLE": "1"}
    subprocess.run(
        [*kbassist, "ingest", str(REPO / "examples" / "kb")],
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [*kbassist, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not become ready in 120 s")


def peak_rss_mb(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return float("nan")


def client(url: str, stop: float, latencies: list[float], errors: list[str], seed: int) -> None:
    with httpx.Client(timeout=30) as http:
        i = seed
        while time.monotonic() < stop:
            question = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            started = time.perf_counter()
            try:
                response = http.post(f"{url}/v1/suggestions", json={"question": question})
                if response.status_code != 201:
                    errors.append(str(response.status_code))
                    continue
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
                continue
            latencies.append((time.perf_counter() - started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--url", default=None, help="an already running server")
    args = parser.parse_args()

    server = None
    url = args.url
    if url is None:
        port = free_port()
        server = start_server(Path(tempfile.mkdtemp(prefix="kbassist-load-")), port)
        url = f"http://127.0.0.1:{port}"
    try:
        for question in QUESTIONS:  # warm up
            httpx.post(f"{url}/v1/suggestions", json={"question": question}, timeout=60)
        latencies: list[float] = []
        errors: list[str] = []
        stop = time.monotonic() + min(args.seconds, 120)
        threads = [
            threading.Thread(target=client, args=(url, stop, latencies, errors, n))
            for n in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        print(f"{args.clients} clients for {elapsed:.1f} s against {url}")
        print(f"suggestions/s: {len(latencies) / elapsed:7.1f}   (target >= 20)")
        if latencies:
            print(f"latency p50:   {percentile(latencies, 50):7.1f} ms")
            print(f"latency p95:   {percentile(latencies, 95):7.1f} ms")
        print(f"errors:        {len(errors):7d}   (target 0) {sorted(set(errors))}")
        if server is not None:
            print(f"server peak memory: {peak_rss_mb(server.pid):.0f} MB")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
