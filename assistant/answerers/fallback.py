"""An answerer that falls back to another one when the first fails (e.g. LLM -> extractive)."""

from __future__ import annotations

import logging

from assistant.answerers import AnswerContext, Answerer, AnswererError
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Suggestion

log = logging.getLogger(__name__)


class FallbackAnswerer:
    """``primary``'s suggestion, or on ``AnswererError`` ``fallback``'s with ``fallback_reason``.

    Only ``AnswererError`` triggers the fallback; any other exception is a bug and propagates, as
    does an ``AnswererError`` of the fallback itself.
    """

    def __init__(self, primary: Answerer, fallback: Answerer) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = f"{primary.name}|{fallback.name}"

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
        try:
            return self.primary.answer(context, passages)
        except AnswererError as err:
            log.info("%s failed (%s); using %s", self.primary.name, err.reason, self.fallback.name)
            suggestion = self.fallback.answer(context, passages)
            return suggestion.model_copy(
                update={"fallback_reason": err.reason, "answerer": self.fallback.name}
            )
