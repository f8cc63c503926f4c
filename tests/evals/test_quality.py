"""evals.quality on hand-built suggestions: what is observed, per-item checks, the averages."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answerers.reply import ReplyTemplate
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Citation, NextAction, Suggestion
from evals.gold import GoldItem
from evals.quality import (
    item_checks,
    item_problems,
    observe,
    off_topic,
    quality_metrics,
    summary_lines,
)
from evals.runner import Prediction, answer_metrics

TODAY = date(2026, 11, 22)


def chunk(
    doc: str, text: str, visibility: str = "public", review_by: str = "2027-01-01"
) -> RetrievedChunk:
    meta = {"visibility": visibility, "review_by": review_by, "source_type": "article"}
    return RetrievedChunk(f"{doc}::0", doc, text, meta, 1.0)


def cite(n: int, doc: str, source_type: str, chunk_id: str = "", snippet: str = "") -> Citation:
    return Citation(
        index=n,
        doc_id=doc,
        title=doc,
        source_type=source_type,
        chunk_id=chunk_id or f"{doc}::0",
        snippet=snippet,
    )


def test_observe_reads_the_first_mark_the_playbooks_and_the_draft() -> None:
    suggestion = Suggestion(
        answer="The customer wrote in [2]. Refunds take 30 days [1].",
        citations=[cite(1, "kb-1", "article"), cite(2, "ticket-7", "ticket")],
        next_actions=[
            NextAction(label="Refund", kind="refund", playbook_id="pb-dup"),
            NextAction(label="Escalate", kind="escalate", playbook_id="pb-dup"),
            NextAction(label="Macro", kind="macro", playbook_id="pb-other"),
        ],
        reply_draft=(
            "Hello,\nYou can request a full refund within 14 days of the charge.\n"
            "Our agents may refund duplicates up to 500 USD."
        ),
        confidence=0.7,
    )
    retrieved = [
        chunk("kb-1", "You can request a full refund within 30 days of the charge."),
        # past its review_by: stale even though retrieval did not flag it
        chunk(
            "kb-old",
            "You can request a full refund within 14 days of the charge.",
            "public",
            "2025-06-01",
        ),
        chunk("kb-int", "Our agents may refund duplicates up to 500 USD.", "internal"),
    ]
    seen = observe(suggestion, retrieved, TODAY)
    assert seen.top_cited == "ticket-7" and seen.first_source_type == "ticket"
    assert seen.action_playbooks == ["pb-dup", "pb-other"]
    assert seen.unsafe_draft == [
        "You can request a full refund within 14 days of the charge.",
        "Our agents may refund duplicates up to 500 USD.",
    ]


def test_a_cited_sibling_takes_its_documents_visibility() -> None:
    # a playbook step that was not retrieved itself: the playbook is internal
    steps = cite(
        1, "pb-dup", "playbook", "pb-dup::3", "Tier 1 may refund duplicates up to 500 USD."
    )
    suggestion = Suggestion(
        answer="Refund it [1].",
        citations=[steps],
        reply_draft="Tier 1 may refund duplicates up to 500 USD.",
        confidence=0.5,
    )
    internal = observe(suggestion, [chunk("pb-dup", "When to use", "internal")], TODAY)
    assert internal.unsafe_draft == ["Tier 1 may refund duplicates up to 500 USD."]
    public = observe(suggestion, [chunk("pb-dup", "When to use", "public")], TODAY)
    assert public.unsafe_draft == []


def prediction(item_id: str, split: str = "test", **fields: object) -> Prediction:
    base: dict[str, object] = {
        "item_id": item_id,
        "split": split,
        "answerable": True,
        "confidence": 0.9,
        "abstained": False,
        "answer": "",
        "cited": [],
        "retrieved": [],
        "actions": [],
        "latency_ms": 1.0,
    }
    return Prediction(**{**base, **fields})  # type: ignore[arg-type]


ITEMS = [
    GoldItem(
        id="a",
        question="How long is a reset link valid?",
        relevant={"kb-1": 2, "ticket-1": 1},
        must_contain=["60 minutes", "newest link"],
        playbook="none",
    ),
    GoldItem(
        id="b",
        question="Charged twice?",
        relevant={"pb-dup": 2, "kb-20": 2},
        must_contain=["500 USD"],
        next_actions=["refund"],
        playbook="pb-dup",
    ),
    GoldItem(id="c", question="Payroll?", answerable=False, tags=["unanswerable"]),
    GoldItem(id="d", question="Capital of Peru?", answerable=False, tags=["off_topic"]),
    GoldItem(id="e", question="Dev only", relevant={"kb-1": 1}, split="dev"),
]

PREDICTIONS = [
    # a: right document first, 1 of 2 facts, no actions (right: none fits) -> correct at 0.9;
    # its draft tells 1 of the 2 facts (the "More details" links do not count)
    prediction(
        "a",
        answer="Links are valid for 60 minutes [1]. Ask again [2].",
        top_cited="kb-1",
        first_source_type="article",
        draft="Hi,\n\nThanks for reaching out.\n\nLinks last 60 minutes.\n\n"
        "More details: https://help.example/newest-link\n\n"
        "Let me know if anything is unclear.\n\nBest regards,",
    ),
    # b: a ticket cited first (wrong), the fact stated, actions from pb-dup and pb-chargeback
    prediction(
        "b",
        confidence=0.6,
        answer="I paid twice [1]. Refund up to 500 USD [2].",
        top_cited="ticket-9",
        first_source_type="ticket",
        actions=["refund", "link"],
        action_playbooks=["pb-dup", "pb-chargeback"],
        unsafe_draft=["Tier 1 may refund up to 500 USD."],
    ),
    # c: in-domain unanswerable, answered at 0.55; d: off-topic, abstained at 0.1
    prediction(
        "c",
        answerable=False,
        confidence=0.55,
        answer="Payroll is [1].",
        top_cited="kb-3",
        first_source_type="article",
    ),
    prediction("d", answerable=False, confidence=0.1, abstained=True, answer="Not covered."),
    prediction("e", split="dev", confidence=0.2, abstained=True),
]


def test_item_checks_by_hand() -> None:
    a, b, c, d, _ = (item_checks(i, p) for i, p in zip(ITEMS, PREDICTIONS, strict=True))
    assert (a.top_citation, a.fact_recall, a.agent_facing_first) == (1.0, 0.5, 1.0)
    assert a.draft_fact_recall == 0.5 and c.draft_fact_recall is None
    assert a.next_actions is True and a.wrong_playbook is False and a.correct
    assert (b.top_citation, b.fact_recall, b.agent_facing_first) == (0.0, 1.0, 0.0)
    assert b.next_actions is False and b.wrong_playbook is True and b.unsafe_draft
    assert not b.correct  # wrong document first
    assert c.top_citation is None and c.next_actions is None and not c.correct
    assert d.agent_facing_first is None  # abstained: no answer to judge
    assert off_topic(ITEMS[3]) and not off_topic(ITEMS[2]) and not off_topic(ITEMS[0])
    cross = GoldItem(id="x:1", question="Q?", answerable=False, tags=["cross:mtrag"])
    assert off_topic(cross)


def test_quality_metrics_by_hand_on_the_test_split() -> None:
    metrics, bins = quality_metrics(ITEMS, PREDICTIONS)
    assert metrics["items"] == 4  # e is dev
    assert metrics["top1_citation"] == 0.5 and metrics["top1_items"] == 2
    assert metrics["fact_recall"] == 0.75 and metrics["fact_items"] == 2
    assert metrics["draft_fact_recall"] == 0.25  # a's draft 1 of 2 facts, b has no draft
    assert metrics["next_action_accuracy"] == 0.5 and metrics["playbook_items"] == 2
    assert metrics["wrong_playbook_rate"] == 0.5
    # first sources: a article, b ticket, c article (d abstained) -> 2/3
    assert metrics["agent_facing_first"] == pytest.approx(2 / 3)
    assert metrics["answered_items"] == 3
    # in domain (a, b, c): c should abstain and did not -> precision undefined, recall 0
    assert metrics["in_domain_abstention_precision"] is None
    assert metrics["in_domain_abstention_recall"] == 0.0
    assert metrics["in_domain_abstention_f1"] is None
    assert metrics["in_domain_unanswerable"] == 1
    assert metrics["off_topic_abstention_recall"] == 1.0 and metrics["off_topic_items"] == 1
    # outcomes: (0.9, ok), (0.6, wrong), (0.55, wrong), (0.1, wrong): accuracy 1/4
    # bins [0,.1]: |0 - .1| ; (.5,.6]: 0.6 and 0.55 -> conf .575, acc 0 ; (.8,.9]: |1 - .9|
    # ECE = (0.1 + 2 * 0.575 + 0.1) / 4 = 0.3375
    assert metrics["accuracy"] == 0.25
    assert metrics["ece"] == pytest.approx(0.3375)
    # answered (d abstained): (0.9, ok), (0.6, wrong), (0.55, wrong) -> (0.1 + 2 * 0.575) / 3
    assert metrics["ece_answered"] == pytest.approx(1.25 / 3)
    assert [b["count"] for b in bins] == [1, 2, 1]
    assert metrics["unsafe_reply_drafts"] == 1


def test_problems_name_what_an_agent_would_notice() -> None:
    assert item_problems(ITEMS[0], PREDICTIONS[0]) == ["assistant: answer lacks 'newest link'"]
    assert item_problems(ITEMS[1], PREDICTIONS[1]) == [
        "assistant: cites ticket-9 first, not kb-20, pb-dup",
        "assistant: next actions from pb-dup, pb-chargeback (expected pb-dup)",
        "assistant: reply draft quotes internal or stale text: 'Tier 1 may refund up to 500 USD.'",
    ]
    assert item_problems(ITEMS[3], PREDICTIONS[3]) == []


def test_summary_lines_for_the_cli() -> None:
    metrics, _ = quality_metrics(ITEMS, PREDICTIONS)
    lines = summary_lines({"answer_quality": metrics})
    assert "top1_citation 0.500" in lines[0] and "wrong_playbook_rate 0.500" in lines[0]
    assert "in_domain_abstention_f1 n/a" in lines[1] and "ece 0.337" in lines[1]  # 0.3375 in binary
    assert lines[1].endswith("unsafe_reply_drafts 1")
    assert summary_lines({"answer_quality": {}}) == []


def test_answer_metrics_score_the_reply_drafts_body_against_the_reference() -> None:
    item = GoldItem(
        id="r",
        question="How long is a reset link valid?",
        relevant={"kb-1": 2},
        answer="Reset links are valid for 60 minutes.",
    )
    framed = ReplyTemplate().render(["Reset links are valid for 60 minutes."], [])
    other = ReplyTemplate().render(["Voided invoices stop syncing."], ["https://help.example/kb-2"])
    # the body matches the reference word for word: 1.0; the greeting is not scored
    assert answer_metrics([item], [prediction("r", draft=framed)])["draft_token_f1"] == 1.0
    # no word in common: 0; an abstention sends nothing: 0
    assert answer_metrics([item], [prediction("r", draft=other)])["draft_token_f1"] == 0.0
    abstained = prediction("r", abstained=True, draft=framed)
    assert answer_metrics([item], [abstained])["draft_token_f1"] == 0.0
