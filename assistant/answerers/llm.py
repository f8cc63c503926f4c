"""The LLM answerer: a cited answer from any OpenAI-compatible endpoint (OpenAI, Azure, vLLM...).

Timeouts and retries are the ``openai`` client's own (``timeout``, ``max_retries``: it backs off on
429 and 5xx and honours Retry-After). Every failure becomes an ``AnswererError`` with a short reason
("llm timeout", "llm http 500", "llm returned invalid JSON") so that a ``FallbackAnswerer`` can
take over; no reason ever carries the exception's text or the API key.
"""

from __future__ import annotations

import logging

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat

from assistant.answerers import AnswerContext, AnswererError
from assistant.answerers.llm_output import (
    MIN_OVERLAP,
    abstention,
    build_suggestion,
    parse_output,
)
from assistant.answerers.llm_prompt import (
    PROMPT_NAME,
    PROMPT_VARIABLES,
    PROMPT_VERSION,
    answer_schema,
    prompt_values,
)
from assistant.errors import ErrorCode, KbassistError
from assistant.prompts import PromptTemplate, RenderedPrompt, load_prompt
from assistant.retrieval import RetrievedChunk
from assistant.settings import Settings
from assistant.suggestion import Suggestion

log = logging.getLogger(__name__)

# Local servers (vLLM, Ollama, llama.cpp) ignore the key, but the client insists on one.
_NO_KEY = "not-needed"
INVALID_RESPONSE = "llm returned an invalid response"


def openai_client(settings: Settings) -> openai.OpenAI:
    """The client of the configured OpenAI-compatible endpoint (answers and article drafts)."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    try:
        return openai.OpenAI(
            base_url=settings.llm_base_url,
            api_key=key or _NO_KEY,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
        )
    except openai.OpenAIError:
        raise KbassistError(ErrorCode.CONFIG, "the llm client could not be set up") from None


class LLMAnswerer:
    name = "llm"

    def __init__(
        self,
        client: openai.OpenAI,
        model: str,
        prompt: PromptTemplate,
        *,
        min_overlap: float = MIN_OVERLAP,
        max_history_turns: int = 10,
        temperature: float | None = None,
    ) -> None:
        if set(prompt.variables) != PROMPT_VARIABLES or prompt.placeholders("system"):
            expected = ", ".join(sorted(PROMPT_VARIABLES))
            raise KbassistError(
                ErrorCode.CONFIG,
                f"prompt file {prompt.path}: the llm answerer needs variables {expected}, "
                "all in the user part",
            )
        self.client = client
        self.model = model
        self.prompt = prompt
        self.min_overlap = min_overlap
        self.max_history_turns = max_history_turns
        self.temperature = temperature

    @classmethod
    def from_settings(cls, settings: Settings, prompt: PromptTemplate | None = None) -> LLMAnswerer:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        if not key and not settings.llm_base_url:
            needs = "KBASSIST_LLM_BASE_URL or KBASSIST_LLM_API_KEY"
            raise KbassistError(ErrorCode.CONFIG, f"the llm answerer needs {needs}")
        template = prompt or load_prompt(PROMPT_NAME, PROMPT_VERSION, settings.prompts_dir)
        return cls(openai_client(settings), settings.llm_model, template)

    def answer(self, context: AnswerContext, passages: list[RetrievedChunk]) -> Suggestion:
        if not passages:
            return abstention(self.name, "no passages were found for this question")
        rendered = self.prompt.render(prompt_values(context, passages, self.max_history_turns))
        try:
            output = parse_output(self._complete(rendered))
            return build_suggestion(output, passages, name=self.name, min_overlap=self.min_overlap)
        except AnswererError as err:
            log.warning("llm answerer failed: %s", err.reason)
            raise

    def _complete(self, rendered: RenderedPrompt) -> str | None:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": rendered.system},
            {"role": "user", "content": rendered.user},
        ]
        response_format: ResponseFormat = {
            "type": "json_schema",
            "json_schema": {"name": "kbassist_answer", "strict": True, "schema": answer_schema()},
        }
        try:
            completion = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                response_format=response_format,
                temperature=openai.omit if self.temperature is None else self.temperature,
            )
        except openai.OpenAIError as err:
            raise AnswererError(failure_reason(err)) from err
        except ValueError as err:  # a body that is not JSON at all (the client does not check)
            raise AnswererError(INVALID_RESPONSE) from err
        return content_of(completion)


def content_of(completion: object) -> str | None:
    """The first choice's text. The client does not validate replies, so nor is anything assumed
    here: a proxy's HTML page or an empty ``choices`` list is an ``AnswererError`` too."""
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise AnswererError(INVALID_RESPONSE)
    message = getattr(choices[0], "message", None)
    if getattr(choices[0], "finish_reason", None) == "length":
        raise AnswererError("llm answer was cut off")
    if getattr(message, "refusal", None):
        raise AnswererError("llm refused to answer")
    content = getattr(message, "content", None)
    if content is not None and not isinstance(content, str):
        raise AnswererError(INVALID_RESPONSE)
    return content


def failure_reason(err: openai.OpenAIError) -> str:
    """A short, secret-free reason for a failed call."""
    if isinstance(err, openai.APITimeoutError):
        return "llm timeout"
    if isinstance(err, openai.APIConnectionError):
        return "llm connection error"
    if isinstance(err, openai.APIStatusError):
        return f"llm http {err.status_code}"
    if isinstance(err, openai.APIResponseValidationError):
        return INVALID_RESPONSE
    return "llm error"
