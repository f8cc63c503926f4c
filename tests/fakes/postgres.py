"""A real PostgreSQL server for the tests: Debian's binaries, a temporary cluster on a loopback
port, started with ``initdb`` and ``pg_ctl`` and stopped afterwards. (As root, the cluster runs as
the ``postgres`` user, which Debian's package creates: PostgreSQL refuses to run as root.)"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def running_postgres() -> Iterator[str]:
    """A fresh PostgreSQL on 127.0.0.1; yields its SQLAlchemy URL (user ``kbassist``)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="kbassist-pg-"))
    data, port = root / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    run = {"check": True, "capture_output": True, "timeout": 120}
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "kbassist"]
    subprocess.run(_as_server_user(initdb), **run)  # type: ignore[arg-type]
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w"]
    subprocess.run(_as_server_user([*pg_ctl, "-o", options, "start"]), **run)  # type: ignore[arg-type]
    try:
        yield f"postgresql+psycopg://kbassist@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_server_user([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
