"""``kbassist backup`` onto a full disk: one clear error naming the destination's folder, no
partial copy left behind, the data directory untouched, and a backup with room works.

A per-process file-size limit (``RLIMIT_FSIZE``, SIGXFSZ ignored) stands in for the full disk:
a plain file copy then fails with EFBIG, and SQLite's online backup of a database with "disk I/O
error" (SQLite keeps no errno).
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.backup import backup, verify
from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings

pytestmark = pytest.mark.slow

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child, before it runs the command
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _limit(data_dir: Path, fails_on: str) -> int:
    """A file-size limit that the first file copy fails on ("file"), or that every plain file
    fits under and only a database copy fails on ("database")."""
    sizes = {
        path: path.stat().st_size
        for path in data_dir.rglob("*")
        if path.is_file() and path.name != "ingest.lock"
    }
    if fails_on == "file":
        return 0
    databases = [p for p in sizes if p.read_bytes()[: len(_SQLITE_MAGIC)] == _SQLITE_MAGIC]
    limit = max(size for path, size in sizes.items() if path not in databases) + 4096
    assert any(sizes[p] > limit for p in databases)  # the Chroma database is the largest
    return limit


@pytest.mark.parametrize("fails_on", ["file", "database"])
def test_a_backup_onto_a_full_disk_is_a_clear_error_and_leaves_nothing(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder, fails_on: str
) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    services.embedder = embedder
    assert services.service.ingest([tiny_kb]).ok
    before = {p: p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file()}
    dest = tmp_path / "backups" / "kb-2026-11-30"
    dest.parent.mkdir()

    command = [sys.executable, "-m", "integrations.cli", "--data-dir", str(settings.data_dir)]
    done = subprocess.run(
        [*command, "backup", str(dest)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_file_size_limit(_limit(settings.data_dir, fails_on)),
    )
    assert done.returncode == 5, done.stdout + done.stderr  # store_unavailable
    assert f"Error: no space left on the device holding {dest.parent} " in done.stderr
    assert f"the backup was not written and {dest} was not created" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(dest.parent.iterdir()) == []  # no partial copy takes the space
    after = {p: p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file()}
    assert after == before

    assert backup(settings, dest).files == len(verify(dest)["files"])  # type: ignore[arg-type]
