"""Documents past or near their ``review_by`` date, grouped by owner, the most cited first.

The documents come from the chunk store's metadata (one row per document: its first chunk's
owner, title and dates). How often each was cited lately is counted in SQL over the suggestion
store's ``suggestion_documents`` rows: one per suggestion that cited the document within the
usage window, evaluation runs and replayed traffic left out. An empty store, or no suggestions
yet, gives an empty or uncited report, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from assistant.errors import ErrorCode, KbassistError
from assistant.store import ChunkStore
from assistant.suggestion_db import SUGGESTION_DOCUMENTS, SUGGESTIONS, SqlSuggestionStore
from assistant.types import Audience

NO_OWNER = "(no owner)"
NOT_USAGE = ("eval", "replay")  # channels whose suggestions are not agents' own use
_SPAN = re.compile(r"\s*(\d{1,4})\s*([dw]?)\s*")


def parse_days(text: str, option: str = "--within") -> int:
    """Days in "14d", "2w" or "14"; a clear error naming ``option`` otherwise."""
    found = _SPAN.fullmatch(text or "")
    if not found:
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"{option}: expected a number of days or weeks such as 14d or 2w, got '{text}'",
        )
    number, unit = int(found.group(1)), found.group(2)
    return number * 7 if unit == "w" else number


@dataclass(frozen=True)
class DueDocument:
    doc_id: str
    title: str
    url: str
    source_type: str
    visibility: str
    owner: str
    review_by: date
    days_left: int  # negative: overdue by that many days
    citations: int  # suggestions that cited it within the usage window

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "review_by": self.review_by.isoformat()}


@dataclass
class OwnerDue:
    owner: str
    documents: list[DueDocument]

    @property
    def citations(self) -> int:
        return sum(d.citations for d in self.documents)


@dataclass
class ReviewDueReport:
    as_of: date
    within_days: int
    cited_days: int
    owners: list[OwnerDue] = field(default_factory=list)
    documents: int = 0  # documents the audience may see (the store may hold more)
    hidden: int = 0  # due documents the audience may not see (a count only)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "within_days": self.within_days,
            "cited_days": self.cited_days,
            "documents": self.documents,
            "hidden": self.hidden,
            "owners": [
                {
                    "owner": o.owner,
                    "citations": o.citations,
                    "documents": [d.as_dict() for d in o.documents],
                }
                for o in self.owners
            ],
        }


def citation_counts(store: SqlSuggestionStore, since: datetime) -> dict[str, int]:
    """Per doc_id, the suggestions made since ``since`` that cite it (one row per suggestion and
    document in ``suggestion_documents``); evaluation runs and replayed traffic left out."""
    docs = SUGGESTION_DOCUMENTS
    query = (
        select(docs.c.doc_id, func.count())
        .select_from(docs.join(SUGGESTIONS, SUGGESTIONS.c.id == docs.c.suggestion_id))
        .where(
            docs.c.cited.is_(True),
            SUGGESTIONS.c.created_at >= since,
            SUGGESTIONS.c.channel.not_in(NOT_USAGE),
        )
        .group_by(docs.c.doc_id)
    )
    store.ping()  # brings the schema up to date (a new database has no tables yet)
    try:
        with store.engine.connect() as conn:
            return {str(d): int(n) for d, n in conn.execute(query)}
    except SQLAlchemyError as exc:  # never shown to the reader
        raise KbassistError(
            ErrorCode.STORE_UNAVAILABLE, f"the suggestion database {store.where} is unavailable"
        ) from exc


def _documents(chunks: ChunkStore) -> dict[str, dict[str, Any]]:
    """One metadata row per document (its lowest chunk's)."""
    found: dict[str, dict[str, Any]] = {}
    for metadata in chunks.iter_metadata():
        doc_id = str(metadata.get("doc_id", ""))
        if not doc_id:
            continue
        known = found.get(doc_id)
        if known is None or int(metadata.get("chunk_index", 0)) < int(known.get("chunk_index", 0)):
            found[doc_id] = metadata
    return found


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def review_due(
    chunks: ChunkStore,
    suggestions: SqlSuggestionStore,
    audience: Audience,
    *,
    within_days: int = 14,
    cited_days: int = 90,
    owner: str | None = None,
    today: date | None = None,
) -> ReviewDueReport:
    """Documents ``audience`` may see whose ``review_by`` is past or within ``within_days``,
    grouped by owner (the owner with the most citations first) and, per owner, the most cited
    first, then the most overdue. ``owner`` keeps one owner's; one that owns no document the
    audience may see is NOT_FOUND."""
    today = today or datetime.now(UTC).date()
    report = ReviewDueReport(today, within_days, cited_days)
    documents = _documents(chunks)
    visible = {d: m for d, m in documents.items() if audience.can_see(m)}
    report.documents = len(visible)
    if owner is not None:
        owners = {str(m.get("owner") or NO_OWNER) for m in visible.values()}
        if owner not in owners:
            raise KbassistError(ErrorCode.NOT_FOUND, f"--owner: no document is owned by '{owner}'")
    horizon = today + timedelta(days=within_days)
    due: list[tuple[str, dict[str, Any], date]] = []
    for doc_id, metadata in documents.items():
        review_by = _date(metadata.get("review_by"))
        if review_by is None or review_by > horizon:
            continue
        if doc_id not in visible:
            report.hidden += 1
        elif owner is None or str(metadata.get("owner") or NO_OWNER) == owner:
            due.append((doc_id, metadata, review_by))
    if not due:
        return report
    counts = citation_counts(suggestions, datetime.now(UTC) - timedelta(days=cited_days))
    grouped: dict[str, list[DueDocument]] = {}
    for doc_id, metadata, review_by in due:
        name = str(metadata.get("owner") or NO_OWNER)
        grouped.setdefault(name, []).append(
            DueDocument(
                doc_id=doc_id,
                title=str(metadata.get("title", "")),
                url=str(metadata.get("url", "")),
                source_type=str(metadata.get("source_type", "")),
                visibility=str(metadata.get("visibility", "")),
                owner=name,
                review_by=review_by,
                days_left=(review_by - today).days,
                citations=counts.get(doc_id, 0),
            )
        )
    for name, docs in grouped.items():
        docs.sort(key=lambda d: (-d.citations, d.review_by, d.doc_id))
        report.owners.append(OwnerDue(name, docs))
    report.owners.sort(key=lambda o: (-o.citations, o.owner))
    return report
