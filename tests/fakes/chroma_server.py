"""A real Chroma server for the tests: ``chroma run`` on a temporary folder and a loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_chroma(folder: Path, timeout_s: float = 60) -> Iterator[str]:
    """``chroma run`` storing under ``folder``; yields its URL once it accepts connections."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(folder / "server"), "--host", "127.0.0.1"]
    with (folder / "chroma.log").open("w") as log:
        proc = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        raise RuntimeError(
                            f"chroma run did not start: {(folder / 'chroma.log').read_text()}"
                        ) from None
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)
