"""The evidence the playbook matcher weighs (``answerers.playbooks``) that is read off the
question's own retrieval and a playbook's chunks: whether the retrieval supports the playbook
(``supported``), how close the closest how-to passage is (``howto_similarity``), and how much
more of the question's words the playbook holds than the how-to documents do (``Words``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answerers.answerability import TermStats, coverage, question_terms, term_weights
from assistant.retrieval import RetrievedChunk
from ingest.sources.playbook_actions import decode_actions
from ingest.sources.registry import flags_of

LINKED_DOCS = 5  # the question's first documents in which a playbook or its articles count


@dataclass(frozen=True)
class Words:
    """How much more of the question's words (IDF-weighted: ``answerability.coverage``) a
    playbook's chunks hold than the how-to document that holds the most of them in its passages
    retrieved (``best``): a playbook that names what the question asks about ("goodwill credit",
    "billing lead") where no article does is where the agent's answer is. 0.0 for every playbook
    when retrieval found no how-to document."""

    weights: dict[str, float]  # the question's words, by IDF (``answerability.term_weights``)
    best: float | None = None  # the share the best how-to document holds; None: none found

    def margin(self, chunks: Sequence[RetrievedChunk]) -> float:
        return margin_over(coverage(self.weights, set().union(*map(_terms, chunks))), self.best)

    def bounds(self) -> tuple[float, float]:
        """The least and the most margin any playbook could have (a question without content
        words has one: none of its words is anywhere)."""
        most = 1.0 if any(self.weights.values()) else 0.0
        return margin_over(0.0, self.best), margin_over(most, self.best)


NO_WORDS = Words({})


def action_chunks(chunks: Sequence[RetrievedChunk]) -> tuple[RetrievedChunk, ...]:
    """A playbook's chunks that carry actions, in order."""
    return tuple(c for c in chunks if c.metadata.get("actions"))


def supported(
    doc_id: str, found: set[str], actions: Callable[[], Sequence[RetrievedChunk]]
) -> float:
    """1.0 when ``found`` (``first_documents``) holds the playbook or a page its link actions
    point to (its ``actions`` are read only when the playbook itself is not there), else 0.0."""
    if doc_id in found:
        return 1.0
    pages = {
        _page(str(action["url"]))
        for chunk in actions()
        for action in decode_actions(chunk.metadata.get("actions"))
        if action.get("kind") == "link" and action.get("url")
    }
    return float(bool(pages & found))


def in_customers_words(chunk: RetrievedChunk) -> bool:
    """Whether a chunk is a case record's customer section (a ticket's "Problem")."""
    sections = flags_of(chunk.source_type).customer_sections
    return bool(sections) and chunk.section.endswith(sections)


def _page(url: str) -> str:
    return url.strip().rstrip("/")


def _first_chunks(retrieved: Sequence[RetrievedChunk]) -> list[RetrievedChunk]:
    """The first chunk of each of the first ``LINKED_DOCS`` documents of a retrieval."""
    first: dict[str, RetrievedChunk] = {}
    for chunk in retrieved:
        if chunk.doc_id not in first:
            if len(first) == LINKED_DOCS:
                break
            first[chunk.doc_id] = chunk
    return list(first.values())


def first_documents(retrieved: Sequence[RetrievedChunk]) -> set[str]:
    """The ids and page addresses of the first ``LINKED_DOCS`` documents of a retrieval."""
    first = _first_chunks(retrieved)
    urls = {_page(str(c.metadata["url"])) for c in first if c.metadata.get("url")}
    return {c.doc_id for c in first} | urls


def agent_facing_among_first(retrieved: Sequence[RetrievedChunk]) -> bool:
    """Whether an agent-facing document is among the first ``LINKED_DOCS`` of a retrieval."""
    return any(flags_of(c.source_type).agent_facing for c in _first_chunks(retrieved))


def is_howto(chunk: RetrievedChunk) -> bool:
    """Agent-facing knowledge whose documents carry no steps (articles, not playbooks or case
    records)."""
    flags = flags_of(chunk.source_type)
    return flags.agent_facing and not flags.expand_steps


def howto_similarity(retrieved: Sequence[RetrievedChunk]) -> float | None:
    """The dense similarity to the question of the closest how-to passage retrieved; None when
    retrieval found none."""
    return max(
        (float(chunk.signals.get("dense", 0.0)) for chunk in retrieved if is_howto(chunk)),
        default=None,
    )


def words_of(question: str, retrieved: Sequence[RetrievedChunk], stats: TermStats | None) -> Words:
    """How a playbook's words are weighed (``Words``) against the how-to document that holds
    the most of the question's words in its passages retrieved."""
    weights = term_weights(question_terms(question), stats)
    held: dict[str, set[str]] = {}
    for chunk in retrieved:
        if is_howto(chunk):
            held.setdefault(chunk.doc_id, set()).update(_terms(chunk))
    return Words(weights, max((coverage(weights, terms) for terms in held.values()), default=None))


def _terms(chunk: RetrievedChunk) -> list[str]:
    return question_terms(f"{chunk.title} {chunk.text}")


def margin_over(value: float | None, howto: float | None) -> float:
    """How far a playbook's reading of the question (its situation's similarity, the closest
    cases', the share of the question's words it holds) is ahead of the how-to knowledge's;
    0.0 (no evidence either way) when either is missing."""
    return 0.0 if value is None or howto is None else value - howto
