"""The right playbook, or none: a playbook's next actions are suggested only when its *when to
use* matches the question or ticket closely enough.

The match is the dense similarity of the question to the playbooks' "when to use" chunks (a
search restricted to the source types whose steps are followed, so paraphrases find it), with
the best playbook kept when it clears ``threshold`` and leads the runner-up by ``margin``.
Its action-bearing chunks (steps, escalation rules) then become the suggestion's next actions,
each citing its chunk, whatever answerer wrote the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.answerers.common import citation_for, next_actions
from assistant.retrieval import Filters, Query, RetrievedChunk, Retriever
from assistant.suggestion import Citation, Suggestion
from assistant.types import Audience
from ingest.sources.playbooks import WHEN_TO_USE
from ingest.sources.registry import SOURCE_TYPES, flags_of

# A document's chunks that an audience may see, in order (``ChunkStore.siblings``).
SiblingFetcher = Callable[[str, Audience], list[RetrievedChunk]]

# Chosen on DEV items only (evals/gold/sample_kb.yaml, split dev, the 43 items annotated with a
# playbook or ``none``; ``python -m evals.fit_answerability`` prints it): the dense similarity of
# the question to a playbook's "when to use" chunk, and its lead over the next playbook's, above
# which that playbook's actions are suggested. The middle of a plateau: the best mean dev
# next-action accuracy within +-0.015 and +-0.03 of it, where the wrong-playbook rate stays
# <= 0.05 throughout (0.837 there, wrong 0.047), not a one-item spike.
PLAYBOOK_THRESHOLD = 0.38
PLAYBOOK_MARGIN = 0.12
ACTION_LIMIT = 8  # a playbook's steps and escalation rules together


def playbook_types() -> tuple[str, ...]:
    """The source types whose documents carry steps with actions (registry flags)."""
    return tuple(t for t in SOURCE_TYPES if flags_of(t).expand_steps)


@dataclass(frozen=True)
class PlaybookMatch:
    doc_id: str
    score: float  # dense similarity of the question to its "when to use"
    runner_up: float  # the next playbook's, 0 when there is none
    actions: tuple[RetrievedChunk, ...] = ()  # its chunks that carry actions, in order


class PlaybookMatcher:
    def __init__(
        self,
        search: Retriever,
        siblings: SiblingFetcher,
        threshold: float = PLAYBOOK_THRESHOLD,
        margin: float = PLAYBOOK_MARGIN,
        k: int = 24,
    ) -> None:
        self.search = search  # a dense retriever: its chunks carry a "dense" signal
        self.siblings = siblings
        self.threshold = threshold
        self.margin = margin
        self.k = k

    def scores(self, question: str, audience: Audience) -> list[tuple[str, float]]:
        """Each playbook the audience may see whose "when to use" was found, best first."""
        types = playbook_types()
        if not types:
            return []
        query = Query(question, audience, Filters(source_types=types), self.k)
        best: dict[str, float] = {}
        for chunk in self.search.retrieve(query):
            if not chunk.section.endswith(WHEN_TO_USE):
                continue
            score = chunk.signals.get("dense", chunk.score)
            best[chunk.doc_id] = max(score, best.get(chunk.doc_id, score))
        return sorted(best.items(), key=lambda pair: pair[1], reverse=True)

    @staticmethod
    def evidence(ranked: list[tuple[str, float]]) -> tuple[float, float]:
        """(the best playbook's score, its lead over the next one's), 0 where there is none."""
        top, next_ = [*(score for _, score in ranked[:2]), 0.0, 0.0][:2]
        return round(top, 4), round(top - next_, 4)

    def match(self, question: str, audience: Audience) -> PlaybookMatch | None:
        return self.decide(self.scores(question, audience), audience)

    def decide(self, ranked: list[tuple[str, float]], audience: Audience) -> PlaybookMatch | None:
        """The best of ``ranked`` (``scores``) when it clears the threshold and the margin."""
        if not ranked:
            return None
        doc_id, score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if score < self.threshold or score - runner_up < self.margin:
            return None
        chunks = [c for c in self.siblings(doc_id, audience) if c.metadata.get("actions")]
        return PlaybookMatch(doc_id, round(score, 4), round(runner_up, 4), tuple(chunks))


def with_actions(suggestion: Suggestion, match: PlaybookMatch | None) -> Suggestion:
    """The suggestion with the matched playbook's next actions (and none otherwise): each
    action cites its step, reusing a citation of that chunk when the answer already has one.
    An abstained suggestion suggests no action."""
    if match is None or suggestion.abstained or not match.actions:
        return suggestion.model_copy(update={"next_actions": []})
    citations: list[Citation] = list(suggestion.citations)
    by_chunk = {c.chunk_id: c.index for c in citations}
    cited: list[tuple[int, RetrievedChunk]] = []
    for chunk in match.actions:
        index = by_chunk.get(chunk.chunk_id)
        if index is None:
            index = max((c.index for c in citations), default=0) + 1
            citations.append(citation_for(index, chunk))
            by_chunk[chunk.chunk_id] = index
        cited.append((index, chunk))
    actions = next_actions(cited, limit=ACTION_LIMIT)
    if not actions:
        return suggestion.model_copy(update={"next_actions": []})
    used = {a.citation for a in actions} | {c.index for c in suggestion.citations}
    return suggestion.model_copy(
        update={"next_actions": actions, "citations": [c for c in citations if c.index in used]}
    )
