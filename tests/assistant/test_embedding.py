from __future__ import annotations

import math
from pathlib import Path

import pytest

from assistant.embedding import SentenceTransformerEmbedder, verify_model_dir
from assistant.errors import ErrorCode, KbassistError


def test_missing_weights_give_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KbassistError) as info:
        verify_model_dir(tmp_path, "0" * 64)
    assert info.value.code is ErrorCode.MODEL_UNAVAILABLE
    assert "model.safetensors" in info.value.detail


def test_altered_weights_are_refused(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"not the real weights")
    embedder = SentenceTransformerEmbedder(str(model), expected_sha256="53aa5117" + "0" * 56)
    with pytest.raises(KbassistError) as info:
        embedder.embed_query("hello")
    assert "altered" in info.value.detail


def test_a_model_name_that_is_not_reachable_fails_cleanly() -> None:
    embedder = SentenceTransformerEmbedder("no-such-org/no-such-model")
    with pytest.raises(KbassistError) as info:
        embedder.embed_query("hello")
    assert info.value.code is ErrorCode.MODEL_UNAVAILABLE


@pytest.mark.slow
def test_bundled_model_gives_unit_vectors_that_rank_paraphrases_close(
    embedder: SentenceTransformerEmbedder,
) -> None:
    query = embedder.embed_query("How do I reset my password?")
    docs = embedder.embed_documents(["Forgot your password? Reset it here.", "Invoice taxes"])
    assert len(query) == 384
    assert math.isclose(sum(x * x for x in query), 1.0, rel_tol=1e-4)
    near = sum(a * b for a, b in zip(query, docs[0], strict=True))
    far = sum(a * b for a, b in zip(query, docs[1], strict=True))
    assert near > far + 0.2
