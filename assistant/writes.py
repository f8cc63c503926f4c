"""Who may change the knowledge base, and the audit record each change leaves.

A write (an upload today) needs an author whose role may write, and every document it creates or
replaces must have, before and after, a visibility the author could see: a key may not overwrite
what it cannot read, nor publish to teams it is not in. The refusal reads the same whether or not
the document exists, so it tells nothing about documents the author cannot see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from llama_index.core.schema import Document

from assistant.access import visibility_flags
from assistant.errors import ErrorCode, KbassistError
from assistant.types import Audience, DocumentState


@dataclass(frozen=True)
class Author:
    """Who writes: a name safe to record, what they may see, and whether their role may write."""

    name: str
    audience: Audience
    may_write: bool


@dataclass(frozen=True)
class WriteRecord:
    """One audited change: who created or replaced which document, when, and from what."""

    doc_id: str
    author: str
    action: str  # "created" or "replaced"
    previous_hash: str | None
    content_hash: str
    at: datetime


class DocumentStates(Protocol):
    def document_state(self, doc_id: str) -> DocumentState | None: ...


class WriteLog(Protocol):
    def record_writes(self, records: Sequence[WriteRecord]) -> None: ...


def sees(audience: Audience, visibility: str) -> bool:
    """Whether ``audience`` may see content of this visibility."""
    return audience.can_see(dict(visibility_flags(visibility)))


def authorize(
    author: Author, documents: Sequence[Document], states: DocumentStates, at: datetime
) -> list[WriteRecord]:
    """The audit records of writing ``documents``; FORBIDDEN unless ``author`` may write each."""
    if not author.may_write:
        raise KbassistError(
            ErrorCode.FORBIDDEN, "this key may not change documents (it needs the writer role)"
        )
    records = []
    for document in documents:
        before = states.document_state(document.id_)
        visibility = str(document.metadata.get("visibility") or "public")
        if not sees(author.audience, visibility) or (
            before is not None and not sees(author.audience, before.visibility)
        ):
            raise KbassistError(
                ErrorCode.FORBIDDEN,
                f"document '{document.id_}': this key may not create or replace it "
                "(its visibility is outside the key's teams); nothing was ingested",
            )
        records.append(
            WriteRecord(
                doc_id=document.id_,
                author=author.name,
                action="created" if before is None else "replaced",
                previous_hash=None if before is None else before.content_hash,
                content_hash=document.hash,
                at=at,
            )
        )
    return records
