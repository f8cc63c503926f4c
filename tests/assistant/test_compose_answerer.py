"""The composition root builds the extractive answerer as the settings say."""

from __future__ import annotations

from pathlib import Path

from assistant.compose import Services
from assistant.embedding.similarity import SentenceSimilarity
from assistant.settings import Settings


def test_sentences_are_weighed_by_meaning_only_when_turned_on(tmp_path: Path) -> None:
    off = Services(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    assert off.extractive.selector.similarity is None
    assert off.extractive.selector.meaning == 0
    on = Services(Settings(data_dir=tmp_path, sentence_meaning=True, _env_file=None))  # type: ignore[call-arg]
    assert isinstance(on.extractive.selector.similarity, SentenceSimilarity)
    assert on.extractive.selector.meaning > 0
