"""The default answerer: no LLM. It answers with the best contiguous span of the best source
(``selection``), a second source only for what the first lacks, each sentence keeping its
citation; figures that conflict between sources are settled for the fresher one with a warning
(``conflicts``); the reply draft is plain text from public, current content only (``reply``).
"""

from __future__ import annotations

from assistant.answerers import AnswerContext
from assistant.answerers.common import citation_for, next_actions
from assistant.answerers.confidence import Confidence, ConfidenceModel
from assistant.answerers.reply import ReplyTemplate, ReplyWriter
from assistant.answerers.selection import Pick, Selector
from assistant.retrieval import RetrievedChunk
from assistant.retrieval.hybrid import Staleness
from assistant.suggestion import Citation, Suggestion

__all__ = ["NO_COVERAGE", "ExtractiveAnswerer", "ReplyTemplate"]

NO_COVERAGE = "The knowledge base does not cover this question."


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        confidence: Confidence | None = None,
        reply: ReplyTemplate | None = None,
        selector: Selector | None = None,
        staleness: Staleness | None = None,
    ) -> None:
        self.confidence: Confidence = confidence or ConfidenceModel()
        self.selector = selector or Selector()
        self.reply = ReplyWriter(reply or ReplyTemplate(), self.selector)
        # every chunk of a stale document, siblings the Assistant added included
        self.staleness = staleness or Staleness()

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
        self.staleness.flag(passages)
        confidence = self.confidence.score(context.question, passages)
        if not passages or (self.confidence.abstains(confidence) and not context.covered):
            # The shown confidence is the chance that the suggestion's answer is right; an
            # abstention gives none, so 0 (as the LLM path does), not the classifier's estimate.
            return Suggestion(
                answer=NO_COVERAGE,
                confidence=0.0,
                answerability=confidence,
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
        # Only the actions of quoted steps here: the Assistant's playbook matcher decides which
        # playbook's actions a suggestion carries (``answerers.playbooks``).
        actions = next_actions(cited)
        return Suggestion(
            answer=" ".join(sentences),
            citations=citations,
            next_actions=actions,
            reply_draft=self.reply.draft(context.question, passages, choice.dropped, picks),
            confidence=confidence,
            answerability=confidence,
            answerer=self.name,
            stale_sources=sorted({c.doc_id for c in citations if c.stale}),
            warnings=choice.warnings,
        )

    @staticmethod
    def _quote(picks: list[Pick], rank: int, chunk: RetrievedChunk) -> str:
        return " ".join(p.text for p in picks if p.passage == rank) or chunk.text
