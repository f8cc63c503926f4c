"""``DraftService``: generate drafts from resolved tickets, and the review queue's actions.

Every read and action takes the reviewer's ``Audience``: a draft is seen only by someone who may
see every one of its sources (anyone else is told it does not exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import numpy as np

from assistant.access import visibility_flags
from assistant.drafts.coverage import COVERED_AT, DUPLICATE_AT, best_article, cosine
from assistant.drafts.grouping import TicketCase, centroid, group_cases, load_cases
from assistant.drafts.model import Draft, Source, narrowest
from assistant.drafts.publish import Publisher
from assistant.drafts.review import DraftStore
from assistant.drafts.writer import DraftText, ExtractiveWriter, front_matter, render
from assistant.embedding import Embedder
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings
from assistant.store import ChunkStore
from assistant.suggestion_db import SqlSuggestionStore
from assistant.types import Audience
from ingest.sources.files import Limits
from ingest.sync import Ingestor


class Writer(Protocol):
    def write(self, cases: list[TicketCase]) -> DraftText: ...


@dataclass
class GenerateReport:
    groups: int = 0
    created: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)
    covered: list[dict[str, Any]] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # groups already drafted, published or rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "groups": self.groups,
            "created": self.created,
            "extended": self.extended,
            "covered": self.covered,
            "known": self.known,
        }


def can_see(audience: Audience, draft: Draft) -> bool:
    return all(
        audience.can_see(dict(visibility_flags(v)))
        for v in [*draft.source_visibilities, draft.visibility]
    )


class DraftService:
    def __init__(
        self,
        store: ChunkStore,
        drafts: DraftStore,
        writer: Writer,
        publisher: Publisher,
        *,
        covered_at: float = COVERED_AT,
        duplicate_at: float = DUPLICATE_AT,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.store = store
        self.drafts = drafts
        self.writer = writer
        self.publisher = publisher
        self.covered_at = covered_at
        self.duplicate_at = duplicate_at
        self.today = today

    @classmethod
    def build(
        cls,
        settings: Settings,
        store: ChunkStore,
        embedder: Embedder,
        suggestions: SqlSuggestionStore,
        ingestor: Ingestor,
    ) -> DraftService:
        """The service as the settings configure it (the composition root calls this)."""
        limits = Limits(
            max_file_bytes=settings.max_file_bytes, max_document_chars=settings.max_document_chars
        )
        publisher = Publisher(
            settings.publish_path, ingestor, limits, tuple(settings.drafts.writable_kb_dirs)
        )
        return cls(store, DraftStore(suggestions), ExtractiveWriter(embedder), publisher)

    # ----- generate

    def generate(self, since: date | None = None, min_tickets: int = 3) -> GenerateReport:
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
        text = self.writer.write(group)
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
                "details": {**(draft.details or {}), "writer": text.writer},
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

    # ----- review

    def list(self, audience: Audience, states: tuple[str, ...] = ()) -> list[Draft]:
        return [d for d in self.drafts.list(states) if can_see(audience, d)]

    def show(self, draft_id: str, audience: Audience) -> Draft:
        draft = self.drafts.get(draft_id)
        if draft is None or not can_see(audience, draft):
            raise KbassistError(ErrorCode.NOT_FOUND, f"no draft {draft_id}")
        return draft

    def edit(self, draft_id: str, markdown: str, audience: Audience) -> Draft:
        """Replace an open draft's Markdown (checked like an article before it is kept)."""
        draft = self._open(draft_id, audience, "edited")
        if draft.kind == "article":
            self._checked(draft, markdown)
        updated = draft.model_copy(
            update={
                "markdown": markdown,
                "details": {**(draft.details or {}), "edited": True},
                "updated_at": datetime.now(UTC),
            }
        )
        if not self.drafts.save(updated, expect_state="open"):
            raise KbassistError(ErrorCode.CONFLICT, f"draft {draft_id} changed state meanwhile")
        return updated

    def reject(self, draft_id: str, reviewer: str, reason: str, audience: Audience) -> Draft:
        if not reason.strip():
            raise KbassistError(ErrorCode.BAD_INPUT, "reason: a rejection needs a reason")
        draft = self._open(draft_id, audience, "rejected")
        now = datetime.now(UTC)
        updated = draft.model_copy(
            update={
                "state": "rejected",
                "reason": reason.strip(),
                "reviewer": reviewer,
                "reviewed_at": now,
                "updated_at": now,
            }
        )
        if not self.drafts.save(updated, expect_state="open"):
            raise KbassistError(ErrorCode.CONFLICT, f"draft {draft_id} changed state meanwhile")
        return updated

    def approve(
        self, draft_id: str, reviewer: str, audience: Audience, markdown: str | None = None
    ) -> Draft:
        """Publish an open draft (its Markdown, or ``markdown`` as the reviewer edited it)."""
        draft = self._open(draft_id, audience, "approved")
        text = draft.markdown if markdown is None else markdown
        fields = self._checked(draft, text) if draft.kind == "article" else {}
        now = datetime.now(UTC)
        approved = draft.model_copy(
            update={
                "state": "approved",
                "markdown": text,
                "reviewer": reviewer,
                "reviewed_at": now,
                "updated_at": now,
            }
        )
        if not self.drafts.save(approved, expect_state="open"):
            raise KbassistError(ErrorCode.CONFLICT, f"draft {draft_id} changed state meanwhile")
        try:
            if draft.kind == "article":
                path = self.publisher.publish(text, str(fields.get("id") or draft.doc_id))
            else:
                path = self.publisher.apply_fix(draft, text)
        except BaseException:
            self.drafts.save(draft, expect_state="approved")  # back as it was
            raise
        published = approved.model_copy(
            update={
                "state": "published",
                "published_path": str(path),
                "doc_id": str(fields.get("id") or draft.doc_id),
                "updated_at": datetime.now(UTC),
            }
        )
        self.drafts.save(published, expect_state="approved")
        return published

    def _checked(self, draft: Draft, markdown: str) -> dict[str, object]:
        """The article's front matter, checked; ``visibility`` must be stated, so a deleted
        line never publishes an internal draft as public (the parser's default)."""
        fields = self.publisher.front_matter(markdown, draft.id)
        if "visibility" not in fields:
            raise KbassistError(
                ErrorCode.BAD_INPUT,
                f"draft {draft.id}: front matter field 'visibility' is required "
                f"(the draft's is {draft.visibility})",
            )
        return fields

    def _open(self, draft_id: str, audience: Audience, action: str) -> Draft:
        draft = self.show(draft_id, audience)
        if draft.state == "open":
            return draft
        why = f" ({draft.reason})" if draft.state == "rejected" and draft.reason else ""
        raise KbassistError(
            ErrorCode.CONFLICT,
            f"draft {draft_id} is {draft.state}{why}; only an open draft can be {action}",
        )
