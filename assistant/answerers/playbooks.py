"""The right playbook, or none: a playbook's next actions are suggested only when its *when to
use* matches the question or ticket closely enough.

The candidates are the playbooks whose "when to use" chunks are most similar to the question (a
dense search restricted to the source types whose steps are followed, so paraphrases find it).
A "when to use" lists alternative situations, any one of which calls for the playbook, so with
a ``similarity`` a candidate's similarity is that of its closest situation (each bullet with the
playbook's title) when that is closer than the section as a whole. Each candidate is scored by
a small logistic model (``PlaybookModel``) over seven pieces of evidence:

1. that similarity;
2. its lead over the best other candidate's;
3. how plainly the question reports a situation rather than asks for information
   (``situation.problem_cues``: a playbook is for something gone wrong, not for a question on
   the same topic);
4. whether the question's own retrieval agrees: the playbook, or an article its steps link to,
   is among the first ``LINKED_DOCS`` documents found for the question (a "when to use" that
   shares a word or two with a question on another topic finds no support there; when those
   documents are all case records, the first agent-facing documents of the question's ranking
   count too, ``PlaybookMatcher.support``);
5. how much closer the question is to the playbook's situation than to the closest how-to
   knowledge its retrieval found (an article, ``howto_similarity``): a question an article
   explains as well as the playbook's situation describes it asks how something works, and one
   that meets a situation better than any article reports that situation;
6. how much closer the question is to the customers' own words in the closest case records (a
   ticket's "Problem") than to that how-to knowledge (``PlaybookMatcher.cases``): a question
   that reads like the cases customers report is a report too;
7. how much more of the question's words (IDF-weighted) the playbook holds than the how-to
   document retrieved that holds the most (``Words``): a question about what only the
   playbook names (its limits, who approves) is the playbook's.

The most likely candidate is kept when its probability clears the model's threshold. Its
action-bearing chunks (steps, escalation rules) then become the suggestion's next actions, each
citing its chunk, whatever answerer wrote the answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from assistant.answerers.answerability import TermStats
from assistant.answerers.common import citation_for, next_actions
from assistant.answerers.playbook_evidence import (
    NO_WORDS,
    Words,
    action_chunks,
    agent_facing_among_first,
    first_documents,
    howto_similarity,
    in_customers_words,
    margin_over,
    supported,
    words_of,
)
from assistant.answerers.situation import problem_cues
from assistant.embedding.similarity import Similarity
from assistant.retrieval import Filters, Query, RetrievedChunk, Retriever
from assistant.suggestion import Citation, Suggestion
from assistant.types import Audience
from ingest.sources.playbooks import WHEN_TO_USE
from ingest.sources.registry import SOURCE_TYPES, flags_of

# A document's chunks that an audience may see, in order (``ChunkStore.siblings``).
SiblingFetcher = Callable[[str, Audience], list[RetrievedChunk]]
_BULLET = re.compile(r"^\s*[-*]\s+(.+)$", re.MULTILINE)

# (similarity of "when to use", lead over the next candidate, the question's problem cues,
# 1.0 when the question's retrieval found the playbook or an article it links to, else 0.0,
# that similarity less the dense similarity of the closest how-to passage retrieved, the mean
# similarity of the closest cases in customers' words less that of the how-to passage, the
# share of the question's words the playbook holds less the share the best how-to document
# retrieved holds)
Evidence = tuple[float, float, float, float, float, float, float]
Situation = tuple[float, float, float]  # the first three: how the question meets "when to use"
ACTION_LIMIT = 8  # a playbook's steps and escalation rules together
CANDIDATES = 3  # the best "when to use" matches the model weighs
SUPPORT_K = 12  # chunks asked of ``PlaybookMatcher.knowledge`` for agent-facing documents
CASES = 3  # the closest cases in customers' own words whose similarity is averaged
CASES_K = 12  # chunks of case records asked for to find them


@dataclass(frozen=True)
class PlaybookModel:
    """P(this candidate is the playbook to follow) = sigmoid(intercept + w . evidence), where the
    evidence is the module's seven pieces (``Evidence``): the similarity of its "when to use",
    its lead over the best other candidate's, the question's problem cues (0 to
    ``situation.MAX_CUES``), whether the question's retrieval found it or an article it links to
    (0 or 1), its similarity's margin over the closest how-to passage that retrieval found, the
    closest cases' margin over that passage, and its words' margin over the how-to documents'
    (``Words``)."""

    weights: tuple[float, float, float, float, float, float, float]
    intercept: float
    threshold: float  # keep the best candidate from this probability up
    # A match whose "when to use" is this similar to the question, and leads the other
    # candidates by this much, says on its own that the knowledge base covers the question, so
    # the answerer does not abstain (``AnswerContext.covered``), whether or not the procedure
    # applies. A weaker match covers the question only when the model keeps it (its steps are
    # then the answer; ``Assistant.suggest``): a question near a playbook's topic is not always
    # one it answers.
    cover: tuple[float, float] = (0.38, 0.12)

    def covers(self, evidence: tuple[float, float] | None) -> bool:
        """Whether the best "when to use" similarity and its lead over the next playbook's
        (``PlaybookMatcher.evidence``) say that the knowledge base covers the question, whether
        or not the playbook's procedure applies to it."""
        if evidence is None:
            return False
        return evidence[0] >= self.cover[0] and evidence[1] >= self.cover[1]

    def probability(
        self,
        score: float,
        lead: float,
        cues: float,
        linked: float,
        margin: float,
        cases: float,
        words: float,
    ) -> float:
        evidence = (score, lead, cues, linked, margin, cases, words)
        z = self.intercept + sum(w * x for w, x in zip(self.weights, evidence, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


# Fitted and chosen on DEV items only (evals/gold/sample_kb.yaml, split dev, the 147 items
# annotated with a playbook or ``none``): ``python -m evals.fit_answerability`` prints both. The
# threshold is the middle of a plateau of dev next-action accuracy where the wrong-playbook rate
# stays <= 0.05 throughout, not a one-item spike (dev accuracy 0.898, wrong playbook 0.041).
# Judged by 5-fold cross-validation on dev (10 shuffles): 0.893 accuracy / 0.043 wrong playbook;
# without the words the playbook holds 0.871 / 0.041, without the closest cases as well 0.850 /
# 0.044. Fitted on the first 108 dev items and judged on the 39 written after them: 0.872 /
# 0.026 with the words, 0.821 / 0.026 without. What else was tried, and why it was left out, is
# in docs/evaluation.md ("Playbooks" sections). The cover bar is the earlier similarity-only
# matcher's (chosen on the first dev items): a clear match says the knowledge base covers the
# question. Re-checked on the grown dev split with the closest situation's similarity: a lower
# bar answers more (dev top-1 0.685 -> 0.730 at (0.35, 0.08)) and abstains worse (F1 0.603 ->
# 0.576); of the bars tried, (0.38, 0.12) has the best dev abstention F1.
PLAYBOOK_MODEL = PlaybookModel(
    weights=(1.8237, 3.5542, 0.7638, 2.5583, 2.1492, 0.8162, 2.7347),
    intercept=-4.8768,
    threshold=0.46,
)


def playbook_types() -> tuple[str, ...]:
    """The source types whose documents carry steps with actions (registry flags)."""
    return tuple(t for t in SOURCE_TYPES if flags_of(t).expand_steps)


@dataclass(frozen=True)
class PlaybookMatch:
    doc_id: str
    score: float  # similarity of the question to its "when to use" (its closest situation)
    probability: float = 1.0  # the model's, that it is the playbook to follow
    actions: tuple[RetrievedChunk, ...] = ()  # its chunks that carry actions, in order


class PlaybookMatcher:
    def __init__(
        self,
        search: Retriever,
        siblings: SiblingFetcher,
        model: PlaybookModel = PLAYBOOK_MODEL,
        k: int = 24,
        similarity: Similarity | None = None,
        knowledge: Retriever | None = None,
        stats: TermStats | None = None,
    ) -> None:
        self.search = search  # a dense retriever: its chunks carry a "dense" signal
        self.siblings = siblings
        self.model = model
        self.k = k
        self.similarity = similarity  # of each "when to use" situation, when given
        # the question's own ranking (hybrid), asked for agent-facing documents only when its
        # first documents are all case records (``support``)
        self.knowledge = knowledge
        self.stats = stats  # the knowledge base's document frequencies, to weigh words by

    def scores(self, question: str, audience: Audience) -> list[tuple[str, float]]:
        """Each playbook the audience may see whose "when to use" was found, best first."""
        types = playbook_types()
        if not types:
            return []
        query = Query(question, audience, Filters(source_types=types), self.k)
        best: dict[str, float] = {}
        situations: list[tuple[str, str]] = []  # (doc id, "title: situation")
        for chunk in self.search.retrieve(query):
            if not chunk.section.endswith(WHEN_TO_USE):
                continue
            score = chunk.signals.get("dense", chunk.score)
            best[chunk.doc_id] = max(score, best.get(chunk.doc_id, score))
            if self.similarity is not None:
                situations += [
                    (chunk.doc_id, f"{chunk.title}: {b}") for b in _BULLET.findall(chunk.text)
                ]
        if self.similarity is not None and situations:
            similar = self.similarity(question, [text for _, text in situations])
            for (doc_id, _), score in zip(situations, similar, strict=True):
                best[doc_id] = max(best[doc_id], float(score))
        return sorted(best.items(), key=lambda pair: pair[1], reverse=True)

    @staticmethod
    def evidence(ranked: list[tuple[str, float]]) -> tuple[float, float]:
        """(the best playbook's score, its lead over the next one's), 0 where there is none."""
        top, next_ = [*(score for _, score in ranked[:2]), 0.0, 0.0][:2]
        return round(top, 4), round(top - next_, 4)

    def match(
        self, question: str, audience: Audience, retrieved: Sequence[RetrievedChunk] = ()
    ) -> PlaybookMatch | None:
        return self.decide(self.scores(question, audience), audience, question, retrieved)

    def cases(self, question: str, audience: Audience) -> float | None:
        """The mean dense similarity of the question to the ``CASES`` closest cases in
        customers' own words (the customer sections of case records, a ticket's "Problem");
        None when the knowledge base has none the audience may see."""
        types = tuple(t for t in SOURCE_TYPES if flags_of(t).customer_sections)
        if not types:
            return None
        query = Query(question, audience, Filters(source_types=types), CASES_K)
        found = sorted(
            (
                float(chunk.signals.get("dense", chunk.score))
                for chunk in self.search.retrieve(query)
                if in_customers_words(chunk)
            ),
            reverse=True,
        )[:CASES]
        return sum(found) / len(found) if found else None

    def candidates(
        self,
        ranked: list[tuple[str, float]],
        question: str,
        audience: Audience,
        retrieved: Sequence[RetrievedChunk] = (),
    ) -> list[tuple[str, Evidence]]:
        """The best ``CANDIDATES`` of ``ranked`` (``scores``), each with its evidence: its
        similarity, its lead over the best other candidate's, the question's problem cues,
        whether ``retrieved`` (the question's retrieval, best first) found it or an article it
        links to among its first ``LINKED_DOCS`` documents, its similarity's margin over the
        closest how-to passage of ``retrieved`` (``howto_similarity``), the closest cases'
        (``cases``) margin over that passage, and how much more of the question's words it holds
        than the how-to documents retrieved (``Words``)."""
        found = self.support(question, audience, retrieved)
        matched, howto, cases, words = self._weighed(ranked, question, audience, retrieved)
        out: list[tuple[str, Evidence]] = []
        for doc_id, situation in matched:
            chunks = self.siblings(doc_id, audience)
            linked = supported(doc_id, found, partial(action_chunks, chunks))
            margin = margin_over(situation[0], howto)
            out.append((doc_id, (*situation, linked, margin, cases, words.margin(chunks))))
        return out

    def decide(
        self,
        ranked: list[tuple[str, float]],
        audience: Audience,
        question: str,
        retrieved: Sequence[RetrievedChunk] = (),
    ) -> PlaybookMatch | None:
        """The most likely of ``ranked``'s candidates for ``question`` (whose retrieval is
        ``retrieved``) when the model's probability for it clears the threshold; else None.

        The same choice as the most likely of ``candidates``, but a candidate that would stay
        under the threshold whatever its chunks hold and retrieval's support says is not read
        further (``_could_clear``): its chunks (a store read) and the agent-facing documents
        (``support``, a search) are asked for only where they could decide it."""
        matched, howto, cases, words = self._weighed(ranked, question, audience, retrieved)
        found: set[str] | None = None
        best: tuple[float, str, float, list[RetrievedChunk]] | None = None
        for doc_id, situation in matched:
            margin = margin_over(situation[0], howto)
            if not self._could_clear(situation, margin, cases, words):
                continue  # its chunks and retrieval's support cannot change that
            chunks = self.siblings(doc_id, audience)
            if found is None:
                found = self.support(question, audience, retrieved)
            linked = supported(doc_id, found, partial(action_chunks, chunks))
            evidence = (*situation, linked, margin, cases, words.margin(chunks))
            probability = self.model.probability(*evidence)
            if best is None or probability > best[0]:
                best = (probability, doc_id, situation[0], chunks)
        if best is None or best[0] < self.model.threshold:
            return None
        probability, doc_id, score, chunks = best
        actions = action_chunks(chunks)
        return PlaybookMatch(doc_id, round(score, 4), round(probability, 4), actions)

    def _could_clear(self, situation: Situation, margin: float, cases: float, words: Words) -> bool:
        """Whether a candidate could clear the threshold with retrieval's support or without it,
        and with the least or the most share of the question's words (the model is monotone in
        each)."""
        return any(
            self.model.probability(*situation, linked, margin, cases, held) >= self.model.threshold
            for linked in (0.0, 1.0)
            for held in words.bounds()
        )

    def _weighed(
        self,
        ranked: list[tuple[str, float]],
        question: str,
        audience: Audience,
        retrieved: Sequence[RetrievedChunk],
    ) -> tuple[list[tuple[str, Situation]], float | None, float, Words]:
        """What ``candidates`` and ``decide`` both weigh: the candidates with how each meets its
        "when to use" (``_matched``), the closest how-to passage's similarity
        (``howto_similarity``), the closest cases' margin over it (asked of the store only when
        there is a candidate), and how a playbook's words are weighed against the how-to
        documents' (``Words``)."""
        matched = _matched(ranked, question)
        howto = howto_similarity(retrieved)
        cases = margin_over(self.cases(question, audience), howto) if matched else 0.0
        words = words_of(question, retrieved, self.stats) if matched else NO_WORDS
        return matched, howto, cases, words

    def support(
        self, question: str, audience: Audience, retrieved: Sequence[RetrievedChunk]
    ) -> set[str]:
        """The documents in which retrieval's support for a playbook is looked for: the first
        ``LINKED_DOCS`` documents of ``retrieved``; when those are all case records (a ticket
        about a double payment finds the other double-payment tickets first), the first
        ``LINKED_DOCS`` agent-facing documents of the question's ranking as well."""
        found = first_documents(retrieved)
        if self.knowledge is None or not retrieved or agent_facing_among_first(retrieved):
            return found
        types = tuple(t for t in SOURCE_TYPES if flags_of(t).agent_facing)
        query = Query(question, audience, Filters(source_types=types), SUPPORT_K)
        return found | first_documents(self.knowledge.retrieve(query))


def _matched(ranked: list[tuple[str, float]], question: str) -> list[tuple[str, Situation]]:
    """The best ``CANDIDATES`` of ``ranked``, each with its similarity, its lead over the best
    other candidate's and the question's problem cues."""
    top = ranked[:CANDIDATES]
    cues = float(problem_cues(question))
    out = []
    for i, (doc_id, score) in enumerate(top):
        other = max((s for j, (_, s) in enumerate(top) if j != i), default=0.0)
        out.append((doc_id, (score, score - other, cues)))
    return out


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
    kept = [c for c in citations if c.index in used]
    # the answer's citations keep their numbers (its text cites them); the steps' are numbered on
    # from them without gaps (a step that gave no action leaves none)
    own = {c.index for c in suggestion.citations}
    start = max(own, default=0)
    added = [c.index for c in kept if c.index not in own]
    number = {i: i for i in own} | {i: start + n for n, i in enumerate(added, 1)}
    return suggestion.model_copy(
        update={
            "next_actions": [
                a.model_copy(update={"citation": number.get(a.citation or 0, a.citation)})
                for a in actions
            ],
            "citations": [c.model_copy(update={"index": number[c.index]}) for c in kept],
        }
    )
