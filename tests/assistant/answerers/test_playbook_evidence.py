"""The evidence read off a question's retrieval and a playbook's chunks."""

from __future__ import annotations

import json

import pytest

from assistant.answerers.playbook_evidence import (
    Words,
    first_documents,
    howto_similarity,
    supported,
    words_of,
)
from assistant.retrieval import RetrievedChunk


def chunk(
    doc: str, source_type: str, text: str = "", dense: float = 0.0, **meta: object
) -> RetrievedChunk:
    metadata = {"source_type": source_type, "doc_id": doc, **meta}
    return RetrievedChunk(f"{doc}:0", doc, text, metadata, dense, signals={"dense": dense})


def test_a_link_counts_as_its_page_however_the_address_is_written() -> None:
    found = first_documents([chunk("kb-1", "article", url="https://help.example/a/kb-1/ ")])
    step = chunk(
        "pb-x",
        "playbook",
        actions=json.dumps([{"kind": "link", "url": "https://help.example/a/kb-1"}]),
    )
    assert supported("pb-x", found, lambda: [step]) == 1.0
    assert supported("pb-y", found, lambda: []) == 0.0
    assert supported("kb-1", found, lambda: pytest.fail("read although it was found")) == 1.0


def test_the_how_to_passage_is_an_article_never_a_playbook_or_a_ticket() -> None:
    retrieved = [
        chunk("pb-x", "playbook", dense=0.9),
        chunk("t-1", "ticket", dense=0.8),
        chunk("kb-1", "article", dense=0.4),
    ]
    assert howto_similarity(retrieved) == pytest.approx(0.4)
    assert howto_similarity(retrieved[:2]) is None


def test_the_words_margin_is_the_playbooks_share_less_the_best_articles() -> None:
    retrieved = [
        chunk("kb-1", "article", "Refunds take five days."),
        chunk("kb-2", "article", "A goodwill credit shows on the invoice."),
        chunk("pb-x", "playbook", "goodwill credit limit billing lead"),  # not a how-to
    ]
    words = words_of("goodwill credit limit", retrieved, None)  # every word weighs the same
    assert words.best == pytest.approx(2 / 3)  # kb-2 holds goodwill and credit
    playbook = [chunk("pb-x", "playbook", "A goodwill credit over the limit needs approval.")]
    assert words.margin(playbook) == pytest.approx(1 / 3)
    assert words.bounds() == pytest.approx((-2 / 3, 1 / 3))
    # nothing to weigh against: no evidence either way
    assert words_of("goodwill credit", [], None).margin(playbook) == 0.0
    # a question without content words: every playbook holds none of them, so one margin
    assert Words({}, 0.5).bounds() == (-0.5, -0.5)
