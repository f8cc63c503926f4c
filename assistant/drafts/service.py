"""``DraftService``: what the CLI and HTTP channels call to generate drafts and review them.

Every read and action takes the reviewer's ``Audience``: a draft is seen only by someone who may
see every one of its sources (anyone else is told it does not exist).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from assistant.access import visibility_flags
from assistant.drafts.generate import GenerateReport, TicketDrafter, Writer
from assistant.drafts.llm_writer import LLMWriter
from assistant.drafts.model import Draft
from assistant.drafts.proposals import ProposalMaker
from assistant.drafts.publish import Publisher
from assistant.drafts.review import DraftStore
from assistant.drafts.writer import ExtractiveWriter
from assistant.embedding import Embedder
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings
from assistant.store import ChunkStore
from assistant.suggestion_db import SqlSuggestionStore
from assistant.types import Audience
from ingest.sources.files import Limits
from ingest.sync import Ingestor


def can_see(audience: Audience, draft: Draft) -> bool:
    return all(
        audience.can_see(dict(visibility_flags(v)))
        for v in [*draft.source_visibilities, draft.visibility]
    )


class DraftService:
    def __init__(
        self,
        tickets: TicketDrafter,
        publisher: Publisher,
        proposals: ProposalMaker | None = None,
    ) -> None:
        self.tickets = tickets
        self.drafts = tickets.drafts
        self.publisher = publisher
        self.proposals = proposals

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
        drafts = DraftStore(suggestions)
        writer: Writer = ExtractiveWriter(embedder)
        if settings.llm_base_url and settings.answerer != "extractive":
            writer = LLMWriter.from_settings(settings, ExtractiveWriter(embedder))
        tickets = TicketDrafter(store, drafts, writer)
        proposals = ProposalMaker(
            store, drafts, suggestions, embedder, settings.drafts.fix_min_suggestions
        )
        return cls(tickets, publisher, proposals)

    def generate(self, since: date | None = None, min_tickets: int = 3) -> GenerateReport:
        """Drafts from resolved tickets (groups of at least ``min_tickets`` no article covers),
        then fix proposals and drafts from agents' corrections."""
        report = self.tickets.run(since, min_tickets)
        if self.proposals is not None:
            self.proposals.run(report, self.tickets)
        return report

    # ----- review

    def sources(self, draft: Draft, audience: Audience) -> list[dict[str, str]]:
        """The text of each source the reviewer may see, to read beside the draft: a ticket's
        problem and resolution, a passage as stored, an agent's version of a suggestion."""
        shown: list[dict[str, str]] = []
        versions = {v["suggestion_id"]: v for v in (draft.details or {}).get("versions", [])}
        for source in draft.sources:
            text = ""
            if source.kind == "ticket":
                chunks = self.tickets.store.siblings(source.id, audience)
                text = "\n\n".join(c.text for c in chunks if "Internal notes" not in c.section)
            elif source.kind == "passage":
                hydrated = self.tickets.store.hydrate([source.id]).get(source.id)
                if hydrated is not None and audience.can_see(hydrated.metadata):
                    text = hydrated.text
            elif source.id in versions:
                text = str(versions[source.id].get("text", ""))
            shown.append(
                {"kind": source.kind, "id": source.id, "title": source.title, "text": text}
            )
        return shown

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
