"""The extractive answerer end to end, on hand-made passages (no model, no store)."""

from __future__ import annotations

from datetime import date

from assistant.answerers import AnswerContext
from assistant.answerers.confidence import ConfidenceModel
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.retrieval import RetrievedChunk
from assistant.retrieval.hybrid import Staleness


def passage(chunk_id: str, text: str, **meta: object) -> RetrievedChunk:
    doc = chunk_id.split("::")[0]
    metadata = {
        "source_type": "article",
        "section": "Annual plans",
        "title": doc,
        "visibility": "public",
        "url": f"https://help.example/{doc}",
        "updated_at": "2026-04-01",
        **meta,
    }
    return RetrievedChunk(chunk_id, doc, text, metadata, 1.0, signals={"dense": 0.9})


def answerer() -> ExtractiveAnswerer:
    return ExtractiveAnswerer(
        ConfidenceModel(threshold=0.0), staleness=Staleness(365, lambda: date(2026, 11, 30))
    )


QUESTION = "Within how many days can a customer get a refund on an annual plan?"


def test_a_stale_conflicting_policy_is_flagged_warned_and_kept_out_of_the_draft() -> None:
    fresh = passage("kb-new::0", "You can get a full refund of an annual plan within 30 days.")
    # the Assistant added this sibling of a stale article: only its first chunk had the date
    old_first = passage("kb-old::0", "Annual plan refunds.", review_by="2025-01-01")
    old_sibling = passage(
        "kb-old::1",
        "You can get a full refund of an annual plan within 14 days.",
        updated_at="2024",
    )
    suggestion = answerer().answer(AnswerContext(QUESTION), [fresh, old_sibling, old_first])
    assert old_sibling.stale
    assert "30 days" in suggestion.answer and "14 days" not in suggestion.answer
    assert "14 days" not in suggestion.reply_draft and "30 days" in suggestion.reply_draft
    assert any("kb-old" in w and "kb-new" in w for w in suggestion.warnings)


def test_a_tickets_case_details_and_customer_words_never_become_the_answer() -> None:
    problem = passage(
        "ticket-1::0",
        "We renewed 22 days ago, your article says 14 days, refund INV-2291 please.",
        source_type="ticket",
        section="Refund > Problem",
        visibility="internal",
    )
    resolution = passage(
        "ticket-1::1",
        "Hi [NAME], thanks for reaching out. Annual plans are refunded in full within 30 days "
        "of the charge; refunded 420 USD.",
        source_type="ticket",
        section="Refund > Resolution",
        visibility="internal",
    )
    article = passage("kb-1::0", "Annual plans can be refunded in full within 30 days.")
    suggestion = answerer().answer(AnswerContext(QUESTION), [problem, resolution, article])
    assert suggestion.citations[0].doc_id == "kb-1"  # the agent-facing source leads
    for detail in ("INV-2291", "420 USD", "22 days ago", "[NAME]", "thanks for reaching out"):
        assert detail not in suggestion.answer
    assert "ticket" not in suggestion.reply_draft and "420" not in suggestion.reply_draft


def test_a_matched_playbook_means_the_knowledge_base_covers_the_question() -> None:
    steps = passage(
        "pb-dup::1",
        "1. Confirm both charges in Payments. 2. Refund the duplicate charge.",
        source_type="playbook",
        section="Duplicate charge > Steps",
    )
    strict = ExtractiveAnswerer(ConfidenceModel(threshold=0.99))  # abstains on anything
    question = "The client paid one bill two times"  # shares few words with the steps
    alone = strict.answer(AnswerContext(question), [steps])
    covered = strict.answer(AnswerContext(question, covered=True), [steps])
    assert alone.abstained
    assert not covered.abstained and covered.citations[0].doc_id == "pb-dup"
    assert covered.confidence == alone.answerability  # the shown confidence is not inflated
    assert alone.confidence == 0.0  # an abstention gives no answer to be right
