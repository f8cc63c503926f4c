"""An ingest killed (SIGKILL) at any of many points, then run again, converges to the store a
clean ingest makes: the same chunks, docstore, dense neighbours and BM25 index.

Each kill runs ``kbassist``'s ``Ingestor`` in a child process that SIGKILLs itself before or after
the n-th call of one step (a Chroma add or delete, a docstore save, the generation bump, an index
rebuild): no environment variable or test hook in the product. A hashing embedder stands in for
the model, so each child starts in seconds; the model plays no part in what is tested here.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.access import Audience
from assistant.chroma import BatchedChromaVectorStore
from assistant.retrieval import Query
from assistant.retrieval.lexical import LexicalIndex
from assistant.settings import Settings
from assistant.store import ChunkStore
from ingest import sync
from ingest.sync import DocStoreFile, Ingestor
from tests.conftest import write_tiny_kb

pytestmark = pytest.mark.slow

QUERIES = ["charged twice refund", "reset password link", "move workspace region"]


class HashingEmbedder:
    """Bag of hashed words, unit length: deterministic, and close for texts sharing words."""

    model_id = "test-hashing-384"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        vector = np.zeros(384)
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % 384] += 1.0
        norm = float(np.linalg.norm(vector)) or 1.0
        return (vector / norm).tolist()


def ingestor(data_dir: Path) -> Ingestor:
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    indexes = [LexicalIndex(data_dir), LexicalIndex(data_dir, window=2)]
    store = ChunkStore.from_settings(settings)
    return Ingestor(store, HashingEmbedder(), data_dir, slab_size=1, indexes=indexes)


def version_two(kb: Path) -> Path:
    """The KB changed: one article rewritten, one added, one deleted (a --prune run)."""
    one = kb / "articles" / "kb-1.md"
    one.write_text(one.read_text().replace("within 60 minutes", "within 15 minutes, then sign in"))
    (kb / "articles" / "kb-3.md").unlink()
    (kb / "articles" / "kb-4.md").write_text(
        "---\nid: kb-4\ntitle: Move a workspace\nvisibility: public\n---\n# Move a workspace\n\n"
        "A workspace can move to another region. The owner confirms the target region first.\n"
    )
    return kb


def state(data_dir: Path) -> dict[str, Any]:
    """What a user of the store sees: chunks, docstore hashes, dense neighbours, BM25 hits."""
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    store = ChunkStore.from_settings(settings)
    got = store.collection.get(include=["documents", "metadatas"])
    rows = zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
    embedder, audience = HashingEmbedder(), Audience.agent("tier1", "tier2")
    lexical = LexicalIndex(data_dir)
    docs = DocStoreFile(data_dir / "docstore.json").docstore
    return {
        "chunks": sorted((i, d or "", str(m["content_hash"])) for i, d, m in rows),
        "docstore": sorted(docs.get_all_document_hashes().items()),
        "dense": [_neighbours(store, embedder.embed_query(q)) for q in QUERIES],
        "bm25": [[c.chunk_id for c in lexical.retrieve(Query(q, audience, k=5))] for q in QUERIES],
        "bm25_current": lexical.is_current() and LexicalIndex(data_dir, window=2).is_current(),
        "journal": (data_dir / "ingest.journal").exists(),
    }


def _neighbours(store: ChunkStore, vector: list[float]) -> list[tuple[str, float]]:
    """The chunks sharing words with the query (ties in any order; unrelated ones all tie)."""
    hits = [(i, round(score, 4)) for i, score in store.nearest(vector, 50) if score > 0.05]
    return sorted(hits, key=lambda hit: (-hit[1], hit[0]))


# (step, n-th call, before or after it): where the child kills itself
KILL_POINTS = [
    ("add", 1, "before"),
    ("add", 1, "after"),
    ("add", 2, "after"),
    ("upsert_delete", 1, "before"),
    ("upsert_delete", 1, "after"),
    ("save", 1, "before"),
    ("save", 2, "after"),
    ("prune", 1, "before"),
    ("prune", 1, "after"),
    ("bump", 1, "before"),  # the store is about to change
    ("bump", 1, "after"),
    ("bump", 3, "before"),  # the store changed (upserts and prune), its indexes are not rebuilt
    ("bump", 3, "after"),
    ("rebuild", 1, "after"),
    ("rebuild", 2, "before"),
]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """A store of the first version of the KB, the KB's folder changed to its second version
    (the same folder: identity and pruning follow it), and the state a clean ingest of the
    second version gives."""
    root = tmp_path_factory.mktemp("kill")
    kb = write_tiny_kb(root / "kb")
    assert ingestor(root / "v1").sync([kb]).ok
    version_two(kb)
    assert ingestor(root / "clean").sync([kb]).ok
    return root / "v1", kb, state(root / "clean")


@pytest.mark.parametrize(("step", "nth", "when"), KILL_POINTS)
def test_an_ingest_killed_then_rerun_converges(
    tmp_path: Path, baseline: tuple[Path, Path, dict[str, Any]], step: str, nth: int, when: str
) -> None:
    v1, v2, clean = baseline
    data = Path(shutil.copytree(v1, tmp_path / "data"))
    where = [str(data), str(v2), step, str(nth), when]
    child = subprocess.run(
        [sys.executable, "-m", "tests.ingest.test_sync_kill_points", *where],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr  # it was killed
    assert state(data) != clean  # the kill left work undone

    report = ingestor(data).sync([v2], prune=True)
    assert report.ok
    assert state(data) == clean


def _kill_at(owner: Any, name: str, nth: int, when: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)
    calls = [0]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == nth and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if calls[0] == nth and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapped)


def _child(data: str, kb: str, step: str, nth: str, when: str) -> None:
    owners: dict[str, tuple[Any, str]] = {
        "add": (BatchedChromaVectorStore, "add"),
        "upsert_delete": (BatchedChromaVectorStore, "delete"),
        "save": (DocStoreFile, "save"),
        "prune": (ChunkStore, "delete_documents"),
        "bump": (sync, "bump_generation"),
        "rebuild": (LexicalIndex, "rebuild"),
    }
    _kill_at(*owners[step], int(nth), when)
    ingestor(Path(data)).sync([Path(kb)], prune=True)


if __name__ == "__main__":
    _child(*sys.argv[1:6])
