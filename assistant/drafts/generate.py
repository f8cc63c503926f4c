"""Drafts from resolved tickets: group, check coverage, write, and deduplicate.

A group whose best article match reaches ``covered_at`` is covered; one that matches an open
draft (half of its tickets, or a centre within ``duplicate_at``) adds its tickets to that draft;
one that matches a published or rejected draft is left alone, so a rejected draft does not come
back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import numpy as np

from assistant.drafts.coverage import COVERED_AT, DUPLICATE_AT, best_article, cosine
from assistant.drafts.grouping import TicketCase, centroid, group_cases, load_cases
from assistant.drafts.model import Draft, Source, narrowest
from assistant.drafts.review import DraftStore
from assistant.drafts.writer import DraftText, front_matter, render
from assistant.errors import ErrorCode, KbassistError
from assistant.store import ChunkStore


class Writer(Protocol):
    def write(self, cases: list[TicketCase]) -> DraftText: ...


@dataclass
class GenerateReport:
    groups: int = 0
    created: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)
    covered: list[dict[str, Any]] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # groups already drafted, published or rejected
    proposals: list[str] = field(default_factory=list)  # fix proposals opened
    proposals_updated: list[str] = field(default_factory=list)
    from_overrides: list[str] = field(default_factory=list)  # drafts from abstained overrides
    superseded: list[str] = field(default_factory=list)  # open fixes whose passage changed

    def as_dict(self) -> dict[str, Any]:
        return {
            "groups": self.groups,
            "created": self.created,
            "extended": self.extended,
            "covered": self.covered,
            "known": self.known,
            "proposals": self.proposals,
            "proposals_updated": self.proposals_updated,
            "from_overrides": self.from_overrides,
            "superseded": self.superseded,
        }


WRITE_FROM = 12  # the tickets nearest the group's centre that the text is written from


def representative(group: list[TicketCase], limit: int) -> list[TicketCase]:
    """The ``limit`` tickets nearest the group's centre (all of them in a small group), in
    their original order."""
    if len(group) <= limit:
        return group
    centre = centroid([c.vector for c in group])
    nearest = {c.doc_id for c in sorted(group, key=lambda c: -float(c.vector @ centre))[:limit]}
    return [c for c in group if c.doc_id in nearest]


class TicketDrafter:
    def __init__(
        self,
        store: ChunkStore,
        drafts: DraftStore,
        writer: Writer,
        *,
        covered_at: float = COVERED_AT,
        duplicate_at: float = DUPLICATE_AT,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.store = store
        self.drafts = drafts
        self.writer = writer
        self.covered_at = covered_at
        self.duplicate_at = duplicate_at
        self.today = today

    def run(self, since: date | None = None, min_tickets: int = 3) -> GenerateReport:
        """Draft an article for each group of at least ``min_tickets`` similar resolved tickets
        that no article covers; a group that matches an open draft adds its tickets to it."""
        if min_tickets < 2:
            raise KbassistError(ErrorCode.BAD_INPUT, "min_tickets must be at least 2")
        report = GenerateReport()
        existing = self.drafts.list(kind="article")
        for group in self._groups(load_cases(self.store, since), min_tickets):
            report.groups += 1
            centre = centroid([c.vector for c in group])
            coverage = best_article(self.store, centre)
            if coverage.similarity >= self.covered_at:
                report.covered.append(
                    {
                        "tickets": [c.doc_id for c in group],
                        "article": coverage.doc_id,
                        "similarity": round(coverage.similarity, 3),
                    }
                )
                continue
            match = self._match(existing, group, centre)
            if match is None:
                draft = self._new_draft(group, centre)
                self.drafts.add(draft)
                existing.append(draft)
                report.created.append(draft.id)
            elif match.state == "open" and self._extend(match, group):
                report.extended.append(match.id)
            else:
                report.known.append(match.id)
        return report

    def _groups(self, cases: list[TicketCase], min_tickets: int) -> list[list[TicketCase]]:
        """Groups whose sources share a visibility; a group mixing teams with none in common is
        split by visibility."""
        found = []
        for group in group_cases(cases, min_tickets):
            if narrowest([c.visibility for c in group]) is not None:
                found.append(group)
                continue
            by_visibility: dict[str, list[TicketCase]] = {}
            for case in group:
                by_visibility.setdefault(case.visibility, []).append(case)
            found += [g for g in by_visibility.values() if len(g) >= min_tickets]
        return found

    def _match(
        self, drafts: list[Draft], group: list[TicketCase], centre: np.ndarray
    ) -> Draft | None:
        tickets = {c.doc_id for c in group}
        for draft in drafts:
            theirs = {s.id for s in draft.sources if s.kind == "ticket"}
            overlap = len(tickets & theirs) / max(1, min(len(tickets), len(theirs)))
            close = (
                draft.centroid is not None and cosine(draft.centroid, centre) >= self.duplicate_at
            )
            if overlap >= 0.5 or close:
                return draft
        return None

    def _new_draft(self, group: list[TicketCase], centre: np.ndarray) -> Draft:
        draft_id = uuid.uuid4().hex[:12]
        now = datetime.now(UTC)
        draft = Draft(
            id=draft_id,
            kind="article",
            title="",
            markdown="",
            doc_id=f"kb-draft-{draft_id}",
            centroid=[round(float(x), 6) for x in centre],
            created_at=now,
            updated_at=now,
        )
        return self._written(draft, group)

    def _written(self, draft: Draft, group: list[TicketCase]) -> Draft:
        visibility = narrowest([c.visibility for c in group]) or "internal"
        text = self.writer.write(representative(group, WRITE_FROM))
        meta = front_matter(str(draft.doc_id), text.title, group, visibility, self.today())
        return draft.model_copy(
            update={
                "title": text.title,
                "markdown": render(meta, text, group),
                "visibility": visibility,
                "source_visibilities": sorted({c.visibility for c in group}),
                "sources": [
                    Source(kind="ticket", id=c.doc_id, title=c.title, visibility=c.visibility)
                    for c in group
                ],
                "details": {
                    **(draft.details or {}),
                    "writer": text.writer,
                    "fallback_reason": text.fallback_reason,
                    "warnings": text.warnings,
                },
                "updated_at": datetime.now(UTC),
            }
        )

    def _extend(self, draft: Draft, group: list[TicketCase]) -> bool:
        """Add the group's new tickets to an open draft (rewritten from all of its tickets unless
        a reviewer has edited it); False when nothing was new."""
        known = {s.id for s in draft.sources}
        new = [c for c in group if c.doc_id not in known]
        if not new:
            return False
        cases = [c for c in load_cases(self.store) if c.doc_id in known] + new
        if (draft.details or {}).get("edited"):
            sources = draft.sources + [
                Source(kind="ticket", id=c.doc_id, title=c.title, visibility=c.visibility)
                for c in new
            ]
            visibilities = sorted({*draft.source_visibilities, *(c.visibility for c in new)})
            updated = draft.model_copy(
                update={
                    "sources": sources,
                    "source_visibilities": visibilities,
                    "visibility": narrowest(visibilities) or draft.visibility,
                    "updated_at": datetime.now(UTC),
                }
            )
        else:
            updated = self._written(draft, cases)
        return self.drafts.save(updated, expect_state="open")
