"""The default answerer: no LLM. It answers with the best contiguous span of the best source
(``selection``), a second source only for what the first lacks, each sentence keeping its
citation; figures that conflict between sources are settled for the fresher one with a warning
(``conflicts``); the reply draft is plain text from public, current content only (``reply``).
"""

from __future__ import annotations

from assistant.answerers import AnswerContext
from assistant.answerers.common import citation_for, next_actions
from assistant.answerers.confidence import ConfidenceModel
from assistant.answerers.reply import ReplyTemplate, ReplyWriter
from assistant.answerers.selection import Pick, Selector
from assistant.retrieval import RetrievedChunk
from assistant.retrieval.hybrid import Staleness
from assistant.suggestion import Citation, Suggestion
from ingest.sources.registry import flags_of

__all__ = ["NO_COVERAGE", "ExtractiveAnswerer", "ReplyTemplate"]

NO_COVERAGE = "The knowledge base does not cover this question."


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        confidence: ConfidenceModel | None = None,
        reply: ReplyTemplate | None = None,
        selector: Selector | None = None,
        staleness: Staleness | None = None,
        playbook_depth: int = 5,
    ) -> None:
        self.confidence = confidence or ConfidenceModel()
        self.selector = selector or Selector()
        self.reply = ReplyWriter(reply or ReplyTemplate(), self.selector)
        # every chunk of a stale document, siblings the Assistant added included
        self.staleness = staleness or Staleness()
        self.playbook_depth = playbook_depth  # playbooks among this many top documents count

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
        self.staleness.flag(passages)
        confidence = self.confidence.score(context.question, passages)
        if not passages or self.confidence.abstains(confidence):
            return Suggestion(
                answer=NO_COVERAGE,
                confidence=confidence,
                abstained=True,
                reason="no passage in the knowledge base matches the question closely enough"
                if passages
                else "nothing in the knowledge base you can see matches the question",
                answerer=self.name,
            )
        choice = self.selector.choose(context.question, passages)
        picks = choice.picks
        order: list[int] = []  # passage indexes in order of first citation
        sentences: list[str] = []
        for pick in picks:
            if pick.passage not in order:
                order.append(pick.passage)
            sentences.append(f"{pick.text} [{order.index(pick.passage) + 1}]")
        cited = [(n, passages[rank]) for n, rank in enumerate(order, 1)]
        citations: list[Citation] = [
            citation_for(n, chunk, self._quote(picks, rank, chunk))
            for (n, chunk), rank in zip(cited, order, strict=True)
        ]
        actions = next_actions(cited + self._playbook_extras(passages, order, citations))
        return Suggestion(
            answer=" ".join(sentences),
            citations=citations,
            next_actions=actions,
            reply_draft=self.reply.draft(context.question, passages, choice.dropped),
            confidence=confidence,
            answerer=self.name,
            stale_sources=sorted({c.doc_id for c in citations if c.stale}),
            warnings=choice.warnings,
        )

    @staticmethod
    def _quote(picks: list[Pick], rank: int, chunk: RetrievedChunk) -> str:
        return " ".join(p.text for p in picks if p.passage == rank) or chunk.text

    def _playbook_extras(
        self, passages: list[RetrievedChunk], order: list[int], citations: list[Citation]
    ) -> list[tuple[int, RetrievedChunk]]:
        """Step chunks (with actions) of the playbooks among the top retrieved documents that
        were not quoted: they become citations too, so every next action points at its step."""
        top_docs = list(dict.fromkeys(c.doc_id for c in passages))[: self.playbook_depth]
        playbooks = {c.doc_id for c in passages if flags_of(c.source_type).expand_steps}
        playbooks &= set(top_docs)
        extras: list[tuple[int, RetrievedChunk]] = []
        for rank, chunk in enumerate(passages):
            if rank in order or chunk.doc_id not in playbooks:
                continue
            actions = chunk.metadata.get("actions")
            if not actions or actions == "[]":  # a step without an action
                continue
            index = len(citations) + 1
            citations.append(citation_for(index, chunk))
            extras.append((index, chunk))
        return extras
