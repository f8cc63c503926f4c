"""Ingest and query through a real ``chroma run`` server on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.access import Audience
from assistant.embedding import SentenceTransformerEmbedder
from assistant.errors import KbassistError
from assistant.retrieval import Query
from assistant.retrieval.dense import DenseRetriever
from assistant.settings import Settings
from assistant.store import ChunkStore
from ingest.sync import Ingestor

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"chroma run exited: {(tmp_path / 'chroma.log').read_text()}")
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_ingest_and_query_through_a_chroma_server(
    tmp_path: Path, tiny_kb: Path, chroma_url: str, embedder: SentenceTransformerEmbedder
) -> None:
    settings = Settings(data_dir=tmp_path / "d", chroma_url=chroma_url, _env_file=None)  # type: ignore[call-arg]
    store = ChunkStore.from_settings(settings)
    assert store.location == chroma_url
    report = Ingestor(store, embedder, settings.data_dir).sync([tiny_kb])
    assert report.added == 6 and report.failed == 0
    assert not settings.chroma_path.exists()  # nothing went to the embedded store

    fresh = ChunkStore.from_settings(settings)  # a new client sees what the server holds
    hits = DenseRetriever(fresh, embedder).retrieve(
        Query("I was charged twice", Audience.agent("tier1"), k=3)
    )
    assert hits and hits[0].doc_id in {"kb-2", "pb-dup", "ticket-1"}


def test_a_bad_chroma_url_is_a_configuration_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chroma_url="localhost:8000", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(KbassistError) as info:
        ChunkStore.from_settings(settings)
    assert "KBASSIST_CHROMA_URL" in info.value.detail
