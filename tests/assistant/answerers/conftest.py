"""Fixtures: the fake OpenAI-compatible server and LLM answerers pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from assistant.answerers.llm import LLMAnswerer
from assistant.settings import Settings
from tests.assistant.answerers.payloads import API_KEY, MakeAnswerer
from tests.fakes.openai_server import FakeOpenAIServer


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def llm_settings(openai_server: FakeOpenAIServer, tmp_path: Path) -> Callable[..., Settings]:
    def make(timeout: float = 5.0, max_retries: int = 0, **extra: Any) -> Settings:
        return Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=tmp_path / "data",
            llm_base_url=openai_server.base_url,
            llm_api_key=SecretStr(API_KEY),
            llm_model="fake-model-1",
            llm_timeout_s=timeout,
            llm_max_retries=max_retries,
            **extra,
        )

    return make


@pytest.fixture
def make_answerer(llm_settings: Callable[..., Settings]) -> MakeAnswerer:
    """``make_answerer(timeout=5.0, max_retries=0)``: the real client, the repo's prompt."""

    def make(timeout: float = 5.0, max_retries: int = 0, **extra: Any) -> LLMAnswerer:
        return LLMAnswerer.from_settings(llm_settings(timeout, max_retries, **extra))

    return make
