"""Dense retrieval against a real embedded Chroma: visibility holds however the neighbours fall."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from llama_index.core.schema import TextNode

from assistant.access import Audience, visibility_flags
from assistant.retrieval import Filters, Query
from assistant.retrieval.dense import DenseRetriever
from assistant.retrieval.filters import chroma_where, matches
from assistant.settings import Settings
from assistant.store import ChunkHit, ChunkStore


class FixedEmbedder:
    model_id = "fixed"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [[1.0, 0.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0, 0.0]


def store_with(tmp_path: Path, restricted: int, public: int) -> ChunkStore:
    """``restricted`` tier2-only chunks right at the query, ``public`` ones further away."""
    store = ChunkStore.from_settings(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    ids: list[str] = []
    vectors: list[Any] = []
    metas: list[Any] = []
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


SELECTIVE_SIZE, ONE_IN = 1000, 50  # the selective audience sees 2% of the store


@pytest.fixture(scope="module")
def selective_store(tmp_path_factory: pytest.TempPathFactory) -> ChunkStore:
    """Random unit vectors; one chunk in 50 is public and of product p7, the rest internal and
    spread over other products."""
    path = tmp_path_factory.mktemp("selective")
    store = ChunkStore.from_settings(Settings(data_dir=path, _env_file=None))  # type: ignore[call-arg]
    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(SELECTIVE_SIZE, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    metas: list[Any] = []
    for i in range(SELECTIVE_SIZE):
        chosen = i % ONE_IN == 0
        visibility = "public" if chosen else "internal"
        product = "p7" if chosen else f"p{i % 7}"
        metas.append({"doc_id": f"d{i}", "product": product, **visibility_flags(visibility)})
    store.collection.add(
        ids=[f"d{i}::0" for i in range(SELECTIVE_SIZE)],
        embeddings=vectors.tolist(),
        metadatas=metas,
        documents=[f"chunk {i}" for i in range(SELECTIVE_SIZE)],
    )
    return store


def spy_filtered_queries(store: ChunkStore, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records the ``where`` of each filtered Chroma query (the scanning, slow path)."""
    calls: list[Any] = []
    query = store.query

    def recorded(embedding: list[float], k: int, where: Any = None) -> list[ChunkHit]:
        if where is not None:
            calls.append(where)
        return query(embedding, k, where)

    monkeypatch.setattr(store, "query", recorded)
    return calls


def exact_filtered(store: ChunkStore, vector: list[float], query: Query) -> list[str]:
    where = chroma_where(query.audience, query.filters)
    return [h.chunk_id for h in store.query(vector, query.k, where)]


SELECTIVE = [
    pytest.param(Audience.customer(), Filters(), id="customer sees public only"),
    pytest.param(Audience.agent("tier1"), Filters(products=("p7",)), id="agent filters a product"),
]


@pytest.mark.parametrize(("audience", "filters"), SELECTIVE)
def test_a_selective_audience_gets_its_k_best_allowed_chunks_without_the_filtered_scan(
    selective_store: ChunkStore,
    monkeypatch: pytest.MonkeyPatch,
    audience: Audience,
    filters: Filters,
) -> None:
    retriever = DenseRetriever(selective_store, FixedEmbedder())
    rng = np.random.default_rng(5)
    expected = []
    for _ in range(5):
        vector = rng.normal(size=8)
        query = Query("q", audience, filters, k=5)
        vector_list = (vector / np.linalg.norm(vector)).tolist()
        expected.append((vector_list, query, exact_filtered(selective_store, vector_list, query)))
    filtered = spy_filtered_queries(selective_store, monkeypatch)
    for vector_list, query, exact in expected:
        got = retriever.retrieve_vector(vector_list, query)
        assert [c.chunk_id for c in got] == exact
        assert all(c.metadata.get("vis_public") and c.metadata["product"] == "p7" for c in got)
    assert filtered == []  # served from wider unfiltered candidate sets


def test_when_even_the_widest_candidate_set_admits_too_few_the_exact_filter_answers(
    selective_store: ChunkStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = DenseRetriever(selective_store, FixedEmbedder(), max_width=100)
    vector = [1.0] + [0.0] * 7
    query = Query("q", Audience.customer(), k=8)  # ~2 public chunks in 100 candidates
    exact = exact_filtered(selective_store, vector, query)
    filtered = spy_filtered_queries(selective_store, monkeypatch)
    got = [c.chunk_id for c in retriever.retrieve_vector(vector, query)]
    assert got == exact and len(got) == 8
    assert len(filtered) == 1


def test_an_audience_with_fewer_allowed_chunks_than_k_gets_all_of_them_and_nothing_else(
    selective_store: ChunkStore,
) -> None:
    retriever = DenseRetriever(selective_store, FixedEmbedder())
    got = retriever.retrieve_vector([1.0] + [0.0] * 7, Query("q", Audience.customer(), k=50))
    assert sorted(int(c.doc_id[1:]) for c in got) == list(range(0, SELECTIVE_SIZE, ONE_IN))


def counted(store: ChunkStore) -> Any:
    """The admitted count as the BM25 index's mask gives it, here from the store's own rows."""
    rows = store.collection.get(include=["metadatas"])
    metas = rows["metadatas"] or []

    def count(query: Query) -> tuple[int, int]:
        return sum(matches(dict(m), query.audience, query.filters) for m in metas), len(metas)

    return count


def spy_queries(store: ChunkStore, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Any]]:
    """Records each Chroma query: its width and its ``where`` (None: unfiltered)."""
    calls: list[tuple[int, Any]] = []
    query = store.query

    def recorded(embedding: list[float], k: int, where: Any = None) -> list[ChunkHit]:
        calls.append((k, where))
        return query(embedding, k, where)

    monkeypatch.setattr(store, "query", recorded)
    return calls


def test_with_the_admitted_count_nothing_admitted_searches_nothing(
    selective_store: ChunkStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = DenseRetriever(selective_store, FixedEmbedder(), count=counted(selective_store))
    calls = spy_queries(selective_store, monkeypatch)
    query = Query("q", Audience.agent("tier1"), Filters(source_types=("playbook",)), k=24)
    assert retriever.retrieve_vector([1.0] + [0.0] * 7, query) == []
    assert calls == []


@pytest.mark.parametrize(("max_width", "searches", "scans"), [(4000, 1, 0), (100, 0, 1)])
def test_with_the_admitted_count_the_first_candidate_set_is_sized_by_the_share(
    selective_store: ChunkStore,
    monkeypatch: pytest.MonkeyPatch,
    max_width: int,
    searches: int,
    scans: int,
) -> None:
    retriever = DenseRetriever(
        selective_store,
        FixedEmbedder(),
        count=counted(selective_store),
        max_width=max_width,
    )
    vector = [1.0] + [0.0] * 7
    query = Query("q", Audience.customer(), k=8)  # ~2% of the chunks are public
    exact = exact_filtered(selective_store, vector, query)
    calls = spy_queries(selective_store, monkeypatch)
    assert [c.chunk_id for c in retriever.retrieve_vector(vector, query)] == exact
    unfiltered = [k for k, where in calls if where is None]
    assert len(unfiltered) == searches and len(calls) - len(unfiltered) == scans  # no widening


class CountingEmbedder(FixedEmbedder):
    def __init__(self) -> None:
        self.asked: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.asked.append(text)
        return super().embed_query(text)


def test_a_question_is_embedded_once_until_its_vector_is_forgotten(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    retriever = DenseRetriever(store_with(tmp_path, restricted=0, public=3), embedder)
    query = Query("refund window", Audience.agent("tier1"), k=2)
    first = retriever.retrieve(query)
    assert retriever.retrieve(query) == first  # the playbook matcher's search, the same ask
    assert embedder.asked == ["refund window"]
    retriever.forget()
    assert retriever.retrieve(query) == first
    assert embedder.asked == ["refund window", "refund window"]
