"""The ONNX int8 backend (``KBASSIST_EMBED_BACKEND=onnx``): the same model, exported locally.

sentence-transformers' own ``backend="onnx"`` needs optimum-onnx, whose releases require
transformers < 4.58 (this project pins 5.x), so the export is done here with the pieces it would
use: ``torch.onnx.export`` of the model's transformer, onnxruntime's dynamic int8 quantisation of
the weight matrices (per channel: per-tensor scales cost MiniLM 0.05 of cosine), and the model's
own ``tokenizer.json``, mean pooling and normalisation. The export is made once per model file
(keyed by its sha256) under the data directory, written atomically, and never fetched from a hub.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import ONNX_SUFFIX, file_sha256, resolve_model, verify_model_dir
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import BUNDLED_MODEL

QUANT_VERSION = "int8-pc-v2"  # the export recipe; a change makes a new file
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def check_mean_pooling(model_dir: Path) -> int:
    """The model's max sequence length; refuses a model whose pooling is not mean pooling."""
    pooling = model_dir / "1_Pooling" / "config.json"
    if pooling.is_file() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens"):
        raise KbassistError(
            ErrorCode.CONFIG,
            f"KBASSIST_EMBED_BACKEND=onnx supports mean-pooling models only ({pooling})",
        )
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text()).get("max_seq_length") or 256)
    return 256


def export_int8(model_dir: Path, target: Path) -> Path:
    """Export ``model_dir``'s transformer to ONNX and quantise it to int8 at ``target``."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    model = AutoModel.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation="eager"
    ).eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.long)
    target.parent.mkdir(parents=True, exist_ok=True)
    root_logger = logging.getLogger()
    level = root_logger.level
    with tempfile.TemporaryDirectory(dir=target.parent) as work, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes that export fine
        root_logger.setLevel(logging.ERROR)  # onnxruntime's "consider pre-processing" note
        try:
            fp32, int8 = Path(work) / "model.onnx", Path(work) / "model_int8.onnx"
            axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
            torch.onnx.export(
                Encoder().eval(),
                (sample, sample, torch.zeros_like(sample)),
                str(fp32),
                dynamo=False,
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
            )
            quantize_dynamic(
                fp32,
                int8,
                weight_type=QuantType.QInt8,
                per_channel=True,
                nodes_to_exclude=ffn_outputs(fp32),
            )
        finally:
            root_logger.setLevel(level)
        os.replace(int8, target)  # atomic: a killed export leaves no half file behind
    return target


def ffn_outputs(onnx_file: Path) -> list[str]:
    """The feed-forward output projections (``layer.N/output/dense``), left in float32: their
    input is the GELU's output, whose long tail per-tensor int8 activations lose. Measured on the
    sample KB (`python -m benchmarks.ingest --corpus examples/kb`): cosine to torch min 0.984 ->
    0.992, mean 0.994 -> 0.997; bare encode 1.72x -> 1.37x torch (target 1.3x)."""
    import onnx

    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    return [
        node.name
        for node in graph.node
        if node.op_type == "MatMul"
        and "/output/dense/" in node.name
        and "attention" not in node.name
    ]


class OnnxEncoder:
    """Tokenise, run the int8 session, mean-pool and normalise: ``encode`` like the torch one."""

    def __init__(self, model_dir: Path, onnx_file: Path, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        max_tokens = check_mean_pooling(model_dir)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # less padding
        out = np.zeros((len(texts), 0), dtype=np.float32)
        parts: list[np.ndarray] = []
        for start in range(0, len(texts), batch_size):
            batch = [texts[i] for i in order[start : start + batch_size]]
            parts.append(self._batch(batch))
        if parts:
            stacked = np.concatenate(parts)
            out = np.empty_like(stacked)
            out[order] = stacked
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        types = np.array([e.type_ids for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: np.ndarray = pooled / np.clip(norms, 1e-12, None)
        return result


class OnnxEmbedder:
    """The same local model (bundled or tuned) run as ONNX int8 by onnxruntime; exported on first
    use into ``cache_dir`` (one file per model sha256), after the same hash check as torch's."""

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        expected_sha256: str | None = None,
        cache_dir: Path = Path(".kbassist") / "models" / "onnx",
        batch_size: int = 64,
        threads: int = 0,
    ) -> None:
        self._location, self._sha256 = resolve_model(model, expected_sha256)
        self._name = model
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self.threads = threads
        self._encoder: OnnxEncoder | None = None

    @property
    def model_id(self) -> str:
        return self._name + ONNX_SUFFIX

    def onnx_file(self) -> Path:
        """The int8 export of the model, made now when there is none yet."""
        path = Path(self._location)
        if not path.is_dir():
            raise KbassistError(
                ErrorCode.CONFIG,
                f"KBASSIST_EMBED_BACKEND=onnx needs a local model folder, not '{self._name}'",
            )
        if self._sha256:
            verify_model_dir(path, self._sha256)
        weights = path / "model.safetensors"
        digest = self._sha256 or file_sha256(weights)
        target = self.cache_dir / f"{digest[:16]}-{QUANT_VERSION}.onnx"
        if not target.is_file():
            try:
                export_int8(path, target)
            except (OSError, ValueError, RuntimeError) as exc:
                raise KbassistError(
                    ErrorCode.MODEL_UNAVAILABLE,
                    f"could not export embedding model '{self._name}' to ONNX in {self.cache_dir}",
                ) from exc
        return target

    @property
    def encoder(self) -> OnnxEncoder:
        if self._encoder is None:
            self._encoder = OnnxEncoder(Path(self._location), self.onnx_file(), self.threads)
        return self._encoder

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self.encoder.encode(list(texts), self.batch_size).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self.encoder.encode([text], 1)[0].tolist()
        return vector
