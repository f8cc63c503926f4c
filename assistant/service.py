"""The one service every channel calls: HTTP, the sidebar, Slack and the CLI.

``SupportService`` asks the Assistant and records the suggestion with who asked, reads it back
for an audience allowed to see it, records decisions, searches, takes uploaded files, says whether
the stores are ready and whether a suggestion may be shared in a channel. Channels translate
between their wire format and these calls; none of them touches Chroma, SQL or an index.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from assistant.analytics.redaction import redacted_decision, redacted_request
from assistant.assist import Suggester
from assistant.decisions import check_decision, edit_diff, normalized, request_key, same_request
from assistant.errors import ErrorCode, KbassistError
from assistant.records import (
    Channel,
    Decision,
    DecisionIn,
    RetrievedRef,
    Saved,
    SuggestionRecord,
    SuggestionStore,
)
from assistant.retrieval import Retriever
from assistant.store import DerivedIndex
from assistant.suggestion import AskRequest
from assistant.types import Audience, DocumentState, Filters, Query, RetrievedChunk
from assistant.uploads import Upload, parse_upload
from assistant.webhooks import Delivery, WebhookOutcome, ZendeskWebhook
from assistant.writes import Author, WriteLog, authorize, sees
from ingest.sources import SourceOptions
from ingest.sync import Ingestor, Progress, Stages, SyncReport

T = TypeVar("T")
_DOC_FACTS = ("source_type", "product", "owner", "visibility")  # kept with each retrieved chunk


class ChunkReader(Protocol):
    """What the service reads of the chunk store (``assistant.store.ChunkStore``)."""

    location: str

    def count(self) -> int: ...

    def visibilities(self, chunk_ids: list[str]) -> dict[str, str]: ...

    def chunk_counts(self, key: str = "source_type") -> Counter[str]: ...

    def document_state(self, doc_id: str) -> DocumentState | None: ...


class DeliveryLog(Protocol):
    """Deliveries seen from outside (``SqlSuggestionStore``: shared by every worker)."""

    def first_delivery(self, key: str, ttl_s: float) -> bool: ...

    def forget_delivery(self, key: str) -> None: ...


@dataclass(frozen=True)
class Decided:
    """A decision and the suggestion it was taken on (read once, as it was loaded)."""

    record: SuggestionRecord
    decision: Decision
    new: bool  # False: the same request was recorded before, and this is that decision


@dataclass(frozen=True)
class Uploaded:
    upload: Upload
    report: SyncReport


@dataclass(frozen=True)
class StoreStatus:
    documents: dict[str, int]  # per source type
    chunks: dict[str, int]  # per source type
    location: str


def can_read(reader: Audience, asker: Audience) -> bool:
    """A suggestion may be read back by an audience that sees at least what its asker saw."""
    if reader.customer_facing and not asker.customer_facing:
        return False
    return asker.teams <= reader.teams


class SupportService:
    def __init__(
        self,
        assistant: Suggester,
        suggestions: SuggestionStore,
        retriever: Retriever | None = None,
        chunks: ChunkReader | None = None,
        ingestor: Ingestor | None = None,
        indexes: Sequence[DerivedIndex] = (),
        source_types: Sequence[str] = (),
        deliveries: DeliveryLog | None = None,
        writes: WriteLog | None = None,
    ) -> None:
        self.assistant = assistant
        self.suggestions = suggestions
        self.retriever = retriever
        self.chunks = chunks
        self.ingestor = ingestor
        self.indexes = list(indexes)
        self.source_types = tuple(source_types)  # known ones; empty: any
        self.deliveries = deliveries
        self.writes = writes

    # -- suggestions --------------------------------------------------------------------------

    def suggest(
        self,
        request: AskRequest,
        audience: Audience,
        channel: Channel,
        asker: str,
        record: bool = True,
        at: datetime | None = None,
    ) -> SuggestionRecord:
        """Ask, and (unless ``record`` is False) save with who asked; returns the record.
        ``at``: when it was asked, if not now (replayed demo traffic spread over past days)."""
        self._check_source_types(request.source_types, "source_types")
        result = self.assistant.suggest(request, audience)
        made = SuggestionRecord(
            id=uuid.uuid4().hex if record else "",
            channel=channel,
            asker=asker,
            request=redacted_request(request) if record else request,
            retrieved=[
                RetrievedRef(
                    chunk_id=c.chunk_id,
                    doc_id=c.doc_id,
                    score=c.score,
                    signals=dict(c.signals),
                    **{k: str(c.metadata.get(k) or "") for k in _DOC_FACTS},
                )
                for c in result.retrieved
            ],
            suggestion=result.suggestion,
            latency_ms=result.latency_ms,
            created_at=at or datetime.now(UTC),
        )
        if record:
            self.suggestions.save(made, audience)
        return made

    def get(
        self, suggestion_id: str, audience: Audience | None = None
    ) -> tuple[SuggestionRecord, list[Decision]]:
        """The record and its decisions (oldest first); NOT_FOUND when unknown or, given an
        audience, when that audience may not read it."""
        saved = self._readable(suggestion_id, audience)
        return saved.record, self.suggestions.decisions(suggestion_id)

    def decide(
        self, suggestion_id: str, decision: DecisionIn, audience: Audience | None = None
    ) -> Decided:
        """Record a decision once per request; the suggestion row is read once."""
        record = self._readable(suggestion_id, audience).record
        decision = redacted_decision(normalized(decision))  # stored, keyed and diffed redacted
        check_decision(decision, record.suggestion)
        edit = decision.action == "edit"
        new = Decision(
            id=uuid.uuid4().hex,
            suggestion_id=suggestion_id,
            **decision.model_dump(exclude={"request_id"}),
            # an edit's diffs: each text against its own original
            diff=edit_diff(record.suggestion.answer, decision.text) if edit else None,
            reply_diff=edit_diff(record.suggestion.reply_draft, decision.reply_text)
            if edit
            else None,
            created_at=datetime.now(UTC),
        )
        existing = self.suggestions.insert_decision(new, request_key(suggestion_id, decision))
        if existing is None:
            return Decided(record, new, True)
        if not same_request(existing, suggestion_id, decision):
            raise KbassistError(
                ErrorCode.CONFLICT,
                f"request_id '{decision.request_id}' was already used for another decision",
            )
        return Decided(record, existing, False)

    def shareable(self, record: SuggestionRecord) -> bool:
        """Whether a suggestion may be posted where everyone in a channel reads it: it quotes
        no team-restricted content."""
        ids = [c.chunk_id for c in record.suggestion.citations]
        if not ids:
            return True
        visibilities = _needs(self.chunks, "the chunk store").visibilities(ids)
        return not any(v.startswith("team:") for v in visibilities.values())

    def first_delivery(self, key: str, ttl_s: float = 24 * 3600) -> bool:
        """Whether a delivery from outside (a webhook, a Slack event) is seen for the first time;
        a re-delivery or a replay within ``ttl_s`` is not."""
        return _needs(self.deliveries, "a delivery log").first_delivery(key, ttl_s)

    # -- knowledge base -----------------------------------------------------------------------

    def search(
        self,
        text: str,
        audience: Audience,
        filters: Filters = Filters(),  # noqa: B008 (frozen, never mutated)
        k: int = 5,
    ) -> list[RetrievedChunk]:
        """Ranked chunks the audience may see (retrieval only, no answer)."""
        if not text.strip():
            raise KbassistError(ErrorCode.BAD_INPUT, "q: the query is empty")
        self._check_source_types(filters.source_types, "source_type")
        retriever = _needs(self.retriever, "retrieval")
        return retriever.retrieve(Query(text, audience, filters, k))

    def upload(self, filename: str | None, data: BinaryIO, author: Author) -> Uploaded:
        """Parse one uploaded file and ingest its documents, if ``author`` may write every one
        of them (``assistant.writes``); any issue or refusal rejects all of it. Each document
        created or replaced is audited."""
        ingestor = _needs(self.ingestor, "ingestion")
        upload = parse_upload(filename, data, ingestor.limits)
        states = _needs(self.chunks, "the chunk store")
        records = authorize(author, upload.documents, states, datetime.now(UTC))
        report = ingestor.ingest_documents(upload.documents)
        _needs(self.writes, "a write log").record_writes(records)
        return Uploaded(upload, report)

    def ingest(
        self,
        paths: Sequence[Path],
        prune: bool = False,
        progress: Progress | None = None,
        options: SourceOptions | None = None,
        stages: Stages | None = None,
    ) -> SyncReport:
        """Bring the store in line with files and folders (only what changed is embedded);
        ``options`` apply to every path, over each root's kbassist.yaml. ``progress`` hears of
        the documents, ``stages`` of each derived index rebuilt after them."""
        ingestor = _needs(self.ingestor, "ingestion")
        return ingestor.sync(list(paths), prune, progress, options, stages)

    def status(self) -> StoreStatus:
        """Documents and chunks per source type, and where the store is."""
        chunks = _needs(self.chunks, "the chunk store")
        documents = Counter(_needs(self.ingestor, "ingestion").document_types().values())
        per_chunk = chunks.chunk_counts("source_type")
        kinds = self.source_types or tuple(sorted(set(documents) | set(per_chunk)))
        return StoreStatus(
            documents={t: documents.get(t, 0) for t in kinds},
            chunks={t: per_chunk.get(t, 0) for t in kinds},
            location=chunks.location,
        )

    def warm_up(self, model: bool = True) -> None:
        """Build missing derived indexes and (``model``) load the model, before the first
        request. A server of several workers builds the indexes once, in the parent, and each
        worker loads its own model."""
        _needs(self.ingestor, "ingestion").refresh_indexes()
        if model:
            self.search("warm up", Audience.agent(), k=1)

    def readiness(self) -> dict[str, str]:
        """Each store's state: 'ok', 'unreachable' or (derived indexes) 'stale or not built'."""
        checks = {"suggestions": _answers(self.suggestions.ping)}
        if self.chunks is not None:
            checks = {"store": _answers(self.chunks.count), **checks}
        if self.indexes:
            current = all(index.is_current() for index in self.indexes)
            checks["bm25"] = "ok" if current else "stale or not built"
        return checks

    # -- internals ----------------------------------------------------------------------------

    def _readable(self, suggestion_id: str, audience: Audience | None) -> Saved:
        """The saved suggestion, if ``audience`` may read it: it sees what the asker saw, and
        every passage the suggestion cites is still visible to it now (a document whose
        visibility was narrowed after the suggestion was made takes its quotes with it)."""
        saved = self.suggestions.load(suggestion_id)
        if saved is None or (audience is not None and not self._may_read(saved, audience)):
            raise KbassistError(ErrorCode.NOT_FOUND, f"no suggestion with id '{suggestion_id}'")
        return saved

    def _may_read(self, saved: Saved, audience: Audience) -> bool:
        if not can_read(audience, saved.asker):
            return False
        if self.chunks is None:
            return True
        for doc_id in {c.doc_id for c in saved.record.suggestion.citations}:
            state = self.chunks.document_state(doc_id)  # None: deleted since, nothing to guard
            if state is not None and not sees(audience, state.visibility):
                return False
        return True

    def _check_source_types(self, given: Sequence[str], field: str) -> None:
        unknown = sorted(set(given) - set(self.source_types)) if self.source_types else []
        if unknown:
            raise KbassistError(
                ErrorCode.BAD_INPUT,
                f"{field}: '{unknown[0]}' is not one of {', '.join(self.source_types)}",
            )

    # -- webhooks -----------------------------------------------------------------------------

    def zendesk_event(self, webhook: ZendeskWebhook, delivery: Delivery) -> WebhookOutcome:
        """A Zendesk webhook delivery (``assistant.webhooks``): verified (401 otherwise), then a
        solved or closed ticket is read from Zendesk, redacted and ingested, once per event."""
        ingestor = _needs(self.ingestor, "ingestion")
        deliveries = _needs(self.deliveries, "a delivery log")
        return webhook.handle(
            delivery,
            self.first_delivery,
            ingestor.ingest_documents,
            forget=deliveries.forget_delivery,
        )


def _needs(part: T | None, what: str) -> T:
    if part is None:
        raise KbassistError(ErrorCode.CONFIG, f"this service was built without {what}")
    return part


def _answers(probe: Callable[[], object]) -> str:
    try:
        probe()
    except Exception:  # whatever the cause, not ready; its text is not shown
        return "unreachable"
    return "ok"
