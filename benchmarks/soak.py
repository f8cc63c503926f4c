"""A soak run: mixed traffic against ``kbassist serve --workers 2`` with an ingest every 2 minutes.

    .venv/bin/python -m benchmarks.soak --minutes 10 --out /tmp/kbassist-soak
    .venv/bin/python -m benchmarks.soak --minutes 2 --ingest-every 60   # a short run

Traffic: suggestions, decisions on them, searches and uploads (a rotating set of 20 articles) from
--clients threads, and a separate ``kbassist ingest`` of a copy of the KB (one article changed
each time) every --ingest-every seconds. Prints the errors (target 0), p95 per 30-second window
and each worker's RSS growth after warm-up (the first fifth of the run; target <= 10%), and writes
``soak.json`` in --out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from evals.metrics import percentile

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "A customer was charged twice, what do I do?",
    "How do I reset a password?",
    "The customer cannot log in after too many attempts",
    "How do refunds work for a duplicate invoice?",
    "Can a deleted invoice be restored?",
    "How do I change the billing email?",
    "What do I do when two-factor authentication fails?",
    "How long does a refund take to reach the card?",
]
WINDOW_S = 30


def worker_pids(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if ppid == parent and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


def rss_of(pid: int) -> float:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Traffic:
    def __init__(self, base: str, seed: int) -> None:
        self.base, self.rng = base, random.Random(seed)
        self.log: list[tuple[float, str, int, float]] = []  # (time, op, status, ms)
        self.suggestions: list[str] = []
        self.lock = threading.Lock()

    def one(self, client: httpx.Client, n: int) -> None:
        op = self.rng.choices(["suggest", "decide", "search", "upload"], [35, 20, 35, 10])[0]
        question = f"{self.rng.choice(QUESTIONS)} (case {n % 50})"
        started = time.perf_counter()
        try:
            response = self._call(client, op, question, n)
            status = response.status_code
            if op == "suggest" and status == 201:
                with self.lock:
                    self.suggestions.append(response.json()["id"])
        except httpx.HTTPError:
            status = 0
        with self.lock:
            self.log.append((time.time(), op, status, (time.perf_counter() - started) * 1000))

    def _call(self, client: httpx.Client, op: str, question: str, n: int) -> httpx.Response:
        if op == "decide" and self.suggestions:
            sid = self.rng.choice(self.suggestions)
            body = {"action": "accept", "agent": "soak", "request_id": f"soak-{n}"}
            return client.post(f"{self.base}/v1/suggestions/{sid}/decision", json=body)
        if op == "search":
            return client.get(f"{self.base}/v1/search", params={"q": question, "k": 5})
        if op == "upload":
            doc = n % 20
            text = f"---\nid: soak-{doc}\ntitle: Soak article {doc}\nvisibility: internal\n---\n"
            text += f"# Soak article {doc}\n\nRevision {n}: {question}\n"
            files = {"file": (f"soak-{doc}.md", text.encode(), "text/markdown")}
            return client.post(f"{self.base}/v1/documents", files=files)
        return client.post(f"{self.base}/v1/suggestions", json={"question": question})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--ingest-every", type=float, default=120)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kb", type=Path, default=REPO / "examples" / "kb")
    parser.add_argument("--out", type=Path, default=Path("/tmp/kbassist-soak"))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    kb = Path(shutil.copytree(args.kb, args.out / "kb"))
    env = {**os.environ, "KBASSIST_DATA_DIR": str(args.out / "data"), "HF_HUB_OFFLINE": "1"}
    cli = [sys.executable, "-m", "integrations.cli"]
    subprocess.run([*cli, "ingest", str(kb)], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(args.port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(args.out / "server.log").open("w"),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        result = run(args, base, server.pid, kb, cli, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    (args.out / "soak.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "windows"}, indent=1))
    for window in result["windows"]:
        print(window)


def run(
    args: argparse.Namespace, base: str, parent: int, kb: Path, cli: list[str], env: dict[str, str]
) -> dict[str, Any]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(1)
    workers = worker_pids(parent)
    traffic, stop = Traffic(base, 11), threading.Event()
    counter = iter(range(10**9))

    def client_loop() -> None:
        with httpx.Client(timeout=120) as client:
            while not stop.is_set():
                traffic.one(client, next(counter))

    start = time.time()
    threads = [threading.Thread(target=client_loop) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    rss: list[tuple[float, dict[int, float]]] = []
    ingests: list[dict[str, Any]] = []
    next_ingest, end = start + args.ingest_every, start + args.minutes * 60
    article = next(kb.rglob("*.md"))
    while time.time() < end:
        rss.append((time.time() - start, {pid: rss_of(pid) for pid in workers}))
        if time.time() >= next_ingest:
            article.write_text(article.read_text() + f"\nUpdated at {time.time():.0f}.\n")
            began = time.perf_counter()
            done = subprocess.run([*cli, "ingest", str(kb)], env=env, capture_output=True)
            ingests.append({"rc": done.returncode, "s": round(time.perf_counter() - began, 1)})
            next_ingest += args.ingest_every
        time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join()
    return summarise(traffic.log, rss, ingests, start, args.minutes * 60 / 5)


def summarise(
    log: list[tuple[float, str, int, float]],
    rss: list[tuple[float, dict[int, float]]],
    ingests: list[dict[str, Any]],
    start: float,
    warm_up_s: float,
) -> dict[str, Any]:
    errors = [(round(t - start), op, status) for t, op, status, _ in log if not 200 <= status < 300]
    windows = []
    for w in range(0, int(max(t for t, *_ in log) - start) + 1, WINDOW_S):
        inside = [row for row in log if w <= row[0] - start < w + WINDOW_S]
        if inside:
            p95 = percentile([ms for *_, ms in inside], 95)
            windows.append(
                f"{w:4d}-{w + WINDOW_S:4d}s  {len(inside):5d} requests  p95 {p95:7.0f} ms"
            )
    warm = next(sample for t, sample in rss if t >= warm_up_s)
    last = rss[-1][1]
    growth = {str(pid): round(100 * (last[pid] - warm[pid]) / warm[pid], 1) for pid in warm}
    per_op = {}
    for op in ("suggest", "decide", "search", "upload"):
        ms = [row[3] for row in log if row[1] == op]
        if ms:
            per_op[op] = {
                "n": len(ms),
                "p50": round(percentile(ms, 50)),
                "p95": round(percentile(ms, 95)),
            }
    return {
        "requests": len(log),
        "errors": len(errors),
        "first_errors": errors[:10],
        "per_op_ms": per_op,
        "ingests": ingests,
        "rss_mb_after_warm_up": {str(p): round(v) for p, v in warm.items()},
        "rss_mb_at_end": {str(p): round(v) for p, v in last.items()},
        "rss_growth_pct": growth,
        "windows": windows,
    }


if __name__ == "__main__":
    main()
