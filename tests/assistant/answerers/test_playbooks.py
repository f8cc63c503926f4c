"""The right playbook or none: matching "when to use" chunks and attaching the actions."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from assistant.answerers.playbooks import (
    PLAYBOOK_MODEL,
    PlaybookMatcher,
    Similarity,
    playbook_types,
    with_actions,
)
from assistant.retrieval import Query, RetrievedChunk
from assistant.suggestion import Citation, Suggestion
from assistant.types import Audience

TIER1 = Audience.agent("tier1")
HELP = "https://help.example/articles"


TYPES = {"kb": "article", "pb": "playbook", "ticket": "ticket"}


def retrieval(*doc_ids: str, dense: float = 0.5) -> list[RetrievedChunk]:
    """A question's retrieval: one chunk of each document, best first, each ``dense`` similar
    to the question (articles with a URL)."""
    return [
        RetrievedChunk(
            f"{doc}:0",
            doc,
            doc,
            {
                "source_type": TYPES[doc.split("-")[0]],
                "url": f"{HELP}/{doc}/" if doc.startswith("kb-") else "",
            },
            1.0,
            signals={"dense": dense},
        )
        for doc in doc_ids
    ]


def pb_chunk(
    doc: str, section: str, dense: float = 0.0, actions: object = None, text: str = ""
) -> RetrievedChunk:
    meta: dict[str, object] = {
        "source_type": "playbook",
        "section": f"{doc} > {section}",
        "title": doc,
        "doc_id": doc,
    }
    if actions is not None:
        meta["actions"] = json.dumps(actions)
    return RetrievedChunk(
        f"{doc}:{section}", doc, text or section, meta, dense, signals={"dense": dense}
    )


STEPS = {
    "pb-dup": [
        pb_chunk("pb-dup", "When to use"),
        pb_chunk("pb-dup", "Steps 1-3", actions=[{"kind": "refund", "step": 2, "max_amount": 500}]),
        pb_chunk("pb-dup", "Escalation", actions=[{"kind": "escalate", "team": "billing"}]),
    ],
    "pb-card": [
        pb_chunk("pb-card", "When to use"),
        pb_chunk("pb-card", "Steps 1-3", actions=[{"kind": "link", "url": f"{HELP}/kb-1020"}]),
    ],
}


class Search:
    def __init__(self, chunks: list[RetrievedChunk]) -> None:
        self.chunks = chunks
        self.queries: list[Query] = []

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        self.queries.append(query)
        return self.chunks


def matcher(
    *chunks: RetrievedChunk, similarity: Similarity | None = None
) -> tuple[PlaybookMatcher, Search]:
    search = Search(list(chunks))
    found = PlaybookMatcher(search, lambda doc, audience: STEPS.get(doc, []), similarity=similarity)
    return found, search


def test_the_search_is_restricted_to_the_source_types_that_expand_steps() -> None:
    found, search = matcher(pb_chunk("pb-dup", "When to use", 0.7))
    found.match("charged twice", TIER1)
    assert search.queries[0].filters.source_types == playbook_types() == ("playbook",)
    assert search.queries[0].audience == TIER1


def test_a_close_when_to_use_matches_and_brings_its_action_chunks() -> None:
    found, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.70),
        pb_chunk("pb-other", "When to use", 0.40),
    )
    match = found.match("customer charged twice", TIER1, retrieval("kb-1", "pb-dup"))
    assert match is not None and match.doc_id == "pb-dup"
    assert [c.section for c in match.actions] == ["pb-dup > Steps 1-3", "pb-dup > Escalation"]


def test_a_playbook_is_suggested_only_where_the_questions_retrieval_supports_it() -> None:
    close, _ = matcher(
        pb_chunk("pb-card", "When to use", 0.70), pb_chunk("pb-other", "When to use", 0.40)
    )
    question = "customer charged twice"
    # an article the playbook's steps link to counts as the playbook does (URL as the page is)
    linked = close.match(question, TIER1, retrieval("kb-1019", "kb-1020"))
    assert linked is not None and linked.doc_id == "pb-card"
    # the same "when to use" similarity, while the question finds documents on another topic
    assert close.match(question, TIER1, retrieval("kb-1040", "kb-1013", "ticket-9")) is None
    # only the first documents count
    late = retrieval("kb-1", "kb-2", "kb-3", "kb-4", "kb-5", "kb-1020")
    assert close.match(question, TIER1, late) is None


def test_a_question_an_article_explains_as_closely_is_not_taken_for_the_situation() -> None:
    found, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.70), pb_chunk("pb-x", "When to use", 0.40)
    )
    question = "customer asks about a duplicate charge"

    def margin(retrieved: list[RetrievedChunk]) -> float:
        return found.candidates(found.scores(question, TIER1), question, TIER1, retrieved)[0][1][4]

    # the situation is much closer than any how-to passage: the question reports it
    far = retrieval("pb-dup", "kb-2", dense=0.30)
    assert margin(far) == pytest.approx(0.40)
    reported = found.match(question, TIER1, far)
    assert reported is not None and reported.doc_id == "pb-dup"
    # an article closer than the situation: the question asks how something works
    close = retrieval("pb-dup", "kb-2", dense=0.90)
    assert margin(close) < 0
    assert found.match(question, TIER1, close) is None
    # playbooks and case records are not how-to passages: no evidence either way
    assert margin(retrieval("pb-dup", "ticket-1", dense=0.9)) == 0.0


def test_a_step_chunk_does_not_count_as_when_to_use() -> None:
    found, _ = matcher(pb_chunk("pb-dup", "Steps 1-3", 0.9), pb_chunk("pb-x", "When to use", 0.3))
    assert found.match("refund the duplicate", TIER1) is None


def test_a_weak_or_tied_match_suggests_no_playbook() -> None:
    weak, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.30), pb_chunk("pb-x", "When to use", 0.28)
    )
    assert weak.match("q", TIER1, retrieval("pb-dup")) is None
    tied, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.60), pb_chunk("pb-x", "When to use", 0.57)
    )
    assert tied.match("q", TIER1, retrieval("pb-dup", "pb-x")) is None


def test_a_question_that_reports_a_problem_gets_the_playbook_a_question_on_its_topic_not() -> None:
    found, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.50), pb_chunk("pb-x", "When to use", 0.40)
    )
    retrieved = retrieval("pb-dup")
    asked = found.match("how do refunds of duplicate payments work?", TIER1, retrieved)
    assert asked is None  # on the topic, but asks how something works
    reported = found.match("customer was charged twice and the refund failed", TIER1, retrieved)
    assert reported is not None and reported.doc_id == "pb-dup"


def test_the_closest_situation_of_a_when_to_use_counts() -> None:
    text = "- A customer was charged twice for one invoice\n- A payer disputes a charge"
    seen: list[str] = []

    def similarity(question: str, texts: Sequence[str]) -> list[float]:
        seen.extend(texts)
        return [0.80 if "charged twice" in t else 0.20 for t in texts]

    chunk = pb_chunk("pb-dup", "When to use", 0.40, text=text)
    with_situations, _ = matcher(chunk, similarity=similarity)
    assert with_situations.scores("charged twice", TIER1) == [("pb-dup", 0.80)]
    assert seen == [
        "pb-dup: A customer was charged twice for one invoice",
        "pb-dup: A payer disputes a charge",
    ]
    section_only, _ = matcher(chunk)
    assert section_only.scores("charged twice", TIER1) == [("pb-dup", 0.40)]


def test_only_a_clear_similarity_match_says_the_question_is_covered() -> None:
    clear, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.70), pb_chunk("pb-x", "When to use", 0.40)
    )
    assert PLAYBOOK_MODEL.covers(PlaybookMatcher.evidence(clear.scores("q", TIER1)))
    near, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.45), pb_chunk("pb-x", "When to use", 0.40)
    )
    assert not PLAYBOOK_MODEL.covers(PlaybookMatcher.evidence(near.scores("q", TIER1)))
    assert not PLAYBOOK_MODEL.covers(None)


def answered(citations: list[Citation] | None = None, abstained: bool = False) -> Suggestion:
    return Suggestion(
        answer="Refund it [1].", citations=citations or [], confidence=0.8, abstained=abstained
    )


def test_actions_cite_their_steps_and_carry_the_refund_limit_and_escalation_team() -> None:
    found, _ = matcher(pb_chunk("pb-dup", "When to use", 0.7))
    article = Citation(
        index=1, doc_id="kb-1", title="t", source_type="article", chunk_id="kb-1#0", snippet="s"
    )
    got = with_actions(answered([article]), found.match("q", TIER1, retrieval("pb-dup")))
    by_index = {c.index: c for c in got.citations}
    assert [(a.kind, a.citation, a.details) for a in got.next_actions] == [
        ("refund", 2, {"max_amount": 500}),
        ("escalate", 3, {"team": "billing"}),
    ]
    assert by_index[2].chunk_id == "pb-dup:Steps 1-3" and by_index[1] == article


def test_a_step_already_cited_by_the_answer_is_not_cited_twice() -> None:
    found, _ = matcher(pb_chunk("pb-dup", "When to use", 0.7))
    step = Citation(
        index=1,
        doc_id="pb-dup",
        title="t",
        source_type="playbook",
        chunk_id="pb-dup:Steps 1-3",
        snippet="s",
    )
    got = with_actions(answered([step]), found.match("q", TIER1, retrieval("pb-dup")))
    assert [a.citation for a in got.next_actions] == [1, 2]
    assert len(got.citations) == 2


def test_the_steps_citations_follow_the_answers_without_a_gap() -> None:
    STEPS["pb-gap"] = [
        pb_chunk("pb-gap", "Steps 1-3", actions=[{"kind": "refund", "label": "Refund it"}]),
        # the same action again: it gives none, and its citation is dropped
        pb_chunk("pb-gap", "Steps 4-6", actions=[{"kind": "refund", "label": "Refund it"}]),
        pb_chunk("pb-gap", "Escalation", actions=[{"kind": "escalate", "team": "billing"}]),
    ]
    try:
        found, _ = matcher(pb_chunk("pb-gap", "When to use", 0.7))
        article = Citation(
            index=1, doc_id="kb-1", title="t", source_type="article", chunk_id="kb-1#0", snippet="s"
        )
        got = with_actions(answered([article]), found.match("q", TIER1, retrieval("pb-gap")))
    finally:
        del STEPS["pb-gap"]
    assert [c.index for c in got.citations] == [1, 2, 3]
    assert [(a.kind, a.citation) for a in got.next_actions] == [("refund", 2), ("escalate", 3)]
    assert got.citations[2].chunk_id == "pb-gap:Escalation"


def test_no_match_or_an_abstention_suggests_no_action() -> None:
    found, _ = matcher(pb_chunk("pb-dup", "When to use", 0.7))
    match = found.match("q", TIER1, retrieval("pb-dup"))
    assert with_actions(answered(abstained=True), match).next_actions == []
    assert with_actions(answered(), None).next_actions == []


def test_the_evidence_is_the_best_score_and_its_lead_whatever_the_threshold() -> None:
    found, _ = matcher(
        pb_chunk("pb-dup", "When to use", 0.40),  # under the threshold: no match, still evidence
        pb_chunk("pb-other", "When to use", 0.31),
    )
    ranked = found.scores("charged twice", TIER1)
    assert PlaybookMatcher.evidence(ranked) == (0.4, 0.09)
    assert found.decide(ranked, TIER1, "charged twice") is None
    assert PlaybookMatcher.evidence(ranked[:1]) == (0.4, 0.4)  # a lone playbook leads by all
    assert PlaybookMatcher.evidence([]) == (0.0, 0.0)


def test_a_playbook_that_cannot_be_kept_costs_no_store_read() -> None:
    reads: list[str] = []

    def siblings(doc: str, audience: Audience) -> list[RetrievedChunk]:
        reads.append(doc)
        return STEPS.get(doc, [])

    weak = PlaybookMatcher(
        Search([pb_chunk("pb-card", "When to use", 0.30), pb_chunk("pb-x", "When to use", 0.28)]),
        siblings,
    )
    assert weak.match("q", TIER1, retrieval("kb-1020")) is None
    assert reads == []  # under the threshold even if its link were found: not looked up
    close = PlaybookMatcher(
        Search([pb_chunk("pb-card", "When to use", 0.70), pb_chunk("pb-x", "When to use", 0.20)]),
        siblings,
    )
    match = close.match("customer charged twice", TIER1, retrieval("kb-1020"))
    assert match is not None and match.doc_id == "pb-card"
    # its links, its words and its actions, from one read; the far second is not read even
    # though it could hold every word of the question
    assert reads == ["pb-card"]


def test_when_the_first_documents_are_all_case_records_the_agent_facing_ranking_supports() -> None:
    # a ticket about a double payment finds the other double-payment tickets first; the
    # question's ranking of agent-facing documents finds the article the playbook links to
    knowledge = Search(retrieval("kb-1019", "kb-1020"))
    candidates = [pb_chunk("pb-card", "When to use", 0.70), pb_chunk("pb-x", "When to use", 0.40)]
    close = PlaybookMatcher(
        Search(candidates), lambda doc, audience: STEPS.get(doc, []), knowledge=knowledge
    )
    question = "customer charged twice"
    tickets = retrieval("ticket-1", "ticket-2", "ticket-3")
    match = close.match(question, TIER1, tickets)
    assert match is not None and match.doc_id == "pb-card"
    asked = knowledge.queries[0]
    assert "ticket" not in asked.filters.source_types
    assert {"article", "playbook"} <= set(asked.filters.source_types)
    assert asked.audience == TIER1 and asked.text == question
    # without that ranking, nothing the question found supports the playbook
    alone, _ = matcher(*candidates)
    assert alone.match(question, TIER1, tickets) is None
    # an article among the first documents: the question's own retrieval decides, unasked
    knowledge.queries.clear()
    assert close.match(question, TIER1, retrieval("ticket-1", "kb-1040")) is None
    assert knowledge.queries == []


def case_chunk(ticket: str, section: str, dense: float) -> RetrievedChunk:
    meta = {"source_type": "ticket", "section": f"{ticket} subject > {section}", "doc_id": ticket}
    return RetrievedChunk(f"{ticket}:{section}", ticket, section, meta, dense, {"dense": dense})


class ByType(Search):
    """A dense search that returns the chunks of the source types asked for."""

    def retrieve(self, query: Query) -> list[RetrievedChunk]:
        self.queries.append(query)
        types = set(query.filters.source_types or ())
        return [c for c in self.chunks if c.source_type in types]


def test_the_closest_cases_are_the_customers_own_words_of_case_records() -> None:
    search = ByType(
        [
            pb_chunk("pb-dup", "When to use", 0.6),
            case_chunk("ticket-1", "Problem", 0.9),
            case_chunk("ticket-2", "Problem", 0.7),
            case_chunk("ticket-3", "Problem", 0.5),
            case_chunk("ticket-4", "Problem", 0.1),  # a fourth, farther case does not count
            case_chunk("ticket-1", "Resolution", 0.95),  # an agent's words, not the customer's
        ]
    )
    found = PlaybookMatcher(search, lambda doc, audience: STEPS.get(doc, []))
    assert found.cases("charged twice", TIER1) == pytest.approx(0.7)
    asked = search.queries[-1]
    assert asked.filters.source_types == ("ticket",) and asked.audience == TIER1
    # a knowledge base without case records (or none the audience may see): no evidence
    assert PlaybookMatcher(ByType([]), lambda doc, audience: []).cases("q", TIER1) is None


def test_a_question_that_reads_like_the_cases_customers_report_gets_the_playbook() -> None:
    def matcher_with(case: float) -> PlaybookMatcher:
        chunks = [pb_chunk("pb-dup", "When to use", 0.60), pb_chunk("pb-x", "When to use", 0.45)]
        chunks += [case_chunk(f"ticket-{n}", "Problem", case) for n in range(3)]
        return PlaybookMatcher(ByType(chunks), lambda doc, audience: STEPS.get(doc, []))

    question = "the refund for the double payment has not arrived"  # one problem cue
    retrieved = retrieval("pb-dup", "kb-2", dense=0.60)  # an article as close as the situation
    like_cases = matcher_with(0.80).match(question, TIER1, retrieved)
    assert like_cases is not None and like_cases.doc_id == "pb-dup"
    # the same question, where the knowledge base's cases read nothing like it
    assert matcher_with(0.05).match(question, TIER1, retrieved) is None
    # no case records at all: neither for nor against
    none = PlaybookMatcher(
        ByType([pb_chunk("pb-dup", "When to use", 0.60), pb_chunk("pb-x", "When to use", 0.45)]),
        lambda doc, audience: STEPS.get(doc, []),
    )
    assert none.candidates(none.scores(question, TIER1), question, TIER1, retrieved)[0][1][5] == 0


def article(doc: str, text: str, dense: float) -> RetrievedChunk:
    meta = {"source_type": "article", "url": f"{HELP}/{doc}/", "doc_id": doc}
    return RetrievedChunk(f"{doc}:0", doc, text, meta, dense, signals={"dense": dense})


GOODWILL = [
    pb_chunk("pb-goodwill", "When to use", text="A customer asks for compensation"),
    pb_chunk(
        "pb-goodwill",
        "Steps 1-3",
        actions=[{"kind": "escalate", "team": "billing"}],
        text="Tier 1 may give a goodwill credit of up to 50 USD; above that, ask the billing lead.",
    ),
]


def test_a_playbook_that_names_what_the_question_asks_about_where_no_article_does_is_kept() -> None:
    def match(article_text: str) -> str | None:
        found = PlaybookMatcher(
            Search(
                [
                    pb_chunk("pb-goodwill", "When to use", 0.55),
                    pb_chunk("pb-x", "When to use", 0.45),
                ]
            ),
            lambda doc, audience: GOODWILL if doc == "pb-goodwill" else [],
        )
        question = "What is the largest goodwill credit I can give without the billing lead?"
        retrieved = [article("kb-1", article_text, 0.55), *retrieval("pb-goodwill", dense=0.5)]
        kept = found.match(question, TIER1, retrieved)
        return kept.doc_id if kept is not None else None

    # the article speaks of credits; only the playbook names the limit and who approves more
    assert match("Credits show on the customer's next invoice.") == "pb-goodwill"
    # an article that names them as well explains it: the same "when to use" match is not enough
    assert (
        match("A goodwill credit over 50 USD needs the billing lead; give it in Billing.") is None
    )


class Frequencies:
    """``TermStats`` from a table of document frequencies."""

    def __init__(self, df: dict[str, int], n: int) -> None:
        self.df, self.n = df, n

    def corpus_size(self) -> int:
        return self.n

    def document_frequency(self, terms: Sequence[str]) -> list[int]:
        return [self.df.get(t, 0) for t in terms]


def test_the_words_a_playbook_holds_are_weighed_by_how_rare_they_are() -> None:
    # "chargeback" is rare in this knowledge base, "customer" is everywhere
    stats = Frequencies({"chargeback": 2, "custom": 90}, 100)  # stemmed, as the BM25 index
    candidates = [pb_chunk("pb-dup", "When to use", 0.6), pb_chunk("pb-x", "When to use", 0.4)]
    siblings = {
        "pb-dup": [pb_chunk("pb-dup", "Steps", text="Answer the chargeback in Disputes.")],
        "pb-x": [pb_chunk("pb-x", "Steps", text="Reply to the customer.")],
    }
    found = PlaybookMatcher(Search(candidates), lambda doc, a: siblings[doc], stats=stats)
    question = "customer chargeback"
    retrieved = [article("kb-1", "What a customer sees.", 0.5)]
    words = {
        doc: evidence[6]
        for doc, evidence in found.candidates(
            found.scores(question, TIER1), question, TIER1, retrieved
        )
    }
    # the article holds "customer" too: the rare word is what sets the playbook apart
    assert words["pb-dup"] > 0.5 and words["pb-x"] == pytest.approx(0.0)
    # without any how-to document retrieved there is nothing to weigh the words against
    alone = found.candidates(found.scores(question, TIER1), question, TIER1, [])
    assert [evidence[6] for _, evidence in alone] == [0.0, 0.0]
