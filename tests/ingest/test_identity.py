"""Stable document identity: however a folder is spelled, its documents are the same ones.

Against a real embedded Chroma store and the real model (the embedder counts what it embeds).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from assistant.store import ChunkStore
from ingest.sources import SourceOptions
from ingest.sources.identity import rewrite_doc_hashes
from ingest.sync import DocStoreFile
from tests.ingest.test_sync import CountingEmbedder, make_ingestor

pytestmark = pytest.mark.slow
SPELLINGS = ("kb", "./kb", "absolute", "inside")
DOCS = SourceOptions(type="docs", base_url="https://docs.example.com/")


def spelled(spelling: str, kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder ``kb`` as a user would type it (changing directory for the inside one)."""
    monkeypatch.chdir(kb.parent)
    if spelling == "absolute":
        return kb.resolve()
    if spelling == "inside":
        monkeypatch.chdir(kb)
        return Path(".")
    return Path(spelling)


def write_site(root: Path) -> Path:
    for rel, title in (("_index.md", "Home"), ("guide/index.md", "Guide"), ("faq.md", "FAQ")):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {title}\n---\nHow {title} works, step by step.\n")
    return root


def stored_sources(settings: Settings) -> dict[str, str]:
    data = json.loads((settings.data_dir / "docstore.json").read_text())
    docs = data["docstore/data"]
    return {doc_id: entry["__data__"]["metadata"]["source_path"] for doc_id, entry in docs.items()}


def write_older_store(settings: Settings, cwd: Path) -> None:
    """Make the store what an older kbassist wrote: source_path as spelled on the command line
    (relative to ``cwd``), and the document hashes (in the docstore and on every chunk) of
    documents carrying that path."""
    docs = DocStoreFile(settings.data_dir / "docstore.json")
    hashes = {}
    for doc_id in list(docs.docstore.docs):
        doc = docs.docstore.get_document(doc_id)
        assert doc is not None
        doc.metadata["source_path"] = str(Path(doc.metadata["source_path"]).relative_to(cwd))
        docs.docstore.add_documents([doc], allow_update=True)
        docs.docstore.set_document_hash(doc_id, doc.hash)
        hashes[doc_id] = doc.hash
    docs.save()
    rewrite_doc_hashes(ChunkStore.from_settings(settings).collection, hashes)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_a_folder_embeds_nothing_new(
    spelling: str,
    settings: Settings,
    tiny_kb: Path,
    embedder: SentenceTransformerEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tiny_kb.parent)
    make_ingestor(settings, embedder).sync([Path("kb")])
    counting = CountingEmbedder(embedder)
    report = make_ingestor(settings, counting).sync(
        [spelled(spelling, tiny_kb, monkeypatch)], prune=True
    )
    assert report.counts() == {
        "added": 0,
        "updated": 0,
        "unchanged": 6,
        "deleted": 0,
        "skipped": 1,
        "failed": 0,
    }
    assert counting.texts == 0
    assert set(stored_sources(settings).values()) <= {
        str(p) for p in tiny_kb.resolve().rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_docs_site_under_every_spelling_is_one_set_of_pages_and_prune_is_exact(
    spelling: str,
    settings: Settings,
    tmp_path: Path,
    embedder: SentenceTransformerEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = write_site(tmp_path / "kb")
    monkeypatch.chdir(tmp_path)
    first = make_ingestor(settings, embedder).sync([Path("kb")], options=DOCS)
    assert (first.added, first.failed) == (3, 0)
    (site / "faq.md").unlink()
    counting = CountingEmbedder(embedder)
    path = spelled(spelling, site, monkeypatch)
    report = make_ingestor(settings, counting).sync([path], prune=True, options=DOCS)
    assert (report.unchanged, report.deleted, report.added, counting.texts) == (2, 1, 0, 0)
    assert sorted(stored_sources(settings)) == ["kb/_index.md", "kb/guide/index.md"]
    rows = ChunkStore.from_settings(settings).collection.get(include=["metadatas"])
    assert {m["doc_id"] for m in rows["metadatas"] or []} == {"kb/_index.md", "kb/guide/index.md"}


def test_an_older_store_migrates_without_embedding_and_prunes_from_inside(
    settings: Settings,
    tiny_kb: Path,
    embedder: SentenceTransformerEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tiny_kb.parent)
    make_ingestor(settings, embedder).sync([Path("kb")])
    write_older_store(settings, tiny_kb.parent)
    assert stored_sources(settings)["kb-1"] == "kb/articles/kb-1.md"
    (tiny_kb / "articles" / "kb-2.md").unlink()
    monkeypatch.chdir(tiny_kb)
    counting = CountingEmbedder(embedder)
    report = make_ingestor(settings, counting).sync([Path(".")], prune=True)
    assert (report.unchanged, report.relocated, report.deleted, report.added) == (5, 5, 1, 0)
    assert counting.texts == 0
    sources = stored_sources(settings)
    assert "kb-2" not in sources
    assert sources["kb-1"] == str(tiny_kb.resolve() / "articles" / "kb-1.md")
    # each chunk's doc_hash was rewritten to the document's new hash: the next run is a no-op
    store = ChunkStore.from_settings(settings)
    rows = store.collection.get(where={"doc_id": "kb-1"}, include=["metadatas"])
    data = json.loads((settings.data_dir / "docstore.json").read_text())
    new_hash = data["docstore/metadata"]["kb-1"]["doc_hash"]
    assert {m["doc_hash"] for m in rows["metadatas"] or []} == {new_hash}
    again = make_ingestor(settings, counting).sync([Path(".")], prune=True)
    assert (again.unchanged, again.relocated, counting.texts) == (5, 0, 0)
