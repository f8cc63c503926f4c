"""Suggestions on the bundled sample knowledge base, through the real store and model."""

from __future__ import annotations

import pytest

from assistant.access import Audience
from assistant.answerers import AnswerContext
from assistant.answerers.playbooks import PlaybookMatcher
from assistant.compose import Services
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import AskRequest, Suggestion, Ticket, Turn

pytestmark = pytest.mark.slow

TIER1 = Audience.agent("tier1")


def ask(services: Services, question: str, audience: Audience = TIER1, **extra: object):
    return services.assistant.suggest(AskRequest(question=question, **extra), audience)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How long does a password reset link stay valid?",
            {"kb-1001", "ticket-48011", "pb-account-locked"},
        ),
        (
            "customer got charged two times for the same invoice",
            {"kb-1020", "pb-duplicate-charge", "ticket-48001"},
        ),
        (
            "How many times do you retry a failed webhook?",
            {"kb-1032", "pb-webhook-delivery-failures"},
        ),
        ("What is the refund window for an annual plan?", {"kb-1026", "ticket-48023"}),
    ],
)
def test_answerable_questions_cite_the_right_document(
    sample_services: Services, question: str, expected: set[str]
) -> None:
    suggestion = ask(sample_services, question).suggestion
    assert not suggestion.abstained
    assert {c.doc_id for c in suggestion.citations} & expected
    assert "[1]" in suggestion.answer
    assert suggestion.confidence >= 0.5


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "Who won the football world cup in 1998?",
        "How do I configure a Kubernetes ingress controller?",
    ],
)
def test_off_topic_questions_abstain_and_invent_nothing(
    sample_services: Services, question: str
) -> None:
    suggestion = ask(sample_services, question).suggestion
    assert suggestion.abstained and suggestion.reason
    assert suggestion.citations == [] and suggestion.next_actions == []
    assert suggestion.reply_draft == ""


def test_a_playbook_gives_cited_next_actions(sample_services: Services) -> None:
    suggestion = ask(sample_services, "Customer was charged twice, how do I handle it?").suggestion
    kinds = {a.kind for a in suggestion.next_actions}
    assert "refund" in kinds
    by_index = {c.index: c for c in suggestion.citations}
    for action in suggestion.next_actions:
        assert action.citation in by_index
        assert by_index[action.citation].doc_id == action.playbook_id


def test_the_readme_example_gets_the_duplicate_charge_playbook(sample_services: Services) -> None:
    result = ask(sample_services, "A customer was charged twice, what do I do?")
    suggestion = result.suggestion
    assert not suggestion.abstained
    assert result.playbook is not None and result.playbook.doc_id == "pb-duplicate-charge"
    assert {a.playbook_id for a in suggestion.next_actions} == {"pb-duplicate-charge"}
    refunds = [a.details for a in suggestion.next_actions if a.kind == "refund"]
    assert [(d["max_amount"], d["currency"]) for d in refunds] == [(500, "USD")]  # tier 1 limit
    teams = {a.details.get("team") for a in suggestion.next_actions if a.kind == "escalate"}
    assert "billing" in teams


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(
            "Does Ledgerly have a payroll module for paying employees?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known gap (issue 10): the answerability model still answers this "
                "near-miss question: 'payroll' occurs only in a customer's words, and the dense "
                "match to payouts is strong. Strict: a fix shows here.",
            ),
        ),
        "Can clients pay their invoices in Bitcoin?",
    ],
)
def test_a_near_miss_question_abstains(sample_services: Services, question: str) -> None:
    suggestion = ask(sample_services, question).suggestion
    assert suggestion.abstained and suggestion.next_actions == []


RESTRICTED = {"kb-1047": "tier2", "kb-1044": "billing", "kb-1045": "security"}


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("How do we restore a deleted invoice from the database?", "kb-1047"),
        ("What is the goodwill credit limit and the refund override limit?", "kb-1044"),
        ("Account takeover suspected, what is the response runbook?", "kb-1045"),
    ],
)
def test_restricted_documents_never_reach_other_teams(
    sample_services: Services, question: str, doc_id: str
) -> None:
    outsider = ask(sample_services, question, Audience.agent("tier1"))
    assert doc_id not in {c.doc_id for c in outsider.retrieved}
    assert doc_id not in {c.doc_id for c in outsider.suggestion.citations}
    insider = ask(sample_services, question, Audience.agent(RESTRICTED[doc_id]))
    assert doc_id in {c.doc_id for c in insider.retrieved}


def test_restricted_text_never_appears_in_an_outsiders_answer(sample_services: Services) -> None:
    result = ask(
        sample_services,
        "What are the goodwill credit limits? GW-SERVICE reason code",
        Audience.agent("tier1"),
    )
    text = result.suggestion.answer + result.suggestion.reply_draft
    assert "2,000 USD" not in text and "Head of Billing" not in text


def test_reply_draft_quotes_public_content_only(sample_services: Services) -> None:
    result = ask(sample_services, "The password reset link expired, what now?")
    draft = result.suggestion.reply_draft
    assert draft
    internal = [c for c in result.retrieved if c.metadata.get("visibility") != "public"]
    for chunk in internal:
        for sentence in chunk.text.split(". "):
            if len(sentence) > 40:
                assert sentence not in draft


def test_stale_content_is_flagged(sample_services: Services) -> None:
    result = ask(sample_services, "How do I connect Xero to Ledgerly?")
    stale = [c for c in result.retrieved if c.stale]
    assert any(c.doc_id == "kb-1028" for c in stale)
    assert "kb-1028" in result.suggestion.stale_sources or not any(
        c.doc_id == "kb-1028" for c in result.suggestion.citations
    )


def test_a_follow_up_is_answered_in_the_light_of_the_thread(sample_services: Services) -> None:
    history = [Turn(role="user", text="Our QuickBooks Online sync says Sync paused.")]
    result = ask(sample_services, "How do I fix it?", history=history)
    assert "quickbooks" in result.query.lower()
    docs = {c.doc_id for c in result.suggestion.citations}
    assert docs & {"kb-1033", "pb-quickbooks-sync-paused", "kb-1027"}


def test_a_ticket_can_be_asked_instead_of_a_question(sample_services: Services) -> None:
    ticket = Ticket(
        subject="App crashes when I upload a receipt",
        description="Since the update my iPhone app closes when I scan a receipt.",
        product="mobile",
        customer_tier="growth",
    )
    result = sample_services.assistant.suggest(AskRequest(ticket=ticket), TIER1)
    docs = {c.doc_id for c in result.suggestion.citations}
    assert docs & {"kb-1037", "pb-mobile-receipt-upload-crash"}


def test_the_answerer_is_told_how_clearly_a_playbook_matches(sample_services: Services) -> None:
    assistant = sample_services.assistant
    answerer = assistant.answerer
    seen: list[tuple[float, float] | None] = []

    class Spy:
        name = "spy"

        def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
            seen.append(context.playbook)
            return answerer.answer(context, passages)

    assistant.answerer = Spy()
    try:
        ask(sample_services, "A customer was charged twice, what do I do?")
        ask(sample_services, "Does Ledgerly have a payroll module for paying employees?")
    finally:
        assistant.answerer = answerer
    clear, near = seen
    assert clear is not None and near is not None
    assert clear[0] >= 0.38 and clear[1] >= 0.12  # the duplicate-charge playbook, clearly ahead
    assert near[1] < clear[1] and near[0] < clear[0]


def test_a_question_whose_playbook_is_followed_is_answered_not_abstained_on(
    sample_services: Services,
) -> None:
    question = (
        "We got a letter from a customer's lawyer demanding all personal data Ledgerly holds on "
        "their client, and it threatens a complaint to the data protection regulator."
    )
    result = ask(sample_services, question)
    matcher = sample_services.assistant.playbooks
    assert matcher is not None
    # its "when to use" alone is not a clear enough match to say the question is covered ...
    assert not matcher.model.covers(PlaybookMatcher.evidence(matcher.scores(result.query, TIER1)))
    # ... but the playbook model keeps it: its steps answer the question
    assert result.playbook is not None and result.playbook.doc_id == "pb-gdpr-data-request"
    assert not result.suggestion.abstained
    assert {a.kind for a in result.suggestion.next_actions} >= {"form", "link"}
