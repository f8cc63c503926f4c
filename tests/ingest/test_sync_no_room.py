"""A full disk during ``kbassist ingest``: one clear error and exit code, a consistent store, and a
run with room again converges to the store a clean ingest makes.

A per-process file-size limit (``RLIMIT_FSIZE``, with SIGXFSZ ignored) stands in for the full
disk: every write past the limit fails with EFBIG, as a write to a full disk fails with ENOSPC.
Where mounts are allowed (root), a real full file system is tried too: a small tmpfs holding the
store, with 64 KiB left free. No call of the product is replaced; the command runs as a user runs
it. The store is compared as the kill-point tests compare it (``state``).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.access import Audience
from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from assistant.store import ChunkStore
from tests.conftest import write_tiny_kb
from tests.ingest.test_sync_kill_points import state, version_two

pytestmark = pytest.mark.slow

# What a user of the store sees (``state`` also reports the journal and the indexes' freshness,
# which a stopped run leaves for the next one to repair)
SEEN = ("chunks", "docstore", "dense", "bm25")


def _services(data_dir: Path, embedder: SentenceTransformerEmbedder) -> Services:
    settings = Settings(data_dir=data_dir, answerer="extractive", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    services.embedder = embedder  # the model the command loads, loaded once for the tests
    return services


def _files(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child, before it runs the command
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@dataclass
class Baseline:
    v1: Path  # a store of the KB's first version
    kb: Path  # the KB, changed to its second version (one article rewritten, one added, one gone)
    old: dict[str, Any]  # the first store's state
    old_status: Any  # and its `kbassist status`
    clean: dict[str, Any]  # the state a clean ingest of the second version gives
    clean_dir: Path  # and that store


@pytest.fixture(scope="module")
def baseline(
    tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder
) -> Baseline:
    root = tmp_path_factory.mktemp("no-room")
    kb = write_tiny_kb(root / "kb")
    first = _services(root / "v1", embedder)
    assert first.service.ingest([kb]).ok
    version_two(kb)
    assert _services(root / "clean", embedder).service.ingest([kb], prune=True).ok
    return Baseline(
        root / "v1",
        kb,
        state(root / "v1"),
        first.service.status(),
        state(root / "clean"),
        root / "clean",
    )


# 0: no file can grow, and Chroma fails as it opens; 64 KiB: the store opens and the documents
# are parsed and embedded, and Chroma's write of the new chunks fails (its database is larger)
@pytest.mark.parametrize("limit", [0, 64 * 1024], ids=["at-open", "mid-ingest"])
def test_a_full_disk_is_a_clear_error_and_leaves_the_previous_store(
    tmp_path: Path,
    baseline: Baseline,
    embedder: SentenceTransformerEmbedder,
    limit: int,
) -> None:
    kb = baseline.kb
    data = Path(shutil.copytree(baseline.v1, tmp_path / "data"))
    before = _files(data)

    command = [sys.executable, "-m", "integrations.cli", "--data-dir", str(data)]
    done = subprocess.run(
        [*command, "ingest", "--prune", str(kb)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_file_size_limit(limit),
    )
    assert done.returncode == 5, done.stdout + done.stderr  # store_unavailable
    assert f"Error: no space left on the device holding {data} " in done.stderr, done.stderr
    assert "free space and run it again" in done.stderr
    assert "Traceback" not in done.stderr
    if limit == 0:
        assert _files(data) == before  # nothing was written at all

    # With room again, before any re-run: the previous store, whole (no part of the new one)
    now = state(data)
    assert {key: now[key] for key in SEEN} == {key: baseline.old[key] for key in SEEN}
    services = _services(data, embedder)
    status, old_status = services.service.status(), baseline.old_status
    assert (status.documents, status.chunks) == (old_status.documents, old_status.chunks)
    found = services.service.search("reset the password link", Audience.agent("tier1"), k=3)
    assert found[0].doc_id == "kb-1"
    text = " ".join(chunk.text for chunk in services.store.siblings("kb-1", Audience.agent()))
    assert "within 60 minutes" in text and "15 minutes" not in text  # its old version, whole
    assert services.store.document_state("kb-4") is None  # the added article is not there
    assert services.store.document_state("kb-3") is not None  # nor is the deleted one gone

    # A re-run converges to the store a clean ingest of the new version makes
    assert services.service.ingest([kb], prune=True).ok
    assert state(data) == baseline.clean


# Mounts a tmpfs on $0, puts a copy of the store $1 in it and fills it up to $3 bytes free, runs
# the command, then copies the store out to $2 (the mount ends with the namespace) and exits with
# the command's status.
_FULL_TMPFS = """mnt=$0 src=$1 out=$2 free=$3; shift 3
mount -t tmpfs -o size=16m tmpfs "$mnt" || exit 99
cp -a "$src" "$mnt/data" || exit 99
dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null
truncate -s "-$free" "$mnt/filler" || exit 99
"$@"; status=$?
rm -f "$mnt/filler"; cp -a "$mnt/data/." "$out/"; exit $status"""


def _documents(data_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """Each document's chunks (id, text) as the store holds them."""
    store = ChunkStore.from_settings(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    got = store.collection.get(include=["documents", "metadatas"])
    chunks: dict[str, list[tuple[str, str]]] = {}
    rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
    for chunk_id, text, metadata in rows:
        chunks.setdefault(str((metadata or {})["doc_id"]), []).append((chunk_id, text or ""))
    return {doc_id: sorted(rows) for doc_id, rows in chunks.items()}


def test_a_really_full_file_system_is_a_clear_error_and_each_document_stays_whole(
    tmp_path: Path, baseline: Baseline, embedder: SentenceTransformerEmbedder
) -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) to mount a small tmpfs")
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("mount namespaces are not allowed here")
    mount, data = tmp_path / "mnt", tmp_path / "data"
    mount.mkdir()
    data.mkdir()
    shell = ["unshare", "-m", "sh", "-c", _FULL_TMPFS, str(mount), str(baseline.v1), str(data)]
    command = [sys.executable, "-m", "integrations.cli", "--data-dir", str(mount / "data")]
    done = subprocess.run(
        [*shell, "64K", *command, "ingest", "--prune", str(baseline.kb)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode == 99:
        pytest.skip(f"a tmpfs could not be mounted here: {done.stderr.strip()}")
    assert done.returncode == 5, done.stdout + done.stderr  # store_unavailable
    assert f"Error: no space left on the device holding {mount / 'data'} " in done.stderr
    assert "Traceback" not in done.stderr

    # Chroma logs a write before applying it: a document being written when the disk filled
    # may have its new version once there is room. Each document is whole, old or new.
    old, new = _documents(baseline.v1), _documents(baseline.clean_dir)
    for doc_id, chunks in _documents(data).items():
        assert chunks in (old.get(doc_id), new.get(doc_id)), doc_id
    assert set(old) - set(new) <= set(_documents(data))  # the prune never ran: kb-3 is there

    assert _services(data, embedder).service.ingest([baseline.kb], prune=True).ok
    assert state(data) == baseline.clean
