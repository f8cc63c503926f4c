"""The LLM draft writer: the same tickets as the extractive writer, written up by any
OpenAI-compatible endpoint through the versioned prompt ``prompts/draft.v1.txt`` and a strict
JSON schema.

Every sentence goes through the answers' own support check (``llm_output.Checker``: a citation
to a ticket that was not given is dropped, a sentence its tickets do not support is removed) and
keeps references to its tickets. Any failure (the endpoint, invalid JSON, no supported step)
falls back to the extractive draft, with the reason kept.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat
from pydantic import BaseModel, ValidationError

from assistant.answerers import AnswererError
from assistant.answerers.llm import content_of, failure_reason, openai_client
from assistant.answerers.llm_output import MIN_OVERLAP, Checker, LLMSentence, claims
from assistant.answerers.llm_prompt import render_passages, sentences_schema
from assistant.drafts.grouping import TicketCase
from assistant.drafts.writer import DraftText, ExtractiveWriter, Line, has_placeholder, usable
from assistant.errors import ErrorCode, KbassistError
from assistant.prompts import PromptTemplate, load_prompt
from assistant.settings import Settings
from assistant.types import RetrievedChunk

log = logging.getLogger(__name__)
PROMPT_NAME, PROMPT_VERSION = "draft", 1
_SECTIONS = ("symptoms", "cause", "steps")


class DraftOutput(BaseModel):
    title: str
    symptoms: list[LLMSentence]
    cause: list[LLMSentence]
    steps: list[LLMSentence]


def draft_schema() -> dict[str, Any]:
    sentences = sentences_schema()
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", *_SECTIONS],
        "properties": {"title": {"type": "string"}, **{s: sentences for s in _SECTIONS}},
    }


def ticket_passages(cases: list[TicketCase]) -> list[RetrievedChunk]:
    """Each ticket as one passage: its problem, then its resolution."""
    return [
        RetrievedChunk(
            chunk_id=case.doc_id,
            doc_id=case.doc_id,
            text="Problem: "
            + " ".join(case.problem)
            + "\nResolution: "
            + " ".join(case.resolution),
            metadata={"title": case.title, "source_type": "ticket", "visibility": "internal"},
            score=1.0,
        )
        for case in cases
    ]


class LLMWriter:
    def __init__(
        self,
        client: openai.OpenAI,
        model: str,
        prompt: PromptTemplate,
        fallback: ExtractiveWriter,
        min_overlap: float = MIN_OVERLAP,
    ) -> None:
        if set(prompt.variables) != {"tickets"} or prompt.placeholders("system"):
            raise KbassistError(
                ErrorCode.CONFIG,
                f"prompt file {prompt.path}: the draft writer needs the variable tickets, "
                "in the user part",
            )
        self.client = client
        self.model = model
        self.prompt = prompt
        self.fallback = fallback
        self.min_overlap = min_overlap

    @classmethod
    def from_settings(cls, settings: Settings, fallback: ExtractiveWriter) -> LLMWriter:
        prompt = load_prompt(PROMPT_NAME, PROMPT_VERSION, settings.prompts_dir)
        return cls(openai_client(settings), settings.llm_model, prompt, fallback)

    def write(self, cases: list[TicketCase]) -> DraftText:
        try:
            return self._write(cases)
        except AnswererError as err:
            log.warning("llm draft writer failed: %s", err.reason)
            text = self.fallback.write(cases)
            text.fallback_reason = err.reason
            return text

    def _write(self, cases: list[TicketCase]) -> DraftText:
        passages = ticket_passages(cases)
        rendered = self.prompt.render({"tickets": render_passages(passages)})
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": rendered.system},
            {"role": "user", "content": rendered.user},
        ]
        response_format: ResponseFormat = {
            "type": "json_schema",
            "json_schema": {"name": "kbassist_draft", "strict": True, "schema": draft_schema()},
        }
        try:
            completion = self.client.chat.completions.create(
                model=self.model, messages=messages, response_format=response_format
            )
        except openai.OpenAIError as err:
            raise AnswererError(failure_reason(err)) from err
        except ValueError as err:
            raise AnswererError("llm returned an invalid response") from err
        output = _parse(content_of(completion))
        checker = Checker(passages, self.min_overlap, [])
        sections = {
            name: self._checked(checker, getattr(output, name), passages, name)
            for name in _SECTIONS
        }
        if not sections["steps"]:
            raise AnswererError("llm draft has no supported resolution step")
        title = " ".join(output.title.split())[:120]
        if not title or has_placeholder(title):
            title = self.fallback.write(cases).title
        return DraftText(
            title,
            sections["symptoms"],
            sections["cause"],
            sections["steps"],
            writer="llm",
            warnings=checker.warnings,
        )

    @staticmethod
    def _checked(
        checker: Checker, sentences: list[LLMSentence], passages: list[RetrievedChunk], where: str
    ) -> list[Line]:
        lines = []
        for claim in claims(sentences):
            valid = checker.valid(claim, where)
            if not valid or checker.unsupported(claim, valid, where) or not usable(claim.text):
                continue
            lines.append(Line(claim.text, sorted({passages[i - 1].doc_id for i in valid})))
        return lines


def _parse(content: str | None) -> DraftOutput:
    try:
        return DraftOutput.model_validate(json.loads((content or "").strip()))
    except (json.JSONDecodeError, ValidationError):
        raise AnswererError("llm returned invalid JSON") from None
