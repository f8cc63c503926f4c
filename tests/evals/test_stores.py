"""Eval stores: where they live, what their hash covers, and that a second run ingests nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.stores import MARKER, eval_settings, file_hash, kb_store, tree_hash
from ingest.chunking import RULES
from tests.conftest import write_tiny_kb


def test_eval_settings(settings: Settings) -> None:
    own = eval_settings(settings, "emanual_tv", "0123456789ab")
    chunking = f"c{settings.chunk_max_words}-{settings.chunk_overlap_words}"
    assert own.data_dir == settings.data_dir / "evalstores" / f"emanual_tv-0123456789ab-{chunking}"
    assert own.chroma_path == own.data_dir / "chroma"
    assert own.chroma_collection == settings.chroma_collection  # embedded: own path is enough
    remote = settings.model_copy(update={"chroma_url": "http://localhost:8000"})
    assert (
        eval_settings(remote, "my set!", "abc").chroma_collection == f"eval-my-set-abc-{chunking}"
    )
    finer = settings.model_copy(update={"chunk_max_words": 40, "chunk_overlap_words": 10})
    assert eval_settings(finer, "emanual_tv", "0123456789ab").data_dir.name.endswith("-c40-10")


def test_hashes(tmp_path: Path) -> None:
    kb = write_tiny_kb(tmp_path / "kb")
    first = tree_hash([kb])
    assert len(first) == 12 and first == tree_hash([kb])
    (kb / ".hidden").write_text("editor state")
    (kb / "articles" / "README.md").write_text("not content")
    assert tree_hash([kb]) == first  # what a source walk skips does not count
    (kb / "articles" / "kb-1.md").write_text("changed")
    assert tree_hash([kb]) != first
    assert len(file_hash(kb / "articles" / "kb-1.md")) == 12


@pytest.mark.slow
def test_second_run_finds_the_store(settings: Settings, tmp_path: Path) -> None:
    kb = write_tiny_kb(tmp_path / "kb")
    first = kb_store(settings, [kb])
    assert first.ingested is not None and first.ingested.added == 6
    assert first.path.parent == settings.data_dir / "evalstores"
    assert first.path.name.startswith(f"kb-{tree_hash([kb])}-c")
    assert json.loads((first.path / MARKER).read_text())["documents"] == 6
    assert first.services.lexical.is_current()  # the BM25 index was built with it
    second = kb_store(settings, [kb])
    assert second.ingested is None and second.path == first.path
    assert second.services.store.count() == first.services.store.count() > 0
    assert not (settings.data_dir / "chroma").exists()  # the main store is untouched


@pytest.mark.slow
def test_a_cached_store_gets_indexes_it_predates(settings: Settings, tmp_path: Path) -> None:
    import shutil

    kb = write_tiny_kb(tmp_path / "kb")
    first = kb_store(settings, [kb])
    shutil.rmtree(first.services.window_lexical.path)  # as if built before that index existed
    second = kb_store(settings, [kb])
    assert second.ingested is None
    assert second.services.window_lexical.is_current()


@pytest.mark.slow
def test_a_cached_store_chunked_under_older_rules_is_rechunked(
    settings: Settings, tmp_path: Path
) -> None:
    kb = write_tiny_kb(tmp_path / "kb")
    first = kb_store(settings, [kb])
    marker = first.path / MARKER
    built = json.loads(marker.read_text())
    assert built["chunk_rules"] == RULES
    marker.write_text(json.dumps({**built, "chunk_rules": RULES - 1}))
    config = first.path / "ingest-config.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "chunk_rules": RULES - 1}))
    second = kb_store(settings, [kb])
    assert second.path == first.path and second.ingested is not None
    assert second.ingested.reconfigured and second.ingested.updated == 6
    assert json.loads(marker.read_text())["chunk_rules"] == RULES
    assert kb_store(settings, [kb]).ingested is None  # and then found as before
