"""Answer quality as an agent sees it, scored on the gold set's test items.

``observe`` reduces a suggestion to what these checks read (its first citation, where its next
actions come from, the reply-draft sentences that came from internal or stale passages);
``item_checks`` scores one item against its gold annotations; ``quality_metrics`` averages the
checks over one split and adds in-domain abstention and the expected calibration error.

An item counts as *correct* (the outcome the confidence is calibrated against) when it is
answerable, was answered, cites an expected document first and states at least half of its
``must_contain`` facts. Abstentions and answers to unanswerable questions are not correct; an
abstention shows confidence 0, as it gives no answer that could be right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Suggestion
from evals.answer_metrics import (
    Passage,
    ReliabilityBin,
    agent_facing_first,
    citation_order,
    draft_body,
    expected_calibration_error,
    fact_recall,
    next_actions_correct,
    reliability_bins,
    top_citation_correct,
    unsafe_draft_sentences,
    wrong_playbook,
)
from evals.gold import GoldItem
from evals.metrics import abstention_scores, mean

if TYPE_CHECKING:
    from evals.runner import Prediction

QUALITY_SPLIT = "test"
CORRECT_FACT_SHARE = 0.5  # share of must_contain facts a correct answer states
OFF_TOPIC_TAG = "off_topic"  # unanswerable and not about the product at all
Metrics = dict[str, float | int | None]

# --------------------------------------------------------------------------- observe


@dataclass(frozen=True)
class Observed:
    top_cited: str | None  # the document of the answer's first citation mark
    first_source_type: str | None
    action_playbooks: list[str]
    unsafe_draft: list[str]  # reply-draft sentences from a non-public or stale passage


def _stale(chunk: RetrievedChunk, today: date) -> bool:
    review_by = str(chunk.metadata.get("review_by") or "")[:10]
    try:
        return chunk.stale or (bool(review_by) and date.fromisoformat(review_by) < today)
    except ValueError:
        return chunk.stale


def passages_of(
    suggestion: Suggestion, retrieved: Sequence[RetrievedChunk], today: date
) -> list[Passage]:
    """The retrieved chunks, plus the cited snippets of chunks that were not retrieved (a
    ticket's resolution, a playbook's steps), which take their document's visibility."""
    passages = [
        Passage(c.text, c.metadata.get("visibility") == "public", _stale(c, today))
        for c in retrieved
    ]
    seen = {c.chunk_id for c in retrieved}
    public_docs = {c.doc_id for c in retrieved if c.metadata.get("visibility") == "public"}
    passages += [
        Passage(c.snippet, c.doc_id in public_docs, c.stale)
        for c in suggestion.citations
        if c.chunk_id not in seen
    ]
    return passages


def observe(
    suggestion: Suggestion, retrieved: Sequence[RetrievedChunk], today: date | None = None
) -> Observed:
    by_index = {c.index: c for c in suggestion.citations}
    order = citation_order(suggestion.answer)
    first = by_index.get(order[0]) if order else None
    passages = passages_of(suggestion, retrieved, today or date.today())
    return Observed(
        top_cited=first.doc_id if first else None,
        first_source_type=first.source_type if first else None,
        action_playbooks=list(dict.fromkeys(a.playbook_id for a in suggestion.next_actions)),
        unsafe_draft=unsafe_draft_sentences(suggestion.reply_draft, passages),
    )


# --------------------------------------------------------------------------- per item


def off_topic(item: GoldItem) -> bool:
    """Unanswerable and not about the product: tagged ``off_topic``, or borrowed from another
    collection (``cross:<name>``)."""
    return not item.answerable and any(
        t == OFF_TOPIC_TAG or t.startswith("cross:") for t in item.tags
    )


@dataclass(frozen=True)
class Checks:
    top_citation: float | None
    fact_recall: float | None
    draft_fact_recall: float | None  # the same facts in the reply draft's body
    agent_facing_first: float | None
    next_actions: bool | None  # None: the item's playbook is not annotated
    wrong_playbook: bool | None
    unsafe_draft: bool
    correct: bool


def item_checks(item: GoldItem, p: Prediction) -> Checks:
    answer = "" if p.abstained else p.answer
    answerable = item.answerable
    top = top_citation_correct(p.top_cited, item.expected_top()) if answerable else None
    facts = fact_recall(answer, item.must_contain) if answerable else None
    draft = "" if p.abstained else draft_body(p.draft)
    draft_facts = fact_recall(draft, item.must_contain) if answerable else None
    first = citation_order(answer)[:1]
    types = {first[0]: p.first_source_type} if first and p.first_source_type else {}
    expected = item.expected_playbook()
    scored = item.playbook is not None
    correct = (
        answerable
        and not p.abstained
        and top != 0.0
        and (facts is None or facts >= CORRECT_FACT_SHARE)
    )
    return Checks(
        top_citation=top,
        fact_recall=facts,
        draft_fact_recall=draft_facts,
        agent_facing_first=agent_facing_first(answer, types),
        next_actions=(
            next_actions_correct(expected, item.next_actions, p.action_playbooks, p.actions)
            if scored
            else None
        ),
        wrong_playbook=wrong_playbook(expected, p.action_playbooks) if scored else None,
        unsafe_draft=bool(p.unsafe_draft),
        correct=correct,
    )


def item_problems(item: GoldItem, p: Prediction) -> list[str]:
    """What an agent would notice is wrong with this suggestion, beyond abstention."""
    checks = item_checks(item, p)
    problems: list[str] = []
    if checks.top_citation == 0.0 and not p.abstained:
        expected = ", ".join(sorted(item.expected_top()))
        problems.append(f"assistant: cites {p.top_cited or 'nothing'} first, not {expected}")
    if checks.fact_recall is not None and checks.fact_recall < 1.0 and not p.abstained:
        answer = p.answer
        missing = [f for f in item.must_contain if not fact_recall(answer, [f])]
        problems.append(f"assistant: answer lacks {'; '.join(repr(f) for f in missing)}")
    if checks.wrong_playbook:
        wanted = item.expected_playbook() or "none"
        got = ", ".join(p.action_playbooks)
        problems.append(f"assistant: next actions from {got} (expected {wanted})")
    if checks.unsafe_draft:
        problems.append(
            f"assistant: reply draft quotes internal or stale text: {p.unsafe_draft[0]!r}"
        )
    return problems


# --------------------------------------------------------------------------- averages


def _share(values: Sequence[bool | None]) -> float | None:
    return mean(float(v) for v in values if v is not None)


def quality_metrics(
    items: Sequence[GoldItem], predictions: Sequence[Prediction], split: str = QUALITY_SPLIT
) -> tuple[Metrics, list[ReliabilityBin]]:
    """The answer-quality figures over ``split``'s items, and the reliability bins of their
    confidence against correctness."""
    pairs = [(i, p) for i, p in zip(items, predictions, strict=True) if i.split == split]
    checks = [(i, p, item_checks(i, p)) for i, p in pairs]
    in_domain = abstention_scores(
        (not i.answerable, p.abstained) for i, p in pairs if not off_topic(i)
    )
    outcomes = [(p.confidence, c.correct) for _, p, c in checks]
    metrics: Metrics = {
        "items": len(pairs),
        "top1_citation": mean(c.top_citation for _, _, c in checks),
        "top1_items": sum(1 for _, _, c in checks if c.top_citation is not None),
        "fact_recall": mean(c.fact_recall for _, _, c in checks),
        "fact_items": sum(1 for _, _, c in checks if c.fact_recall is not None),
        # what the customer would read: the same facts in the reply draft
        "draft_fact_recall": mean(c.draft_fact_recall for _, _, c in checks),
        "next_action_accuracy": _share([c.next_actions for _, _, c in checks]),
        "wrong_playbook_rate": _share([c.wrong_playbook for _, _, c in checks]),
        "playbook_items": sum(1 for _, _, c in checks if c.next_actions is not None),
        "agent_facing_first": mean(c.agent_facing_first for _, _, c in checks),
        "answered_items": sum(1 for _, p in pairs if not p.abstained),
        "in_domain_abstention_precision": in_domain["precision"],
        "in_domain_abstention_recall": in_domain["recall"],
        "in_domain_abstention_f1": in_domain["f1"],
        "in_domain_unanswerable": sum(1 for i, _ in pairs if not i.answerable and not off_topic(i)),
        "off_topic_abstention_recall": _share([p.abstained for i, p in pairs if off_topic(i)]),
        "off_topic_items": sum(1 for i, _ in pairs if off_topic(i)),
        "ece": expected_calibration_error(outcomes),
        # the same over the answered items alone (an abstention shows confidence 0)
        "ece_answered": expected_calibration_error(
            (p.confidence, c.correct) for _, p, c in checks if not p.abstained
        ),
        "accuracy": _share([c.correct for _, _, c in checks]),
        "unsafe_reply_drafts": sum(1 for _, _, c in checks if c.unsafe_draft),
    }
    return metrics, reliability_bins(outcomes)


def summary_lines(data: Mapping[str, Any]) -> list[str]:
    """The answer-quality lines of ``kbassist eval``'s summary, from report.json's content."""
    quality = data.get("answer_quality") or {}
    if not quality:
        return []

    def fmt(key: str) -> str:
        value = quality.get(key)
        return f"{key} {'n/a' if value is None else f'{value:.3f}'}"

    return [
        f"  quality ({QUALITY_SPLIT} items) "
        + "  ".join(
            fmt(k)
            for k in (
                "top1_citation",
                "fact_recall",
                "draft_fact_recall",
                "next_action_accuracy",
                "wrong_playbook_rate",
            )
        ),
        "  quality    "
        + "  ".join(
            fmt(k)
            for k in (
                "agent_facing_first",
                "in_domain_abstention_f1",
                "off_topic_abstention_recall",
                "ece",
                "ece_answered",
            )
        )
        + f"  unsafe_reply_drafts {quality.get('unsafe_reply_drafts')}",
    ]
