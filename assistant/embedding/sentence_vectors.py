"""Sentence vectors computed ahead of the question: the quotable sentences of every chunk,
embedded at ingest, so that weighing an answer's sentences by meaning (``similarity``) costs a
lookup rather than an embedding while an agent waits.

The vectors live in a SQLite file in the data directory, keyed by a hash of the embedding model
and the sentence's text: a sentence shared by several chunks is stored once, an edited one gets
a new key, and a store re-embedded with another model finds none of the old ones. Nothing here
is authoritative: a missing vector is embedded when it is asked for, so a lost or partial file
costs time, not answers. Vectors are float32 (1.5 kB each at 384 dimensions).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_SCHEMA = "CREATE TABLE IF NOT EXISTS sentence_vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
_BATCH = 500  # keys per SELECT (SQLite's default limit on parameters is far above)


class SentenceVectors:
    def __init__(self, path: Path, model_id: str) -> None:
        self.path = path
        self.model_id = model_id
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with self._db:  # a rollback journal, not WAL: a backup copies the one file (``backup``)
            self._db.execute(_SCHEMA)

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()[:32]

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vector of each of ``texts`` that has one."""
        keys = {self.key(t): t for t in dict.fromkeys(texts)}
        found: dict[str, np.ndarray] = {}
        wanted = list(keys)
        with self._lock:
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, vector FROM sentence_vectors WHERE key IN ({marks})", batch
                ).fetchall()
                for key, blob in rows:
                    found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def add(self, texts: Sequence[str], vectors: Sequence[np.ndarray]) -> None:
        """Store unit vectors for ``texts`` (one transaction)."""
        rows = [
            (self.key(t), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO sentence_vectors (key, vector) VALUES (?, ?)", rows
            )

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
