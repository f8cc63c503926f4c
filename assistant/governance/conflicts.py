"""Passages of different documents that answer the same question with different figures.

1. Every agent-facing chunk (articles, playbooks, docs: not the record of one ticket) is split
   into sentences, and the sentences that state a figure become claims
   (``governance.quantities``).
2. Near-duplicate passages are matched by the store's own embeddings: two chunks of different
   documents are compared when their cosine similarity is at least ``PASSAGE_SIMILARITY``.
3. Two claims of such a pair conflict when they talk about the same thing (the answerers'
   topic words, ``assistant.answerers.conflicts.topic``: content words shared, figures and
   units aside, at a stricter share, ``SAME_QUESTION``), do not qualify it differently
   ("monthly" against "annual" plans) and state figures of one dimension that share no value
   ("14 days" against "30 days"; "2 weeks" and "14 days" agree).

One conflict is kept per pair of documents and dimension: the pair of sentences that share the
most words. Nothing is embedded again: the model is not loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.answerers.conflicts import MIN_SHARED, topic
from assistant.governance.quantities import Figures, contrasted, disagreement, figures
from assistant.store import ChunkStore
from assistant.text import split_sentences
from assistant.types import Audience
from ingest.sources.registry import flags_of

# Both chosen on the sample KB (docs/governance.md). Its conflicting refund-policy passages pair
# at 0.57-0.79 cosine; their sentences share 0.40-0.60 of their content words, the closest
# sentences that are not a conflict 0.33 ("card payments ... 180 days" against "the charge ...
# 30 days"). Stricter than the answerers' 0.3 (SAME_TOPIC): an answer compares passages already
# retrieved for one question, an audit compares any two passages of the knowledge base.
PASSAGE_SIMILARITY = 0.5
SAME_QUESTION = 0.35
_PAGE = 2000
_BLOCK = 1024


@dataclass(frozen=True)
class Claim:
    chunk: int
    sentence: str
    figures: Figures
    about: frozenset[str]


@dataclass(frozen=True)
class Side:
    """One document's side of a conflict."""

    doc_id: str
    title: str
    section: str
    url: str
    owner: str
    updated_at: str
    visibility: str
    sentence: str
    figure: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Conflict:
    dimension: str
    first: Side
    second: Side
    similarity: float  # of the two passages (cosine of their embeddings)
    shared: float  # share of the two sentences' content words they have in common
    chunks: tuple[int, int] = field(default=(-1, -1), repr=False, compare=False)

    @property
    def doc_ids(self) -> tuple[str, str]:
        return self.first.doc_id, self.second.doc_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "similarity": round(self.similarity, 3),
            "shared_words": round(self.shared, 3),
            "documents": [self.first.as_dict(), self.second.as_dict()],
        }


@dataclass
class ConflictReport:
    conflicts: list[Conflict] = field(default_factory=list)
    hidden: int = 0  # conflicts involving a document the audience may not see (a count only)
    passages: int = 0  # agent-facing chunks read
    claims: int = 0  # sentences stating a figure
    pairs: int = 0  # near-duplicate passage pairs compared

    def as_dict(self) -> dict[str, Any]:
        return {
            "conflicts": [c.as_dict() for c in self.conflicts],
            "hidden": self.hidden,
            "passages": self.passages,
            "claims": self.claims,
            "passage_pairs": self.pairs,
        }


@dataclass
class _Passages:
    metadata: list[dict[str, Any]] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    claims: list[list[Claim]] = field(default_factory=list)
    read: int = 0


def find_conflicts(
    store: ChunkStore, audience: Audience, similarity: float = PASSAGE_SIMILARITY
) -> ConflictReport:
    """Every conflict in the store; those involving a document ``audience`` may not see are only
    counted (``hidden``)."""
    passages = _read(store)
    report = ConflictReport(passages=passages.read, claims=sum(map(len, passages.claims)))
    best: dict[tuple[str, str, str], Conflict] = {}
    for i, j, score in _near_pairs(passages, similarity):
        report.pairs += 1
        for conflict in _compare(passages, i, j, score):
            low, high = sorted(conflict.doc_ids)
            key = (low, high, conflict.dimension)
            if key not in best or conflict.shared > best[key].shared:
                best[key] = conflict
    for key in sorted(best):
        conflict = best[key]
        if all(audience.can_see(passages.metadata[k]) for k in conflict.chunks):
            report.conflicts.append(conflict)
        else:
            report.hidden += 1
    report.conflicts.sort(key=lambda c: (-c.similarity, c.doc_ids))
    return report


def _read(store: ChunkStore) -> _Passages:
    out = _Passages()
    for text, metadata, vector in _rows(store):
        if not flags_of(str(metadata.get("source_type", ""))).agent_facing:
            continue
        out.read += 1
        found = []
        for sentence in _sentences(text):
            stated = figures(sentence)
            if stated:
                found.append(Claim(len(out.claims), sentence, stated, topic(sentence)))
        if found:
            norm = float(np.linalg.norm(vector)) or 1.0
            out.metadata.append(metadata)
            out.vectors.append(np.asarray(vector, dtype=np.float32) / norm)
            out.claims.append(found)
    return out


def _sentences(text: str) -> list[str]:
    """The passage's sentences, a line that starts in lower case joined to the one before it
    (text wrapped at a line break, as PDF manuals are: "Schedule Recording" / "requires at
    least 100 MB ..."); a passage that starts in the middle of a sentence (a chunk of a longer
    section) leaves that fragment out: what it is about is in the chunk before."""
    out: list[str] = []
    for sentence in split_sentences(text):
        if not sentence[0].islower():
            out.append(sentence)
        elif out:
            out[-1] = f"{out[-1]} {sentence}"
    return out


def _rows(store: ChunkStore) -> Iterator[tuple[str, dict[str, Any], Any]]:
    offset = 0
    while True:
        page = store.collection.get(
            include=["documents", "metadatas", "embeddings"], limit=_PAGE, offset=offset
        )
        ids = page["ids"]
        texts = page["documents"] or [""] * len(ids)
        metadatas = page["metadatas"] or [{}] * len(ids)
        embeddings: Any = page["embeddings"]
        if embeddings is None:
            embeddings = [np.zeros(1)] * len(ids)
        for text, metadata, vector in zip(texts, metadatas, embeddings, strict=True):
            yield text or "", dict(metadata or {}), vector
        if len(ids) < _PAGE:
            return
        offset += _PAGE


def _near_pairs(passages: _Passages, threshold: float) -> Iterator[tuple[int, int, float]]:
    """Pairs (i < j) of chunks of different documents at least ``threshold`` alike."""
    if not passages.vectors:
        return
    matrix = np.vstack(passages.vectors)
    docs = np.array([str(m.get("doc_id", "")) for m in passages.metadata])
    for start in range(0, len(matrix), _BLOCK):
        scores = matrix[start : start + _BLOCK] @ matrix.T
        rows, cols = np.nonzero(scores >= threshold)
        for r, j in zip(rows.tolist(), cols.tolist(), strict=True):
            i = start + r
            if i < j and docs[i] != docs[j]:
                yield i, j, float(scores[r, j])


def _compare(passages: _Passages, i: int, j: int, score: float) -> Iterator[Conflict]:
    for a in passages.claims[i]:
        for b in passages.claims[j]:
            shared = a.about & b.about
            overlap = len(shared) / max(1, len(a.about | b.about))
            if len(shared) < MIN_SHARED or overlap < SAME_QUESTION:
                continue
            dimension = disagreement(a.figures, b.figures)
            if dimension is None or contrasted(a.sentence, b.sentence):
                continue
            first = _side(passages.metadata[i], a, dimension)
            second = _side(passages.metadata[j], b, dimension)
            if first.doc_id > second.doc_id:
                first, second = second, first
            yield Conflict(dimension, first, second, score, overlap, (i, j))


def _side(metadata: dict[str, Any], claim: Claim, dimension: str) -> Side:
    return Side(
        doc_id=str(metadata.get("doc_id", "")),
        title=str(metadata.get("title", "")),
        section=str(metadata.get("section", "")),
        url=str(metadata.get("url", "")),
        owner=str(metadata.get("owner") or ""),
        updated_at=str(metadata.get("updated_at") or ""),
        visibility=str(metadata.get("visibility", "")),
        sentence=" ".join(claim.sentence.split()),
        figure=claim.figures.written[dimension],
    )
