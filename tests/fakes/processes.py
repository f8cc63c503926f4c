"""The worker processes of a ``kbassist serve --workers N`` supervisor, read from /proc."""

from __future__ import annotations

from pathlib import Path


def worker_pids(parent: int) -> list[int]:
    """The supervisor's worker processes (multiprocessing's spawn_main children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == parent and b"spawn_main" in command:
            found.append(int(entry.name))
    return found
