"""A running process sees another process's ingest: by words (BM25 reloads on the store's
generation) and by meaning (the embedded Chroma collection is reopened on it), without restart."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import chromadb
import pytest

from assistant import store
from assistant.access import Audience
from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.retrieval import Query
from assistant.settings import Settings

pytestmark = pytest.mark.slow

NEW_ARTICLE = textwrap.dedent(
    """\
    ---
    id: kb-new
    title: Move a workspace to another region
    url: https://help.example.com/articles/kb-new
    product: accounts
    visibility: public
    ---
    # Move a workspace to another region

    Workspaces can be migrated between data centres, for example from Frankfurt to Virginia.
    The migration keeps every user, invoice and attachment.

    ## Steps

    1. Ask the owner to confirm the target data centre.
    2. Schedule the migration outside business hours.
    """
)
BY_MEANING = "relocate our account data to a datacenter in the United States"
BY_WORDS = "migrated between data centres Frankfurt Virginia"


def ingest_elsewhere(data_dir: Path, folder: Path) -> None:
    """``kbassist ingest`` in a process of its own, as an operator would run it."""
    command = [sys.executable, "-m", "integrations.cli", "--data-dir", str(data_dir), "ingest"]
    done = subprocess.run(
        [*command, str(folder)], env={**os.environ}, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_running_process_finds_what_another_process_ingested(
    tmp_path: Path, tiny_kb: Path, embedder: SentenceTransformerEmbedder
) -> None:
    settings = Settings(data_dir=tmp_path / "data", answerer="extractive", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    services.embedder = embedder
    assert services.ingestor.sync([tiny_kb]).ok
    audience = Audience.agent("tier1")
    # the running side has loaded its indexes before the other process writes
    assert services.retriever.retrieve(Query(BY_MEANING, audience, k=3))
    stale = chromadb.PersistentClient(str(settings.chroma_path)).get_collection("kbassist")
    assert stale.query(query_embeddings=embedder.embed_query("x"), n_results=1)["ids"][0]

    extra = tmp_path / "extra" / "articles"
    extra.mkdir(parents=True)
    (extra / "kb-new.md").write_text(NEW_ARTICLE)
    ingest_elsewhere(settings.data_dir, extra.parent)

    # the problem this solves: a client opened before the ingest misses the new vectors
    stale_hits = stale.query(
        query_embeddings=embedder.embed_query(BY_MEANING), n_results=20, include=["metadatas"]
    )
    assert "kb-new" not in {(m or {}).get("doc_id") for m in (stale_hits["metadatas"] or [[]])[0]}

    dense = services.dense.retrieve(Query(BY_MEANING, audience, k=3))
    assert dense[0].doc_id == "kb-new", [c.doc_id for c in dense]
    words = services.lexical.retrieve(Query(BY_WORDS, audience, k=3))
    assert words[0].doc_id == "kb-new", [c.doc_id for c in words]
    fused = services.retriever.retrieve(Query(BY_MEANING, audience, k=3))
    assert fused[0].doc_id == "kb-new", [c.doc_id for c in fused]
    assert services.store.count() == stale.count()  # and the row count agrees


def test_a_replaced_collection_is_closed_only_once_nothing_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest's pipeline writes through the handle it took, even after queries moved to a
    newer one; that handle is closed (its memory given back) only when released."""
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    chunk_store = store.ChunkStore.from_settings(settings)
    first, closed = chunk_store.vector_store, []
    handle = chunk_store._handle
    handle.close = lambda: closed.append(True)
    monkeypatch.setattr(store, "_RETIRE_AFTER_S", 0.0)
    store.bump_generation(settings.data_dir)  # another process ingested
    assert chunk_store.vector_store is not first  # queries take a fresh handle
    chunk_store.count()
    assert not closed and first.client.count() == 0  # still usable by its holder
    del first
    chunk_store.count()
    assert closed == [True]
