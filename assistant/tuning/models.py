"""Tuned models under ``DATA_DIR/models``: each in ``tuned/<id>/`` with its ``card.json``; the
adopted one named in ``current.json`` (with its sha256 and the one it replaced, for
``--rollback``); ``adopting.json`` only while the store is being re-embedded.

``assistant.embedding.make_embedder`` reads ``current.json`` (``adopted_model``) and loads the
model with the same sha256 check as the bundled one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from assistant.embedding import INGEST_CONFIG
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import BUNDLED_MODEL
from assistant.store import ChunkStore

CURRENT, JOURNAL = "current.json", "adopting.json"


def models_dir(data_dir: Path) -> Path:
    return data_dir / "models"


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write atomically (a killed write leaves the old file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
    os.replace(tmp, path)


def current(data_dir: Path) -> dict[str, Any] | None:
    """The adopted tuned model's record (path, sha256, previous), or None (the configured one)."""
    path = models_dir(data_dir) / CURRENT
    return json.loads(path.read_text()) if path.is_file() else None


def re_embed(store: ChunkStore, ids: list[str], vectors: list[list[float]]) -> None:
    """Replace the chunks' vectors in place, a batch at a time."""
    for start in range(0, len(ids), 1000):
        batch: Any = vectors[start : start + 1000]
        store.collection.update(ids=ids[start : start + 1000], embeddings=batch)


def record_model_id(data_dir: Path, model_id: str) -> None:
    """Note in the ingest's config the model the store is now embedded with, so the next ingest
    does not embed everything again."""
    path = data_dir / INGEST_CONFIG
    if path.is_file():
        config = json.loads(path.read_text())
        config["embed_model"] = model_id
        path.write_text(json.dumps(config, sort_keys=True))


def adopt(
    data_dir: Path,
    store: ChunkStore,
    record: dict[str, Any] | None,
    ids: list[str],
    vectors: list[list[float]],
) -> None:
    """Make ``record`` (a tuned model's path and sha256; None: the configured model) current:
    journal, re-embed the store with ``vectors``, record it, drop the journal."""
    journal = models_dir(data_dir) / JOURNAL
    write_json(journal, {"to": record})
    re_embed(store, ids, vectors)
    if record is None:
        (models_dir(data_dir) / CURRENT).unlink(missing_ok=True)
    else:
        write_json(models_dir(data_dir) / CURRENT, record)
    record_model_id(data_dir, record["path"] if record else BUNDLED_MODEL)
    journal.unlink()


def previous_of(data_dir: Path) -> dict[str, Any] | None:
    """What ``--rollback`` returns to; refuses when nothing was adopted."""
    now = current(data_dir)
    if now is None and not (models_dir(data_dir) / JOURNAL).exists():
        raise KbassistError(
            ErrorCode.BAD_INPUT, "--rollback: no tuned model has been adopted in this data dir"
        )
    previous: dict[str, Any] | None = (now or {}).get("previous")
    return previous


def check_adoptable(data_dir: Path) -> None:
    """Refuse to tune while an interrupted adoption is pending."""
    if (models_dir(data_dir) / JOURNAL).exists():
        raise KbassistError(
            ErrorCode.CONFLICT,
            "an interrupted `kbassist tune` left the store half re-embedded: run "
            "`kbassist tune --rollback` to restore the previous model first",
        )


def card(report: dict[str, Any], base: Path, training_pairs: int) -> dict[str, Any]:
    """A tuned model's card: its base, pairs, training, scores, adoption and sha256."""
    keys = ("pairs", "steps", "stopped_by", "judged_on", "before", "after", "adopted", "sha256")
    return {
        "base_model": str(base),
        "training_pairs": training_pairs,
        "train_seconds": report["train_s"],
        "re_embed_seconds": report["re_embed_s"],
        **{key: report[key] for key in keys},
    }
