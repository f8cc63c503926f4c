"""Settings from the environment: chunking values are bounded and checked against each other."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.settings import Settings


def test_chunking_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBASSIST_CHUNK_MAX_WORDS", "40")
    monkeypatch.setenv("KBASSIST_CHUNK_OVERLAP_WORDS", "10")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.chunk_max_words, settings.chunk_overlap_words) == (40, 10)


def test_an_overlap_as_long_as_the_chunk_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match=r"chunk_overlap_words \(20\) must be smaller"):
        Settings(chunk_max_words=20, chunk_overlap_words=20, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="chunk_max_words"):
        Settings(chunk_max_words=3, _env_file=None)  # type: ignore[call-arg]
