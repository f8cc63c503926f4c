"""Answerers turn retrieved passages into a ``Suggestion``; all of them sit behind one protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.access import Audience
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Suggestion, Ticket, Turn


@dataclass(frozen=True)
class AnswerContext:
    """Everything an answerer may use besides the passages."""

    question: str
    audience: Audience = field(default_factory=Audience)
    history: tuple[Turn, ...] = ()
    ticket: Ticket | None = None
    # The playbook evidence (``answerers.playbooks.PlaybookMatcher.evidence``): similarity of the
    # question to the best playbook's "when to use" and its lead over the next playbook's; None
    # when no playbook was searched. A confidence reads it (``AnswerabilityModel.score``).
    playbook: tuple[float, float] | None = None
    # A playbook written for this situation matched it (``PlaybookMatcher.decide`` kept it, or
    # its "when to use" clears ``PlaybookModel.cover``): the knowledge base covers the question,
    # so the answerer does not abstain (the shown confidence stays its own).
    covered: bool = False


class AnswererError(Exception):
    """The answerer could not produce a suggestion (e.g. the LLM endpoint failed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Answerer(Protocol):
    name: str

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
        """Answer from these passages only (already filtered for the audience, best first)."""
        ...
