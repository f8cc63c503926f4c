"""Fine-tuning the embedding model on pairs: MultipleNegativesRankingLoss (in-batch negatives,
plus a pair's own negative when it has one), in a plain loop over the sentence-transformers
model. ``SentenceTransformerTrainer`` would add ``datasets`` and ``accelerate`` for the same
loss; this loop is seeded, shows a progress bar, and stops at ``max_steps`` or ``max_minutes``.

Scoring (``dense_scores``) ranks documents for queries with a model's vectors alone (the best
chunk per document), nDCG@10 and MRR@10: the same yardstick for the current and the tuned model.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Progress = Callable[[int, int], None]


class Pair(Protocol):
    """What training reads of a pair (``assistant.tuning.pairs.Pair``). This module imports
    nothing else of the project, so that training runs wherever torch and sentence-transformers
    do (``benchmarks/tune_offload.py`` trains on an accelerator machine)."""

    @property
    def anchor(self) -> str: ...
    @property
    def positive(self) -> str: ...
    @property
    def doc_id(self) -> str: ...
    @property
    def negative(self) -> str | None: ...


@dataclass(frozen=True)
class TrainConfig:
    max_steps: int = 2000
    epochs: float = 1.0
    max_minutes: float = 20.0
    batch_size: int = 32
    learning_rate: float = 2e-5
    scale: float = 20.0  # MNRL's similarity scale
    seed: int = 13
    cloze: int = 1  # inverse-cloze pairs per passage


@dataclass(frozen=True)
class TrainResult:
    steps: int
    seconds: float
    stopped_by: str  # "steps" (max_steps or the epochs) or "time"
    last_loss: float


def load_model(path: Path, threads: int = 0, device: str = "cpu") -> SentenceTransformer:
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    if threads:
        torch.set_num_threads(threads)
    hf_logging.disable_progress_bar()  # no "Loading weights" bar over the tuning's own
    return SentenceTransformer(str(path), device=device, local_files_only=True)


def train(
    model: SentenceTransformer,
    pairs: Sequence[Pair],
    config: TrainConfig,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> TrainResult:
    """Train ``model`` in place on ``pairs``."""
    import torch

    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    order = list(pairs)
    random.Random(config.seed).shuffle(order)
    batches = [
        order[i : i + config.batch_size]
        for i in range(0, len(order) - config.batch_size + 1, config.batch_size)
    ] or [order]
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    total = max(1, min(config.max_steps, math.ceil(config.epochs * len(batches))))
    started, steps, loss_value, stopped = clock(), 0, math.nan, "steps"
    model.train()
    for batch in itertools.islice(itertools.cycle(batches), total):
        if clock() - started >= config.max_minutes * 60:
            stopped = "time"
            break
        loss_value = _step(model, batch, optimizer, config.scale)
        steps += 1
        if progress:
            progress(steps, total)
    model.eval()
    return TrainResult(steps, clock() - started, stopped, loss_value)


def _step(model: Any, batch: Sequence[Pair], optimizer: Any, scale: float) -> float:
    import torch
    import torch.nn.functional as F

    anchors = _embed(model, [p.anchor for p in batch])
    candidates = [p.positive for p in batch] + [p.negative for p in batch if p.negative]
    targets = _embed(model, candidates)
    scores = scale * F.normalize(anchors, dim=-1) @ F.normalize(targets, dim=-1).T
    labels = torch.arange(len(batch), device=scores.device)
    # the same document twice in a batch is not a negative of itself
    docs = [p.doc_id for p in batch]
    for i, doc in enumerate(docs):
        for j, other in enumerate(docs):
            if i != j and doc == other:
                scores[i, j] = -1e4
    loss = F.cross_entropy(scores, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return float(loss.detach())


def _embed(model: Any, texts: list[str]) -> Any:
    prepare = getattr(model, "preprocess", None) or model.tokenize  # older releases: tokenize
    features = prepare(texts)
    features = {k: v.to(model.device) if hasattr(v, "to") else v for k, v in features.items()}
    return model(features)["sentence_embedding"]


def encode(model: SentenceTransformer, texts: Sequence[str]) -> np.ndarray:
    vectors: np.ndarray = model.encode(
        list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False
    )
    return vectors


def dense_scores(
    query_vectors: np.ndarray,
    chunk_vectors: np.ndarray,
    chunk_docs: Sequence[str],
    relevant: Sequence[dict[str, float]],
    k: int = 10,
) -> dict[str, float]:
    """nDCG@10 and MRR@10 of document rankings (best chunk per document) against ``relevant``
    (doc id -> grade per query)."""
    docs = sorted(set(chunk_docs))
    index = {d: i for i, d in enumerate(docs)}
    column = np.array([index[d] for d in chunk_docs])
    sims = query_vectors @ chunk_vectors.T
    ndcg = mrr = 0.0
    for q, grades in enumerate(relevant):
        best = np.full(len(docs), -np.inf)
        np.maximum.at(best, column, sims[q])
        top = [docs[i] for i in np.argsort(-best)[:k]]
        gains = [grades.get(d, 0.0) for d in top]
        dcg = sum(g / math.log2(r + 2) for r, g in enumerate(gains))
        ideal = sorted(grades.values(), reverse=True)[:k]
        idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
        ndcg += dcg / idcg if idcg else 0.0
        mrr += next((1 / (r + 1) for r, g in enumerate(gains) if g > 0), 0.0)
    n = max(1, len(relevant))
    return {"ndcg@10": round(ndcg / n, 4), "mrr@10": round(mrr / n, 4), "queries": len(relevant)}
