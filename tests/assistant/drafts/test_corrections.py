"""Agents' corrections: an edit is attributed to the passage each changed sentence cited; edits
of one passage by two suggestions open a fix proposal (one does not); an override saying the
content is outdated flags the document on it; overrides of abstained questions that cluster
become an article draft; approving a fix changes the article's file under a writable KB folder."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.compose import Services
from assistant.drafts.attribution import attribute
from assistant.drafts.service import DraftService
from assistant.errors import ErrorCode, KbassistError
from assistant.records import DecisionIn, SuggestionRecord
from assistant.suggestion import AskRequest, Citation, Suggestion
from assistant.types import Audience

AGENT = Audience.agent()
ANSWER = (
    "A customer charged twice for one invoice gets the second charge refunded [1]. "
    "Reset a password from the sign-in page [2]."
)
OLD = "A customer charged twice for one invoice gets the second charge refunded."
NEW = "Refund the duplicate only after the payout has settled."


def _citation(index: int, doc_id: str, chunk_id: str = "c", section: str = "S") -> Citation:
    return Citation(
        index=index,
        doc_id=doc_id,
        title=doc_id,
        section=section,
        source_type="article",
        chunk_id=chunk_id,
        snippet="",
    )


def test_an_edit_is_attributed_to_the_passage_its_changed_sentence_cited() -> None:
    citations = [_citation(1, "kb-2"), _citation(2, "kb-1")]
    edited = f"{NEW} Reset a password from the sign-in page [2]."
    [change] = attribute(ANSWER, edited, citations)
    assert change.citation.doc_id == "kb-2"
    assert (change.original, change.replacement) == (OLD, NEW)
    assert attribute(ANSWER, ANSWER.replace(" [1]", ""), citations) == []  # markers only


def _suggest(services: Services, question: str, answer: str, abstained: bool = False) -> str:
    cited = []
    for index, doc_id in ((1, "kb-2"), (2, "kb-1")):
        chunk = services.store.siblings(doc_id, AGENT)[0]
        cited.append(_citation(index, doc_id, chunk.chunk_id, chunk.section))
    record = SuggestionRecord(
        id=uuid.uuid4().hex,
        channel="cli",
        asker="tester",
        request=AskRequest(question=question),
        retrieved=[],
        suggestion=Suggestion(
            answer=answer,
            citations=[] if abstained else cited,
            confidence=0.5,
            abstained=abstained,
        ),
        latency_ms=1.0,
        created_at=datetime.now(UTC),
    )
    services.suggestion_store.save(record, AGENT)
    return record.id


def _edit(services: Services, agent: str) -> str:
    suggestion_id = _suggest(services, "charged twice?", ANSWER)
    text = ANSWER.replace(OLD.replace(".", " [1]."), NEW)
    services.service.decide(suggestion_id, DecisionIn(action="edit", agent=agent, text=text))
    return suggestion_id


@pytest.mark.slow
def test_two_edits_of_one_passage_open_a_fix_proposal(
    portal_services: Services, drafts: DraftService
) -> None:
    first = _edit(portal_services, "amelia")
    assert drafts.generate().proposals == []  # one suggestion is not enough
    second = _edit(portal_services, "tom")
    flagged = _suggest(portal_services, "refund duplicate?", ANSWER)
    portal_services.service.decide(
        flagged,
        DecisionIn(
            action="override",
            agent="kim",
            text="Wait for settlement.",
            reason="the article is outdated",
        ),
    )
    report = drafts.generate()
    [proposal_id] = report.proposals
    proposal = drafts.show(proposal_id, AGENT)
    assert proposal.kind == "fix" and proposal.state == "open"
    assert proposal.target is not None and proposal.target["doc_id"] == "kb-2"
    details = proposal.details or {}
    assert details["current"] == OLD
    assert details["proposed"] == NEW and proposal.markdown == NEW
    assert {v["agent"] for v in details["versions"]} == {"amelia", "tom"}
    assert [f["suggestion_id"] for f in details["flags"]] == [flagged]
    ids = {s.id for s in proposal.sources if s.kind == "suggestion"}
    assert {first, second, flagged} <= ids
    assert drafts.generate().proposals == []  # nothing new: not proposed twice


@pytest.mark.slow
def test_approving_a_fix_changes_the_article_under_a_writable_folder(
    portal_services: Services, drafts: DraftService, tmp_path: Path
) -> None:
    _edit(portal_services, "amelia")
    _edit(portal_services, "tom")
    [proposal_id] = drafts.generate().proposals
    with pytest.raises(KbassistError) as refused:
        drafts.approve(proposal_id, "lead", AGENT)
    assert refused.value.code == ErrorCode.CONFLICT and "writable" in refused.value.detail
    drafts.publisher.writable = ((tmp_path / "kb").resolve(),)
    done = drafts.approve(proposal_id, "lead", AGENT)
    article = Path(str(done.published_path))
    assert NEW in article.read_text() and OLD not in article.read_text()
    text = " ".join(c.text for c in portal_services.store.siblings("kb-2", AGENT))
    assert NEW in text


@pytest.mark.slow
def test_clustered_overrides_of_abstained_questions_become_a_draft(
    portal_services: Services, drafts: DraftService
) -> None:
    questions = [
        (
            "Can a client pay one invoice with two different cards?",
            "Split it: send two partial payment links, one per card, from More > Partial payment.",
        ),
        (
            "Is it possible to split an invoice payment across two cards?",
            "Yes, create two partial payment links from More > Partial payment, one for each card.",
        ),
    ]
    ids = []
    for question, answer in questions:
        suggestion_id = _suggest(portal_services, question, "I don't know.", abstained=True)
        portal_services.service.decide(
            suggestion_id,
            DecisionIn(action="override", agent="amelia", text=answer, reason="not covered"),
        )
        ids.append(suggestion_id)
    [draft_id] = drafts.generate().from_overrides
    draft = drafts.show(draft_id, AGENT)
    assert draft.kind == "article" and draft.visibility == "internal"
    for suggestion_id in ids:
        assert f"suggestion-{suggestion_id}" in draft.markdown
    assert "Partial payment" in draft.markdown and "## Question" in draft.markdown
    drafts.publisher.check(draft.markdown, draft.id)  # it is a valid article


@pytest.mark.slow
def test_a_fix_whose_passage_changed_since_is_superseded(
    portal_services: Services, drafts: DraftService, tmp_path: Path
) -> None:
    _edit(portal_services, "amelia")
    _edit(portal_services, "tom")
    [proposal_id] = drafts.generate().proposals
    article = tmp_path / "kb" / "articles" / "kb-2.md"
    article.write_text(article.read_text().replace(OLD, "Duplicates are refunded by billing."))
    assert portal_services.ingestor.sync([tmp_path / "kb"]).updated == 1
    report = drafts.generate()
    assert report.superseded == [proposal_id]
    superseded = drafts.show(proposal_id, AGENT)
    assert superseded.state == "superseded" and "kb-2" in str(superseded.reason)
    with pytest.raises(KbassistError) as refused:
        drafts.approve(proposal_id, "lead", AGENT)
    assert refused.value.code == ErrorCode.CONFLICT and "superseded" in refused.value.detail
    assert drafts.generate().superseded == []  # once
