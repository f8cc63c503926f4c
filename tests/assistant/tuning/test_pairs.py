"""Training pairs come from the knowledge base's structure and agents' judgements, and never
from evaluation questions."""

from __future__ import annotations

from pathlib import Path

from assistant.access import Audience
from assistant.records import DecisionIn
from assistant.service import SupportService
from assistant.suggestion import AskRequest
from assistant.suggestion_db import SqlSuggestionStore
from assistant.tuning.pairs import (
    DecidedPassage,
    Row,
    build_pairs,
    counts,
    held_out,
    with_hard_negatives,
)
from assistant.tuning.votes import SqlDecisions
from tests.assistant.test_service import FakeAssistant, make_record

ARTICLE = (
    "Open Payments and find both charges. The second charge is refunded in full. "
    "The customer sees the refund within five business days."
)


def meta(doc: str, source_type: str, title: str, section: str) -> dict[str, str]:
    return {"doc_id": doc, "source_type": source_type, "title": title, "section": section}


ROWS: list[Row] = [
    (
        "a::0",
        ARTICLE,
        meta("a", "article", "Refund a duplicate charge", "Refund a duplicate charge > Steps"),
    ),
    (
        "t::0",
        "My card was charged twice for one invoice.",
        meta("t", "ticket", "Charged twice", "Charged twice > Problem"),
    ),
    (
        "t::1",
        "I refunded the duplicate charge.",
        meta("t", "ticket", "Charged twice", "Charged twice > Resolution"),
    ),
    (
        "p::0",
        "- Customer was charged twice for the same invoice",
        meta("p", "playbook", "Duplicate", "Duplicate > When to use"),
    ),
    (
        "p::1",
        "1. Confirm both charges. 2. Refund the duplicate.",
        meta("p", "playbook", "Duplicate", "Duplicate > Steps 1-2"),
    ),
]


def test_each_kind_of_structure_gives_its_pairs() -> None:
    pairs = build_pairs(ROWS)
    assert counts(pairs) == {"cloze": 1, "playbook": 1, "ticket": 1, "title": 1}
    by_kind = {p.kind: p for p in pairs}
    assert by_kind["title"].anchor == "Refund a duplicate charge > Steps"
    assert by_kind["ticket"].anchor.startswith("My card was charged twice")
    assert by_kind["ticket"].positive == "I refunded the duplicate charge."
    assert by_kind["playbook"].positive.startswith("1. Confirm both charges")
    cloze = by_kind["cloze"]
    assert cloze.anchor in ARTICLE and cloze.anchor not in cloze.positive


def test_more_cloze_pairs_per_passage_each_leave_their_sentence_out() -> None:
    one = [p for p in build_pairs(ROWS) if p.kind == "cloze"]
    three = [p for p in build_pairs(ROWS, cloze=3) if p.kind == "cloze"]
    assert len(three) == 3 and len({p.anchor for p in three}) == 3
    assert one[0].anchor in {p.anchor for p in three}  # the first pick is one passage's one
    for pair in three:
        assert pair.anchor in ARTICLE and pair.anchor not in pair.positive
        assert len(pair.positive.split(". ")) == 2  # the other two sentences


def test_judged_passages_become_pairs_with_wrong_ones_as_negatives() -> None:
    decided = [
        DecidedPassage("customer charged twice what now", "a::0", True),
        DecidedPassage("customer charged twice what now", "t::1", False),
    ]
    pairs = [p for p in build_pairs(ROWS, decided) if p.kind == "decision"]
    assert len(pairs) == 1
    assert "Refund a duplicate charge" in pairs[0].positive  # embedded with its title
    assert pairs[0].negative is not None and "I refunded" in pairs[0].negative


def test_no_gold_question_reaches_the_training_pairs() -> None:
    gold = ["Customer was charged twice, what now?", "refund a duplicate charge > steps"]
    decided = [DecidedPassage("Customer was charged  twice, what now?", "a::0", True)]
    pairs = build_pairs(ROWS, decided, excluded=gold)
    anchors = {" ".join(p.anchor.lower().split()) for p in pairs}
    assert not anchors & {" ".join(q.lower().split()) for q in gold}
    assert "decision" not in counts(pairs) and "title" not in counts(pairs)


def test_questions_asked_by_eval_runs_are_not_training_material(tmp_path: Path) -> None:
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    service = SupportService(FakeAssistant(), store)
    agent = make_record("s1").model_copy(update={"request": AskRequest(question="agent asked")})
    evaluated = make_record("s2").model_copy(
        update={"channel": "eval", "request": AskRequest(question="a gold question")}
    )
    for record in (agent, evaluated):
        store.save(record, Audience.agent("tier1"))
        service.decide(record.id, DecisionIn(action="accept", agent="a"))
    service.decide(
        "s1", DecisionIn(action="rate_citation", agent="a", citation_index=2, rating="wrong")
    )
    decided = SqlDecisions(store).decided_passages()
    assert {d.question for d in decided} == {"agent asked"}
    assert sorted((d.passage_chunk_id, d.good) for d in decided) == [
        ("kb-1#0", True),
        ("kb-2#0", False),
        ("kb-2#0", True),
    ]


def test_held_out_documents_are_not_trained_on() -> None:
    rows = [
        (f"d{i}::0", ARTICLE, meta(f"d{i}", "article", f"Title number {i}", f"Title number {i}"))
        for i in range(40)
    ]
    train, held = held_out(build_pairs(rows))
    assert held and train
    assert not {p.doc_id for p in train} & {p.doc_id for p in held}
    assert len({p.doc_id for p in held}) == 4


def test_bm25_gives_each_pair_a_hard_negative_from_another_document() -> None:
    pairs = build_pairs(ROWS)

    def search(text: str) -> list[tuple[str, str]]:
        return [("t", "I refunded the duplicate charge."), ("a", ARTICLE)]

    hard = with_hard_negatives(pairs, search)
    for before, after in zip(pairs, hard, strict=True):
        expected = ARTICLE if before.doc_id == "t" else "I refunded the duplicate charge."
        assert after.negative == expected
        assert (after.anchor, after.positive) == (before.anchor, before.positive)
    assert with_hard_negatives(pairs, lambda text: []) == pairs
