"""FallbackAnswerer: the primary's suggestion, or the fallback's with the reason recorded."""

from __future__ import annotations

import pytest

from assistant.answerers import AnswerContext, Answerer, AnswererError
from assistant.answerers.fallback import FallbackAnswerer
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Suggestion
from tests.assistant.answerers.payloads import MakeAnswerer, StandIn, context, passages
from tests.fakes.openai_server import FakeOpenAIServer, Status


class Failing:
    name = "llm"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
        raise self.error


class Fixed:
    name = "llm"

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
        return Suggestion(answer="primary [1].", confidence=0.9, answerer=self.name)


def test_the_primary_answer_is_kept() -> None:
    standin = StandIn()
    answerer: Answerer = FallbackAnswerer(Fixed(), standin)
    got = answerer.answer(context(), passages())
    assert (got.answer, got.answerer, got.fallback_reason) == ("primary [1].", "llm", None)
    assert standin.calls == 0 and answerer.name == "llm|standin"


def test_an_answerer_error_falls_back_with_the_reason() -> None:
    got = FallbackAnswerer(Failing(AnswererError("llm http 503")), StandIn()).answer(
        context(), passages()
    )
    assert (got.answer, got.answerer, got.fallback_reason) == (
        "stand-in answer",
        "standin",
        "llm http 503",
    )


def test_a_failing_fallback_and_other_errors_propagate() -> None:
    both = FallbackAnswerer(Failing(AnswererError("llm timeout")), Failing(AnswererError("x")))
    with pytest.raises(AnswererError, match="x"):
        both.answer(context(), passages())
    standin = StandIn()
    with pytest.raises(ValueError, match="bug"):
        FallbackAnswerer(Failing(ValueError("bug")), standin).answer(context(), passages())
    assert standin.calls == 0


def test_the_real_extractive_answerer_takes_over(
    openai_server: FakeOpenAIServer, make_answerer: MakeAnswerer
) -> None:
    extractive = pytest.importorskip("assistant.answerers.extractive")
    openai_server.script(Status(503, "overloaded"))
    got = FallbackAnswerer(make_answerer(), extractive.ExtractiveAnswerer()).answer(
        context(), passages()
    )
    assert (got.answerer, got.fallback_reason) == ("extractive", "llm http 503")
