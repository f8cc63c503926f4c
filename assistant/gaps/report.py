"""The knowledge-gap report: poorly served questions (``select``), grouped by meaning
(``cluster``), each group described for a support lead and ranked by occurrences x askers.

An admin sees only what their teams may see: questions asked by audiences they may not read
count in the figures but are never shown, and the closest documents come from a search with the
admin's own audience.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from assistant.embedding import Embedder
from assistant.errors import ErrorCode, KbassistError
from assistant.gaps.cluster import cluster, embed, medoid
from assistant.gaps.models import GapCluster, GapDocument, GapQuestion, GapReport, Trend
from assistant.gaps.select import PoorQuestion, poorly_served
from assistant.retrieval.dense import DenseRetriever
from assistant.service import can_read
from assistant.suggestion_db import SqlSuggestionStore
from assistant.types import Audience, Query
from ingest.redact import redact


@dataclass(frozen=True)
class GapConfig:
    margin: float = 0.35  # a suggestion below this confidence counts as poorly served
    # Complete linkage: every two questions of a cluster are closer than the threshold (average
    # linkage chained unrelated "Can Ledgerly ...?" questions together). Chosen on
    # examples/traffic: purity 0.92-0.94 and every uncovered topic in the top 10 from 0.6 to 0.75.
    distance_threshold: float = 0.7
    linkage: str = "complete"
    missing_below: float = 0.55  # best document similarity under which the topic is missing
    max_questions: int = 3000  # the most recent poorly served questions clustered
    examples: int = 5
    documents: int = 3
    questions_shown: int = 50


class GapReporter:
    def __init__(
        self,
        store: SqlSuggestionStore,
        embedder: Embedder,
        dense: DenseRetriever,
        config: GapConfig = GapConfig(),
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.dense = dense
        self.config = config

    def report(
        self,
        reader: Audience,
        since: datetime | None = None,
        min_size: int = 2,
        limit: int = 20,
    ) -> GapReport:
        """The top ``limit`` clusters of at least ``min_size`` questions asked since ``since``."""
        if min_size < 1:
            raise KbassistError(ErrorCode.BAD_INPUT, "min_size: must be at least 1")
        if limit < 1:
            raise KbassistError(ErrorCode.BAD_INPUT, "limit: must be at least 1")
        now = datetime.now(UTC)
        found = poorly_served(
            self.store, since, self.config.margin, limit=self.config.max_questions + 1
        )
        truncated = len(found) > self.config.max_questions
        found = found[: self.config.max_questions]
        texts = sorted({q.text for q in found})  # each distinct text embedded once
        vectors = embed(self.embedder, texts)
        labels = dict(
            zip(
                texts,
                cluster(vectors, self.config.distance_threshold, self.config.linkage),
                strict=True,
            )
        )
        row = {text: i for i, text in enumerate(texts)}
        groups: dict[int, list[PoorQuestion]] = {}
        for question in found:
            groups.setdefault(labels[question.text], []).append(question)
        # the trend's halves split the time there is data for: the window, or less of it
        start = min((q.created_at for q in found), default=now)
        clusters = [
            self._describe(members, vectors, row, reader, start, now)
            for members in groups.values()
            if len(members) >= min_size
        ]
        clusters.sort(key=lambda c: (-c.impact, -c.size, c.label))
        ranked = [c.model_copy(update={"rank": i}) for i, c in enumerate(clusters[:limit], 1)]
        return GapReport(
            since=since,
            generated_at=now,
            poorly_served=len(found),
            clustered=sum(c.size for c in ranked),
            truncated=truncated,
            clusters=ranked,
        )

    def _describe(
        self,
        members: Sequence[PoorQuestion],
        vectors: np.ndarray,
        row: dict[str, int],
        reader: Audience,
        start: datetime,
        now: datetime,
    ) -> GapCluster:
        visible = [q for q in members if can_read(reader, q.audience)]
        seen = sorted(visible, key=lambda q: q.created_at, reverse=True)
        distinct = list(dict.fromkeys(_redacted(q.text) for q in seen))
        centre = vectors[sorted({row[q.text] for q in members})].mean(axis=0)
        label = ""
        if visible:
            shown = sorted({q.text for q in visible})
            label = _redacted(shown[medoid(vectors[[row[t] for t in shown]])])
        teams = {t for q in members for t in q.audience.teams}
        reasons = Counter(r for q in members for r in q.reasons)
        documents = self._closest(centre, reader)
        best = max((d.similarity for d in documents), default=0.0)
        size, askers = len(members), len({q.asker for q in members})
        return GapCluster(
            rank=0,
            impact=size * askers,
            size=size,
            askers=askers,
            teams=sorted(teams & reader.teams),
            other_teams=len(teams - reader.teams),
            label=label,
            examples=([label] if label else []) + [t for t in distinct if t != label][:4],
            questions=[
                GapQuestion(
                    suggestion_id=q.suggestion_id,
                    text=_redacted(q.text),
                    asked_at=q.created_at,
                    reasons=list(q.reasons),
                )
                for q in seen[: self.config.questions_shown]
            ],
            hidden=len(members) - len(visible),
            first_seen=min(q.created_at for q in members),
            last_seen=max(q.created_at for q in members),
            trend=_trend([q.created_at for q in members], start, now),
            reasons=dict(reasons.most_common()),
            documents=documents,
            verdict="exists_but_fails" if best >= self.config.missing_below else "missing",
        )

    def _closest(self, centre: np.ndarray, reader: Audience) -> list[GapDocument]:
        """The documents nearest the cluster's centre that ``reader`` may see, best first."""
        norm = float(np.linalg.norm(centre))
        if norm == 0.0:
            return []
        query = Query("", reader, k=self.config.documents * 4)
        documents: dict[str, GapDocument] = {}
        for chunk in self.dense.retrieve_vector((centre / norm).tolist(), query):
            if chunk.doc_id not in documents:
                meta = chunk.metadata
                documents[chunk.doc_id] = GapDocument(
                    doc_id=chunk.doc_id,
                    title=chunk.title,
                    url=str(meta.get("url", "")),
                    owner=str(meta.get("owner", "")),
                    similarity=round(chunk.score, 4),
                )
        best = sorted(documents.values(), key=lambda d: -d.similarity)
        return best[: self.config.documents]


def _redacted(text: str) -> str:
    """Questions are redacted before they are stored; older records are redacted here too."""
    return redact(text).text


def _trend(times: Sequence[datetime], start: datetime, now: datetime) -> Trend:
    middle = start + (now - start) / 2
    earlier = sum(1 for t in times if t < middle)
    recent = len(times) - earlier
    if earlier == 0:
        direction = "new"
    elif recent > 1.5 * earlier:
        direction = "rising"
    elif recent * 1.5 < earlier:
        direction = "falling"
    else:
        direction = "steady"
    return Trend(earlier=earlier, recent=recent, direction=direction)  # type: ignore[arg-type]
