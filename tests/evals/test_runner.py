"""run_eval on a hand-built case: stub retrievers and a stub assistant, metrics worked by hand.

Stubs are right here: what is tested is the runner's bookkeeping and arithmetic, not retrieval.
"""

from __future__ import annotations

import math

import pytest

from assistant.access import Audience
from assistant.assist import SuggestResult
from assistant.retrieval import Query, RetrievedChunk
from assistant.suggestion import AskRequest, Citation, NextAction, Suggestion, Ticket
from evals.gold import GoldItem
from evals.runner import EvalReport, query_text, run_eval, scored_answer

ITEMS = [
    GoldItem.model_validate(
        {
            "id": "q1",
            "question": "How long is a reset link valid?",
            "relevant": ["a"],
            "answer": "A reset link is valid for 60 minutes.",
            "next_actions": ["refund"],
            "team": "tier1",
            "split": "dev",
        }
    ),
    GoldItem(
        id="q2",
        question="Duplicate charge?",
        relevant={"b": 2, "c": 1},
        answer="Refund the duplicate charge.",
        next_actions=["escalate"],
    ),
    GoldItem(id="q3", question="Restore an invoice?", forbidden=["x"], answerable=False),
]


class StubRetriever:
    """Returns fixed doc ids (one chunk each, repeats allowed) per question; records audiences."""

    def __init__(self, docs: dict[str, list[str]]) -> None:
        self.docs = docs
        self.seen: list[Audience] = []

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        self.seen.append(query.audience)
        ids = self.docs[query.text][: query.k]
        return [RetrievedChunk(f"{d}::{n}", d, d, {}, 1.0) for n, d in enumerate(ids)]


def citation(n: int, doc: str) -> Citation:
    return Citation(
        index=n, doc_id=doc, title=doc, source_type="article", chunk_id=f"{doc}::0", snippet=""
    )


SUGGESTIONS = {
    "How long is a reset link valid?": (
        Suggestion(
            answer="The link is valid for 60 minutes [1].",
            confidence=0.8,
            citations=[citation(1, "a"), citation(2, "z")],
            next_actions=[NextAction(label="Refund", kind="refund", playbook_id="pb")],
        ),
        100.0,
    ),
    "Duplicate charge?": (
        Suggestion(
            answer="The knowledge base does not cover this question.",
            confidence=0.3,
            abstained=True,
        ),
        200.0,
    ),
    "Restore an invoice?": (
        Suggestion(answer="Open a ticket [1].", confidence=0.5, citations=[citation(1, "x")]),
        300.0,
    ),
}


class StubAssistant:
    def suggest(self, request: AskRequest, audience: Audience) -> SuggestResult:
        suggestion, latency = SUGGESTIONS[request.text()]
        return SuggestResult(suggestion, [], request.text(), latency)


def run() -> tuple[EvalReport, list[int]]:
    one = StubRetriever(
        {
            "How long is a reset link valid?": ["z", "a", "a", "y"],
            "Duplicate charge?": ["b", "z1", "z2", "z3", "z4", "z5", "c"],
            "Restore an invoice?": ["x"],
        }
    )
    two = StubRetriever(
        {
            "How long is a reset link valid?": [],
            "Duplicate charge?": ["c"],
            "Restore an invoice?": [],
        }
    )
    steps: list[int] = []
    report = run_eval(
        ITEMS,
        {"one": one, "two": two},
        StubAssistant(),
        dataset="hand",
        default="one",
        advance=steps.append,
    )
    assert one.seen[-1] == Audience.agent() and one.seen[1] == Audience.agent("tier1")
    return report, steps


def test_retrieval_metrics_by_hand() -> None:
    report, steps = run()
    assert report.items == 3 and sum(steps) == 3 * (2 + 1)
    one = report.configs["one"]
    # q1 docs z, a, y (the repeated a dropped): first relevant at rank 2
    #   hit 1, recall 1, mrr 1/2, ndcg = (1/log2 3) / 1 = 0.6309298
    # q2 docs b z1 z2 z3 z4 z5 c: b (grade 2) at rank 1, c (grade 1) at rank 7
    #   recall@5 1/2, recall@10 1, mrr 1, ndcg = (2 + 1/log2 8) / (2 + 1/log2 3) = 2.3333/2.6309
    # q3 has no relevant document: not scored (but its forbidden x was retrieved)
    ndcg_q1 = 1 / math.log2(3)
    ndcg_q2 = (2 + 1 / 3) / (2 + 1 / math.log2(3))
    assert one["hit@5"] == 1.0 and one["hit@10"] == 1.0
    assert one["recall@5"] == 0.75 and one["recall@10"] == 1.0
    assert one["mrr@10"] == 0.75
    assert one["ndcg@10"] == pytest.approx((ndcg_q1 + ndcg_q2) / 2)
    assert one["ndcg@10"] == pytest.approx(0.7589076, abs=1e-7)
    assert one["scored_items"] == 2 and one["forbidden_leaks"] == 1
    assert one["docs_per_query"] == pytest.approx((3 + 7 + 1) / 3)  # every item, deduplicated
    two = report.configs["two"]
    # q1 nothing; q2 only c (grade 1) at rank 1: recall 1/2, mrr 1, ndcg 1/2.6309298 = 0.3800937
    assert (two["hit@5"], two["hit@10"], two["mrr@10"]) == (0.5, 0.5, 0.5)
    assert (two["recall@5"], two["recall@10"]) == (0.25, 0.25)
    assert two["ndcg@10"] == pytest.approx(0.3800937 / 2, abs=1e-7)
    assert two["forbidden_leaks"] == 0
    for config in (one, two):
        assert config["latency_p50_ms"] is not None and config["latency_p50_ms"] >= 0


def test_answer_and_abstention_metrics_by_hand() -> None:
    report, _ = run()
    answers = report.answers
    # q1: "link is valid for 60 minutes" vs "reset link is valid for 60 minutes": 6 of 6 and
    #     6 of 7 tokens -> F1 = 12/13; LCS 6 -> ROUGE-L 12/13. q2 abstained -> empty -> 0.
    assert answers["token_f1"] == pytest.approx(6 / 13)
    assert answers["rouge_l"] == pytest.approx(6 / 13)
    assert answers["answer_items"] == 2
    # q1 cites a (relevant) and z -> 1/2; q2 cites nothing; q3 is unanswerable, so its citation
    # of x is an abstention failure, not scored here
    assert answers["citation_precision"] == 0.5 and answers["cited_items"] == 1
    # q1 refund expected and given -> 1; q2 escalate expected, abstained -> 0
    assert answers["next_action_accuracy"] == 0.5 and answers["action_items"] == 2
    assert answers["forbidden_leaks"] == 1
    # latencies 100, 200, 300: p50 200, p95 at position 1.9 -> 200 + 0.9 * 100
    assert answers["latency_p50_ms"] == 200.0
    assert answers["latency_p95_ms"] == pytest.approx(290.0)
    # q1 answered (tn), q2 abstained although answerable (fp), q3 answered although not (fn)
    assert report.abstention == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "tp": 0,
        "fp": 1,
        "fn": 1,
        "tn": 1,
        "should_abstain": 1,
    }
    assert report.forbidden_leaks == 1
    assert [p.confidence for p in report.predictions] == [0.8, 0.3, 0.5]


def test_failures_say_what_went_wrong() -> None:
    report, _ = run()
    by_id = {f.item_id: f for f in report.failures}
    assert set(by_id) == {"q2", "q3"}  # q1 missing from "two" is not listed: not the default
    assert by_id["q2"].question == "Duplicate charge?"
    assert by_id["q2"].problems == [
        "assistant: abstained on an answerable question (answerability 0.3)",
        "assistant: missing next action escalate (got none)",
    ]
    assert by_id["q2"].relevant == ["b", "c"]
    assert by_id["q2"].retrieved == ["b", "z1", "z2", "z3", "z4"]  # top 5 of the default
    assert by_id["q3"].problems == [
        "one: forbidden document retrieved: x",
        "assistant: answered an unanswerable question (confidence 0.5)",
        "assistant: forbidden document retrieved or cited: x",
    ]


def test_a_miss_of_the_default_config_is_a_failure() -> None:
    item = GoldItem(id="m", question="Reset?", relevant={"a": 1})
    report = run_eval([item], {"hybrid": StubRetriever({"Reset?": ["b"]})}, None, dataset="d")
    assert report.failures[0].problems == ["hybrid: no relevant document in the top 10"]
    assert report.answers == {} and report.abstention == {} and report.predictions == []


def test_helpers() -> None:
    follow_up = GoldItem(
        id="f", question="does it work on Android?", history=["How do I install the mobile app?"]
    )
    assert query_text(follow_up).endswith("does it work on Android?")
    assert query_text(follow_up) != "does it work on Android?"
    ticket = GoldItem(id="t", ticket=Ticket(subject="Charged twice", product="payments"))
    assert query_text(ticket) == "Charged twice payments"
    report, _ = run()
    assert scored_answer(report.predictions[0]) == "The link is valid for 60 minutes."
    assert scored_answer(report.predictions[1]) == ""  # abstained


def test_predictions_carry_what_answer_quality_reads() -> None:
    report, _ = run()
    q1, q2, q3 = report.predictions
    assert (q1.top_cited, q1.first_source_type, q1.action_playbooks) == ("a", "article", ["pb"])
    assert q2.top_cited is None and q2.action_playbooks == []
    assert q3.top_cited == "x"
    # test split: q2 (answerable, abstained) and q3 (unanswerable, answered); q1 is dev
    quality = report.answer_quality
    assert quality["items"] == 2 and quality["top1_citation"] == 0.0  # q2 cites nothing
    assert quality["in_domain_abstention_recall"] == 0.0  # q3 answered
    assert quality["accuracy"] == 0.0 and report.reliability
