"""The one entry point every channel calls: a question or ticket in, a suggestion out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from assistant.access import Audience
from assistant.answerers import AnswerContext, Answerer
from assistant.answerers.playbooks import (
    PlaybookMatch,
    PlaybookMatcher,
    SiblingFetcher,
    with_actions,
)
from assistant.conversation import rewrite
from assistant.errors import ErrorCode, KbassistError
from assistant.retrieval import Filters, Query, RetrievedChunk, Retriever
from assistant.suggestion import AskRequest, Suggestion
from ingest.sources.registry import flags_of


def standalone_query(request: AskRequest) -> str:
    """The query retrieval runs with: earlier turns folded in, the ticket's product added."""
    text = rewrite(request.text(), request.history)
    if request.ticket and request.ticket.product:
        text = f"{text} {request.ticket.product}"
    return text


@dataclass
class SuggestResult:
    suggestion: Suggestion
    retrieved: list[RetrievedChunk]
    query: str  # the standalone query retrieval ran with
    latency_ms: float
    playbook: PlaybookMatch | None = None  # the playbook whose "when to use" matched


class Suggester(Protocol):
    """What asks for a suggestion (``Assistant``); the service and the eval runner take one."""

    def suggest(self, request: AskRequest, audience: Audience) -> SuggestResult: ...


class Assistant:
    def __init__(
        self,
        retriever: Retriever,
        answerer: Answerer,
        siblings: SiblingFetcher | None = None,
        k: int = 6,
        expand_playbooks: int = 2,
        playbooks: PlaybookMatcher | None = None,
    ) -> None:
        self.retriever = retriever
        self.answerer = answerer
        self.siblings = siblings
        # With a matcher, next actions come from the playbook whose "when to use" matches the
        # question (or none), not from whichever playbook the answer happens to quote.
        self.playbooks = playbooks
        self.k = k
        self.expand_playbooks = expand_playbooks

    def suggest(self, request: AskRequest, audience: Audience) -> SuggestResult:
        started = time.perf_counter()
        text = request.text()
        if not text:
            raise KbassistError(
                ErrorCode.BAD_INPUT, "give a question, or a ticket with a subject or description"
            )
        query_text = standalone_query(request)
        filters = Filters(tuple(request.source_types), tuple(request.products), tuple(request.tags))
        retrieved = self.retriever.retrieve(Query(query_text, audience, filters, self.k))
        passages = self.passages(retrieved, audience)
        # The playbooks are ranked first: how clearly one matches is evidence that the question
        # is answerable (the answerability model's playbook features), and decides its actions.
        ranked = self.playbooks.scores(query_text, audience) if self.playbooks is not None else None
        evidence = PlaybookMatcher.evidence(ranked) if ranked else None  # none: neutral
        match = None
        if self.playbooks is not None and ranked is not None:
            match = self.playbooks.decide(ranked, audience, query_text, retrieved)
        context = AnswerContext(
            query_text,
            audience,
            tuple(request.history),
            request.ticket,
            playbook=evidence,
            # a playbook to follow, or a clear "when to use" match: the KB covers the question
            covered=self.playbooks is not None
            and (match is not None or self.playbooks.model.covers(evidence)),
        )
        suggestion = self.answerer.answer(context, passages)
        if self.playbooks is not None and ranked is not None:
            if suggestion.abstained:  # an abstention suggests no action
                match = None
            suggestion = with_actions(suggestion, match)
        latency = (time.perf_counter() - started) * 1000
        return SuggestResult(suggestion, retrieved, query_text, latency, match)

    def passages(self, retrieved: list[RetrievedChunk], audience: Audience) -> list[RetrievedChunk]:
        """Follow a retrieved playbook to all of its steps (so next actions can be cited), and a
        ticket's problem to the resolution that solved it (the answer is there, not in the
        customer's words): the source type's flags say which."""
        if self.siblings is None:
            return retrieved
        out: list[RetrievedChunk] = []
        seen = {c.chunk_id for c in retrieved}
        expanded = 0
        for chunk in retrieved:
            out.append(chunk)
            flags = flags_of(chunk.source_type)
            if flags.expand_steps and expanded < self.expand_playbooks:
                expanded += 1
                wanted = self.siblings(chunk.doc_id, audience)
            elif flags.answer_section and not chunk.section.endswith(flags.answer_section):
                wanted = [
                    s
                    for s in self.siblings(chunk.doc_id, audience)
                    if s.section.endswith(flags.answer_section)
                ]
            else:
                continue
            for sibling in wanted:
                if sibling.chunk_id not in seen:
                    seen.add(sibling.chunk_id)
                    sibling.score = chunk.score
                    sibling.signals = dict(chunk.signals)
                    out.append(sibling)
        return out
