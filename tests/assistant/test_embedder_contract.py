"""One contract for both embedding backends (torch and ONNX int8), and the rule that a store
embedded with one backend is not queried with the other."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from assistant.embedding import (
    Embedder,
    SentenceTransformerEmbedder,
    check_store_backend,
    make_embedder,
)
from assistant.embedding.onnx import OnnxEmbedder
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings

pytestmark = pytest.mark.slow

PASSAGES = [
    "Forgot your password? Reset it from the sign-in page with the link we e-mail you.",
    "Invoices show the tax of the country the account is registered in.",
    "A refund takes five to ten business days to reach the card it was paid with.",
]


@pytest.fixture(scope="session")
def onnx_embedder(tmp_path_factory: pytest.TempPathFactory) -> OnnxEmbedder:
    return OnnxEmbedder(cache_dir=tmp_path_factory.mktemp("onnx"))


@pytest.fixture(params=["torch", "onnx"])
def backend(
    request: pytest.FixtureRequest,
    embedder: SentenceTransformerEmbedder,
    onnx_embedder: OnnxEmbedder,
) -> Embedder:
    return embedder if request.param == "torch" else onnx_embedder


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_vectors_are_unit_length_and_384_wide(backend: Embedder) -> None:
    vectors = backend.embed_documents(PASSAGES)
    assert [len(v) for v in vectors] == [384, 384, 384]
    for vector in vectors:
        assert math.isclose(dot(vector, vector), 1.0, rel_tol=1e-4)


def test_the_query_finds_its_passage(backend: Embedder) -> None:
    vectors = backend.embed_documents(PASSAGES)
    for question, expected in [
        ("How do I reset my password?", 0),
        ("when will my money come back", 2),
    ]:
        query = backend.embed_query(question)
        scores = [dot(query, v) for v in vectors]
        assert scores.index(max(scores)) == expected


def test_a_query_is_embedded_like_a_document_and_order_does_not_matter(backend: Embedder) -> None:
    forward = backend.embed_documents(PASSAGES)
    backward = backend.embed_documents(PASSAGES[::-1])[::-1]
    query = backend.embed_query(PASSAGES[1])
    assert all(dot(a, b) > 0.9999 for a, b in zip(forward, backward, strict=True))
    # int8 activations are scaled per batch, so alone and in a batch differ a little (0.992)
    assert dot(query, forward[1]) > 0.99
    assert backend.embed_documents([]) == []


def test_backends_agree_on_the_sample_kb(
    embedder: SentenceTransformerEmbedder, onnx_embedder: OnnxEmbedder
) -> None:
    root = Path(__file__).resolve().parents[2] / "examples" / "kb" / "articles"
    texts = [p.read_text()[:1500] for p in sorted(root.glob("*.md"))]
    assert len(texts) >= 5
    pairs = zip(embedder.embed_documents(texts), onnx_embedder.embed_documents(texts), strict=True)
    cosines = [dot(a, b) for a, b in pairs]
    assert sum(cosines) / len(cosines) >= 0.99
    assert min(cosines) >= 0.97


def test_the_export_is_made_once_per_model(onnx_embedder: OnnxEmbedder) -> None:
    first = onnx_embedder.onnx_file()
    stamp = first.stat().st_mtime_ns
    assert onnx_embedder.onnx_file() == first
    assert first.stat().st_mtime_ns == stamp
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary left over


def test_the_setting_picks_the_backend(tmp_path: Path) -> None:
    torch = make_embedder(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    onnx = make_embedder(
        Settings(data_dir=tmp_path, embed_backend="onnx", _env_file=None)  # type: ignore[call-arg]
    )
    assert isinstance(torch, SentenceTransformerEmbedder)
    assert isinstance(onnx, OnnxEmbedder)
    assert onnx.model_id == torch.model_id + "@onnx-int8"
    assert onnx.cache_dir == tmp_path / "models" / "onnx"


def test_an_altered_model_is_refused_before_export(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"not the real weights")
    onnx = OnnxEmbedder(str(model), "53aa5117" + "0" * 56, cache_dir=tmp_path / "cache")
    with pytest.raises(KbassistError) as info:
        onnx.embed_query("hello")
    assert "altered" in info.value.detail
    assert not (tmp_path / "cache").exists()


def test_a_hub_name_is_refused_for_onnx(tmp_path: Path) -> None:
    onnx = OnnxEmbedder("no-such-org/no-such-model", cache_dir=tmp_path)
    with pytest.raises(KbassistError) as info:
        onnx.embed_query("hello")
    assert info.value.code is ErrorCode.CONFIG
    assert "local model folder" in info.value.detail


@pytest.mark.parametrize(("stored", "current"), [("torch", "onnx"), ("onnx", "torch")])
def test_a_store_of_one_backend_is_refused_to_the_other(
    tmp_path: Path,
    stored: str,
    current: str,
    embedder: SentenceTransformerEmbedder,
    onnx_embedder: OnnxEmbedder,
) -> None:
    by_name: dict[str, Embedder] = {"torch": embedder, "onnx": onnx_embedder}
    config = {"chunker": {}, "embed_model": by_name[stored].model_id}
    (tmp_path / "ingest-config.json").write_text(json.dumps(config))
    assert check_store_backend(tmp_path, by_name[stored]) is by_name[stored]
    with pytest.raises(KbassistError) as info:
        check_store_backend(tmp_path, by_name[current])
    assert info.value.code is ErrorCode.CONFIG
    assert f"embedded with the {stored} backend" in info.value.detail
    assert "kbassist ingest" in info.value.detail


def test_a_new_store_accepts_either_backend(tmp_path: Path, onnx_embedder: OnnxEmbedder) -> None:
    assert check_store_backend(tmp_path, onnx_embedder) is onnx_embedder
