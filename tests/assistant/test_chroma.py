"""The Chroma collection: a read-only data directory is a clear error naming it (the store left as
it was), and a query during an ingest finds the old or the new version of a changed document."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.access import Audience
from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from assistant.store import ChunkStore
from ingest.sync import Ingestor

pytestmark = pytest.mark.slow


def _read_only(folder: Path, command: list[str]) -> list[str]:
    """``command`` with ``folder`` read-only: a read-only bind mount in a mount namespace of its
    own as root (root ignores permission bits), the write bits removed otherwise."""
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return command
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to mount the data directory read-only as root")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not allowed here")
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, str(folder), *command]


def test_a_read_only_data_directory_is_a_clear_error(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    assert Ingestor(ChunkStore.from_settings(settings), embedder, settings.data_dir).sync([tiny_kb])
    article = tiny_kb / "articles" / "kb-1.md"
    article.write_text(article.read_text() + "\nA changed line.\n")
    before = {p: p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file()}

    command = [sys.executable, "-m", "integrations.cli", "--data-dir", str(settings.data_dir)]
    done = subprocess.run(
        _read_only(settings.data_dir, [*command, "ingest", str(tiny_kb)]),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 5, done.stdout + done.stderr  # store_unavailable
    assert "read-only" in done.stderr and str(settings.data_dir) in done.stderr
    assert "Traceback" not in done.stderr
    after = {p: p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file()}
    assert after == before  # nothing written
    for path in [settings.data_dir, *settings.data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # so pytest can clean up


class SlowEmbedder:
    """The real model, taking its time over documents: an ingest's embedding window is wide."""

    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        time.sleep(1.0)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_a_query_during_an_ingest_sees_the_old_or_the_new_version(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    settings = Settings(data_dir=tmp_path / "data", answerer="extractive", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    services.embedder = SlowEmbedder(embedder)
    assert services.service.ingest([tiny_kb]).ok
    audience = Audience.agent("tier1")

    def version() -> tuple[str, ...]:
        return tuple(c.text for c in services.store.siblings("kb-2", audience))

    old = version()
    article = tiny_kb / "articles" / "kb-2.md"
    article.write_text(article.read_text().replace("Refund the duplicate one.", "Refund it."))
    seen: list[tuple[tuple[str, ...], list[str]]] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def ask_meanwhile() -> None:
        try:
            while not done.is_set():
                found = services.service.search("refund a duplicate charge", audience, k=5)
                seen.append((version(), [c.doc_id for c in found]))
        except BaseException as failure:  # a failed query fails the test, not just the thread
            failures.append(failure)

    reader = threading.Thread(target=ask_meanwhile)
    reader.start()
    try:
        assert services.service.ingest([tiny_kb]).updated == 1
    finally:
        done.set()
        reader.join()
    new = version()
    assert failures == []
    assert new != old and len(seen) >= 3
    for chunks, doc_ids in seen:
        assert chunks in (old, new)  # never a mix, never missing
        assert "kb-2" in doc_ids
