"""Dense retrieval against a real embedded Chroma: visibility holds however the neighbours fall."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from llama_index.core.schema import TextNode

from assistant.access import Audience, visibility_flags
from assistant.retrieval import Query
from assistant.retrieval.dense import DenseRetriever
from assistant.settings import Settings
from assistant.store import ChunkStore


class FixedEmbedder:
    model_id = "fixed"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [[1.0, 0.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0, 0.0]


def store_with(tmp_path: Path, restricted: int, public: int) -> ChunkStore:
    """``restricted`` tier2-only chunks right at the query, ``public`` ones further away."""
    store = ChunkStore.from_settings(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    ids, vectors, metas = [], [], []
    for i in range(restricted):
        ids.append(f"secret-{i}::0")
        vectors.append([1.0, 0.01 * i, 0.0])
        metas.append({"doc_id": f"secret-{i}", **visibility_flags("team:tier2")})
    for i in range(public):
        ids.append(f"open-{i}::0")
        vectors.append([0.5, 0.5 + 0.01 * i, 0.2])
        metas.append({"doc_id": f"open-{i}", **visibility_flags("public")})
    store.collection.add(ids=ids, embeddings=vectors, metadatas=metas, documents=ids)
    return store


def test_restricted_neighbours_never_reach_an_outsider_and_do_not_starve_results(
    tmp_path: Path,
) -> None:
    store = store_with(tmp_path, restricted=60, public=5)  # the 40 nearest are all restricted
    retriever = DenseRetriever(store, FixedEmbedder())
    outsider = retriever.retrieve(Query("q", Audience.agent("tier1"), k=3))
    assert [c.doc_id for c in outsider] == ["open-0", "open-1", "open-2"]
    insider = retriever.retrieve(Query("q", Audience.agent("tier2"), k=3))
    assert all(c.doc_id.startswith("secret-") for c in insider)


def test_customer_facing_audience_gets_public_chunks_only(tmp_path: Path) -> None:
    store = store_with(tmp_path, restricted=3, public=3)
    chunks = DenseRetriever(store, FixedEmbedder()).retrieve(Query("q", Audience.customer(), k=6))
    assert {c.doc_id for c in chunks} == {"open-0", "open-1", "open-2"}


def test_an_add_larger_than_chromas_batch_limit_is_split(tmp_path: Path) -> None:
    store = ChunkStore.from_settings(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    limit = store.collection._client.get_max_batch_size()
    nodes = [
        TextNode(id_=f"doc::{i}", text=f"chunk {i}", embedding=[1.0, i / 10_000, 0.0])
        for i in range(limit + 10)
    ]
    added = store.vector_store.add(nodes)
    assert len(added) == limit + 10 and store.count() == limit + 10
