"""The default answerer: no LLM. It picks and orders the most relevant sentences of the top
passages, each keeping its citation, takes next actions from the matching playbook steps, and
builds the reply draft from customer-facing (public) sentences only.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answerers import AnswerContext
from assistant.answerers.common import citation_for, is_public, next_actions
from assistant.answerers.confidence import ConfidenceModel, stems
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Citation, Suggestion
from assistant.text import split_sentences
from ingest.sources.registry import flags_of

NO_COVERAGE = "The knowledge base does not cover this question."


@dataclass
class _Pick:
    passage: int  # rank of its passage
    position: int  # order inside the passage
    text: str
    score: float


def _voice(passage: RetrievedChunk) -> float:
    """How much a passage's sentences can serve as an answer: a section in the customer's own
    words (a ticket's problem) is rarely the answer."""
    if passage.section.endswith(flags_of(passage.source_type).customer_sections):
        return 0.25
    return 1.0


@dataclass(frozen=True)
class ReplyTemplate:
    """The customer-facing frame of a reply draft: an opening, the body, links, a closing."""

    opening: str = "Hi,\n\nThanks for reaching out."
    closing: str = "Let me know if anything is unclear.\n\nBest regards,"

    def render(self, body: list[str], links: list[str]) -> str:
        parts = [self.opening, " ".join(body)]
        if links:
            parts.append("More details: " + " ".join(links))
        parts.append(self.closing)
        return "\n\n".join(p for p in parts if p)


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        confidence: ConfidenceModel | None = None,
        reply: ReplyTemplate | None = None,
        max_sentences: int = 4,
        max_passages: int = 4,
        per_passage: int = 2,
        playbook_depth: int = 5,
    ) -> None:
        self.confidence = confidence or ConfidenceModel()
        self.reply = reply or ReplyTemplate()
        self.max_sentences = max_sentences
        self.max_passages = max_passages
        self.per_passage = per_passage
        self.playbook_depth = playbook_depth  # playbooks among this many top documents count

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
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
        picks = self._pick(context.question, passages[: self.max_passages])
        order: list[int] = []  # passage ranks in order of first citation
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
            reply_draft=self._reply(context.question, passages),
            confidence=confidence,
            answerer=self.name,
            stale_sources=sorted({c.doc_id for c in citations if c.stale}),
        )

    def _pick(self, question: str, passages: list[RetrievedChunk]) -> list[_Pick]:
        wanted = stems(question)
        candidates: list[_Pick] = []
        for rank, passage in enumerate(passages):
            rank_weight = _voice(passage) / (1 + 0.35 * rank)
            for position, sentence in enumerate(split_sentences(passage.text)):
                overlap = len(wanted & stems(sentence)) / max(1, len(wanted))
                lead = 0.15 if position == 0 else 0.0
                candidates.append(_Pick(rank, position, sentence, rank_weight * (overlap + lead)))
        candidates.sort(key=lambda p: p.score, reverse=True)
        chosen: list[_Pick] = []
        per: dict[int, int] = {}
        for pick in candidates:
            if pick.score <= 0 or per.get(pick.passage, 0) >= self.per_passage:
                continue
            per[pick.passage] = per.get(pick.passage, 0) + 1
            chosen.append(pick)
            if len(chosen) >= self.max_sentences:
                break
        if not chosen and candidates:  # nothing overlaps: lead with the top passage
            chosen = [min(candidates, key=lambda p: (p.passage, p.position))]
        return sorted(chosen, key=lambda p: (p.passage, p.position))

    @staticmethod
    def _quote(picks: list[_Pick], rank: int, chunk: RetrievedChunk) -> str:
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

    def _reply(self, question: str, passages: list[RetrievedChunk]) -> str:
        """A customer-facing draft, from public passages only (never internal content)."""
        public = [p for p in passages if is_public(p)][: self.max_passages]
        picks = self._pick(question, public)[:3] if public else []
        if not picks:
            return ""
        links: list[str] = []
        for pick in picks:
            url = str(public[pick.passage].metadata.get("url") or "")
            if url and url not in links:
                links.append(url)
        return self.reply.render([p.text for p in picks], links)
