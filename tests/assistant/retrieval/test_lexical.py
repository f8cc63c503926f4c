"""BM25 over a real ingested store: ranking, masks, the row lookup, an index behind the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from llama_index.retrievers.bm25 import BM25Retriever

from assistant.access import Audience
from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.retrieval import Filters, Query
from assistant.retrieval.dense import DenseRetriever
from assistant.retrieval.filters import matches
from assistant.retrieval.lexical import bump_generation
from assistant.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def services(settings: Settings, tiny_kb: Path, embedder: SentenceTransformerEmbedder) -> Services:
    services = Services(settings)
    services.embedder = embedder
    assert services.ingestor.sync([tiny_kb]).ok
    return services


def test_bm25_ranks_the_matching_chunk_and_masks_what_the_caller_may_not_see(
    services: Services,
) -> None:
    question = "restore a deleted invoice"
    insider = services.lexical.retrieve(Query(question, Audience.agent("tier2"), k=3))
    assert insider[0].doc_id == "kb-3" and "restored" in insider[0].text
    outsider = services.lexical.retrieve(Query(question, Audience.agent("tier1"), k=10))
    assert "kb-3" not in {c.doc_id for c in outsider}


def test_window_hits_point_at_their_chunk_once(services: Services) -> None:
    hits = services.window_lexical.retrieve(Query("refund the duplicate charge", k=20))
    ids = [c.chunk_id for c in hits]
    assert ids and len(ids) == len(set(ids)) and not any("#w" in i for i in ids)
    assert hits[0].signals.keys() == {"bm25_w2"}


def test_lookup_serves_rows_only_while_the_index_matches_the_store(services: Services) -> None:
    ids = [h.chunk_id for h in services.store.get_chunks(["kb-1::0", "kb-2::0"])]
    assert len(ids) == 2
    rows = services.lexical.lookup([*ids, "no-such::0"])
    stored = {h.chunk_id: h for h in services.store.get_chunks(ids)}
    assert rows.keys() == set(ids)
    for chunk_id, row in rows.items():
        assert row.text == stored[chunk_id].text
        assert row.metadata["vis_public"] == stored[chunk_id].metadata["vis_public"]
    bump_generation(services.settings.data_dir)  # another process changed the store
    assert services.lexical.lookup(ids) == {}


def test_admitted_rows_are_only_what_the_caller_may_see_and_held_ids_are_known(
    services: Services,
) -> None:
    ids = ["kb-1::0", "kb-3::0"]  # public; tier2 only
    assert len(services.store.get_chunks(ids)) == 2
    tier1 = Query("q", Audience.agent("tier1"))
    rows, known = services.lexical.admitted([*ids, "no-such::0"], tier1)
    assert set(rows) == {"kb-1::0"} and known == set(ids)
    assert rows["kb-1::0"].text == services.store.get_chunks(["kb-1::0"])[0].text
    invoicing = Query("q", Audience.agent("tier2"), Filters(products=("invoicing",)))
    assert set(services.lexical.admitted(ids, invoicing)[0]) == {"kb-3::0"}
    bump_generation(services.settings.data_dir)  # another process changed the store
    assert services.lexical.admitted(ids, tier1) == ({}, set())


def test_the_admitted_count_is_the_audiences_share_of_the_store(services: Services) -> None:
    total = services.store.count()
    for audience, filters in [
        (Audience.agent("tier1"), Filters()),
        (Audience.customer(), Filters()),
        (Audience.agent("tier2"), Filters(products=("invoicing",))),
        (Audience.agent("tier2"), Filters(source_types=("playbook",))),
    ]:
        rows = services.store.collection.get(include=["metadatas"])["metadatas"] or []
        expected = sum(matches(dict(m), audience, filters) for m in rows)
        assert services.lexical.admitted_count(Query("q", audience, filters)) == (expected, total)
    bump_generation(services.settings.data_dir)  # another process changed the store: unknown
    assert services.lexical.admitted_count(Query("q", Audience.agent("tier1"))) is None


def test_dense_search_with_the_lookup_returns_what_the_store_alone_returns(
    services: Services,
) -> None:
    plain = DenseRetriever(services.store, services.embedder)
    for audience in (Audience.agent("tier1"), Audience.agent("tier2"), Audience.customer()):
        query = Query("customer charged twice", audience, k=5)
        expected = [(c.chunk_id, c.text) for c in plain.retrieve(query)]
        assert [(c.chunk_id, c.text) for c in services.dense.retrieve(query)] == expected


def test_a_chunk_whose_visibility_was_just_narrowed_is_withheld_before_the_index_catches_up(
    services: Services, tiny_kb: Path
) -> None:
    article = tiny_kb / "articles" / "kb-1.md"
    article.write_text(article.read_text().replace("visibility: public", "visibility: internal"))
    services.ingestor.indexes = []  # the store changes; the BM25 indexes lag behind
    assert services.ingestor.sync([tiny_kb]).updated == 1
    query = Query("forgot my password reset link", Audience.customer(), k=5)
    assert "kb-1" in {c.doc_id for c in services.lexical.retrieve(query)}  # the stale index
    assert "kb-1" not in {c.doc_id for c in services.retriever.retrieve(query)}
    agent = Query("forgot my password reset link", Audience.agent("tier1"), k=5)
    assert services.retriever.retrieve(agent)[0].doc_id == "kb-1"


def test_masks_for_many_audiences_stay_bounded_and_correct(services: Services) -> None:
    for i in range(40):  # 40 distinct teams: each a mask of the whole corpus
        services.lexical.retrieve(Query("refund", Audience.agent(f"team{i}"), k=3))
    assert len(services.lexical._masks) <= 32
    hits = services.lexical.retrieve(Query("restore a deleted invoice", Audience.agent("tier2")))
    assert hits[0].doc_id == "kb-3"  # an evicted audience's mask is simply built again


def test_an_index_read_before_an_ingest_swapped_it_is_replaced_once_the_new_one_lands(
    services: Services, tiny_kb: Path
) -> None:
    article = tiny_kb / "articles" / "kb-2.md"
    article.write_text(article.read_text() + "\nDuplicates are logged in the zanzibar ledger.\n")
    indexes, services.ingestor.indexes = services.ingestor.indexes, []
    assert services.ingestor.sync([tiny_kb]).updated == 1  # the store has the new text ...
    query = Query("zanzibar ledger", Audience.agent("tier1"), k=3)
    assert services.lexical.retrieve(query) == []  # ... a query meanwhile reads the old index
    for index in indexes:
        index.rebuild(services.store)  # the ingest's new index lands
    assert [c.doc_id for c in services.lexical.retrieve(query)][:1] == ["kb-2"]
    assert services.lexical.lookup(["kb-2::0"]).keys() == {"kb-2::0"}  # rows current again


def test_a_read_that_meets_the_index_being_swapped_is_tried_again(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    load = BM25Retriever.from_persist_dir
    calls: list[str] = []

    def swapped_once(path: str) -> BM25Retriever:
        calls.append(path)
        if len(calls) == 1:  # an ingest renamed the directory away mid-read
            raise FileNotFoundError(f"{path}/vocab.index.json")
        return load(path)

    monkeypatch.setattr(BM25Retriever, "from_persist_dir", staticmethod(swapped_once))
    bump_generation(services.settings.data_dir)
    services.lexical.rebuild(services.store)  # a new index for the loaded one to be replaced by
    hits = services.lexical.retrieve(Query("refund the duplicate charge", k=3))
    assert len(calls) == 2 and hits and hits[0].doc_id == "kb-2"
