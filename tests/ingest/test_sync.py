"""Incremental sync against a real embedded Chroma store and the real embedding model."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from assistant.store import ChunkStore
from ingest.chunking import RULES, StructureChunker
from ingest.sync import Ingestor

pytestmark = pytest.mark.slow


class CountingEmbedder:
    """The real embedder, counting how many texts it was asked to embed."""

    def __init__(self, inner: SentenceTransformerEmbedder, fail_after: int | None = None) -> None:
        self.inner = inner
        self.texts = 0
        self.calls = 0
        self.fail_after = fail_after

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt("simulated kill")
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def make_ingestor(settings: Settings, embedder: Any, slab_size: int = 256) -> Ingestor:
    return Ingestor(
        ChunkStore.from_settings(settings), embedder, settings.data_dir, slab_size=slab_size
    )


def snapshot(settings: Settings) -> list[tuple[str, str, str]]:
    """Every chunk as (id, text, content hash): what a user of the store would see."""
    got = ChunkStore.from_settings(settings).collection.get(include=["documents", "metadatas"])
    rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
    return sorted((i, d or "", str(m["content_hash"])) for i, d, m in rows)


def chunks_of(settings: Settings, doc_id: str) -> list[str]:
    got = ChunkStore.from_settings(settings).collection.get(
        where={"doc_id": doc_id}, include=["documents"]
    )
    return [d or "" for d in got["documents"] or []]


def test_first_ingest_adds_every_document_and_skips_open_tickets(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    report = make_ingestor(settings, embedder).sync([tiny_kb])
    assert report.counts() == {
        "added": 6,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "skipped": 1,
        "failed": 0,
    }
    assert report.chunks == len(snapshot(settings)) > 6


def test_rerun_on_unchanged_input_embeds_nothing(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    make_ingestor(settings, embedder).sync([tiny_kb])
    before = snapshot(settings)
    counting = CountingEmbedder(embedder)
    report = make_ingestor(settings, counting).sync([tiny_kb])
    assert report.unchanged == 6 and report.added == report.updated == 0
    assert counting.texts == 0
    assert snapshot(settings) == before


def test_a_store_chunked_under_older_chunking_rules_is_rechunked_once(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    make_ingestor(settings, embedder).sync([tiny_kb])
    config = settings.data_dir / "ingest-config.json"
    recorded = json.loads(config.read_text())
    assert recorded["chunk_rules"] == RULES
    config.write_text(json.dumps({**recorded, "chunk_rules": RULES - 1}, sort_keys=True))
    report = make_ingestor(settings, embedder).sync([tiny_kb])
    assert report.reconfigured and report.updated == 6 and report.unchanged == 0
    again = make_ingestor(settings, embedder).sync([tiny_kb])
    assert not again.reconfigured and again.unchanged == 6


def test_new_chunking_settings_rechunk_every_document_once(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    make_ingestor(settings, embedder).sync([tiny_kb])
    coarse = snapshot(settings)
    finer = Ingestor(
        ChunkStore.from_settings(settings),
        embedder,
        settings.data_dir,
        chunker=StructureChunker(max_words=12, overlap_words=3),
    )
    report = finer.sync([tiny_kb])
    assert report.reconfigured and report.updated == 6 and report.unchanged == 0
    fine = snapshot(settings)
    assert len(fine) > len(coarse)
    again = finer.sync([tiny_kb])
    assert not again.reconfigured and again.unchanged == 6 and snapshot(settings) == fine
    back = make_ingestor(settings, embedder).sync([tiny_kb])  # and back to the default
    assert back.updated == 6 and snapshot(settings) == coarse


def test_changed_document_replaces_all_of_its_chunks(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    make_ingestor(settings, embedder).sync([tiny_kb])
    path = tiny_kb / "articles" / "kb-1.md"
    text = path.read_text().replace("within 60 minutes", "within 30 minutes")
    path.write_text(text.replace("## Steps", "## How to do it"))
    counting = CountingEmbedder(embedder)
    report = make_ingestor(settings, counting).sync([tiny_kb])
    assert (report.updated, report.unchanged, report.added) == (1, 5, 0)
    texts = chunks_of(settings, "kb-1")
    assert any("30 minutes" in t for t in texts)
    assert not any("60 minutes" in t for t in texts)
    assert counting.texts == len(texts)


def test_prune_deletes_documents_gone_from_the_source_and_only_with_prune(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    make_ingestor(settings, embedder).sync([tiny_kb])
    (tiny_kb / "articles" / "kb-2.md").unlink()
    kept = make_ingestor(settings, embedder).sync([tiny_kb])
    assert kept.deleted == 0 and chunks_of(settings, "kb-2")
    pruned = make_ingestor(settings, embedder).sync([tiny_kb], prune=True)
    assert pruned.deleted == 1
    assert chunks_of(settings, "kb-2") == []
    assert chunks_of(settings, "kb-1")


def test_prune_leaves_documents_of_other_sources_alone(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    make_ingestor(settings, embedder).sync([tiny_kb])
    report = make_ingestor(settings, embedder).sync([tiny_kb / "articles"], prune=True)
    assert report.deleted == 0
    assert chunks_of(settings, "pb-dup")


def test_bad_inputs_are_reported_and_the_rest_still_ingests(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    (tiny_kb / "articles" / "broken.md").write_text("---\nid: [unclosed\n---\n# x\n")
    with (tiny_kb / "tickets" / "export.jsonl").open("a") as handle:
        handle.write("{not json\n")
    report = make_ingestor(settings, embedder).sync([tiny_kb])
    assert report.failed == 2 and report.added == 6
    messages = [str(issue) for issue in report.issues]
    assert any("broken.md" in m for m in messages)
    assert any("export.jsonl:4" in m for m in messages)
    assert not report.ok


def test_a_broken_file_is_not_pruned_away(
    settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    make_ingestor(settings, embedder).sync([tiny_kb])
    (tiny_kb / "articles" / "kb-1.md").write_text("---\ntitle: [\n---\n")
    report = make_ingestor(settings, embedder).sync([tiny_kb], prune=True)
    assert report.failed == 1 and report.deleted == 0
    assert chunks_of(settings, "kb-1")


def test_a_run_killed_part_way_then_rerun_equals_one_clean_run(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    clean = Settings(data_dir=tmp_path / "clean", _env_file=None)  # type: ignore[call-arg]
    make_ingestor(clean, embedder, slab_size=2).sync([tiny_kb])

    crashed = Settings(data_dir=tmp_path / "crashed", _env_file=None)  # type: ignore[call-arg]
    dying = CountingEmbedder(embedder, fail_after=1)
    with pytest.raises(KeyboardInterrupt):
        make_ingestor(crashed, dying, slab_size=2).sync([tiny_kb])
    assert (crashed.data_dir / "ingest.journal").exists()

    report = make_ingestor(crashed, embedder, slab_size=2).sync([tiny_kb])
    assert report.failed == 0
    assert snapshot(crashed) == snapshot(clean)
    assert not (crashed.data_dir / "ingest.journal").exists()


def test_a_process_killed_mid_ingest_is_repaired_by_the_next_run(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    """SIGKILL a real ``kbassist ingest`` while a slab is in flight, then ingest again."""
    import os
    import signal
    import subprocess
    import sys
    import time

    clean = Settings(data_dir=tmp_path / "clean", _env_file=None)  # type: ignore[call-arg]
    make_ingestor(clean, embedder).sync([tiny_kb])

    killed = Settings(data_dir=tmp_path / "killed", _env_file=None)  # type: ignore[call-arg]
    journal = killed.data_dir / "ingest.journal"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TQDM_DISABLE": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "integrations.cli",
            "--data-dir",
            str(killed.data_dir),
            "ingest",
            str(tiny_kb),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert journal.exists(), "the ingest finished before it could be killed mid-slab"

    report = make_ingestor(killed, embedder).sync([tiny_kb])
    assert report.failed == 0
    assert snapshot(killed) == snapshot(clean)
