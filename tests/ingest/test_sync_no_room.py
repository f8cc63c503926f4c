"""A full disk during ``kbassist ingest``: one clear error and exit code, the previous store left
whole, and a run with room again converges to the store a clean ingest makes.

A per-process file-size limit (``RLIMIT_FSIZE``, with SIGXFSZ ignored) stands in for the full
disk: every write past the limit fails with EFBIG, as a write to a full disk fails with ENOSPC.
No call of the product is replaced; the command runs as a user runs it. The store is compared as
the kill-point tests compare it (``state``).
"""

from __future__ import annotations

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
        root / "v1", kb, state(root / "v1"), first.service.status(), state(root / "clean")
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
