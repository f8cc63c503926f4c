"""The shapes that flow through ingestion: parsed documents, problems found, and chunk metadata.

Parsers turn a file into LlamaIndex ``Document`` objects whose text is a canonical Markdown
rendering (headings mark the structure) and whose metadata holds the document-level fields in
``DOC_FIELDS``. Chunkers turn those into ``TextNode`` chunks carrying ``CHUNK_FIELDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from llama_index.core.schema import Document

SourceType = Literal["article", "playbook", "ticket", "collection"]
SOURCE_TYPES: tuple[SourceType, ...] = ("article", "playbook", "ticket", "collection")

# Document-level metadata set by every parser (strings; tags is a list of strings).
DOC_FIELDS = (
    "doc_id",
    "source_type",
    "title",
    "url",
    "product",
    "tags",
    "owner",
    "updated_at",
    "review_by",
    "visibility",
    "source_path",
)

# Metadata on every chunk (all scalar, so that Chroma can store and filter them).
# tags is comma-joined; content_hash is the sha256 of the chunk text; doc_hash the document's.
CHUNK_FIELDS = (
    "doc_id",
    "source_type",
    "title",
    "url",
    "section",
    "product",
    "tags",
    "visibility",
    "owner",
    "updated_at",
    "review_by",
    "content_hash",
    "doc_hash",
    "chunk_index",
)

# Extra chunk metadata for playbook step chunks: "steps" ("1-3") and "actions" (a JSON list of
# {"step": int, "kind": str, "label": str, ...action fields}).
PLAYBOOK_CHUNK_FIELDS = ("steps", "actions")


@dataclass(frozen=True)
class IngestIssue:
    """A problem with one input: which file, where in it, and what is wrong."""

    source: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.source + (f":{self.line}" if self.line is not None else "")
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}: {what}{self.message}"


@dataclass
class ParseResult:
    """What one parser made of one file."""

    documents: list[Document] = field(default_factory=list)
    skipped: int = 0  # records deliberately left out (e.g. tickets not yet solved)
    issues: list[IngestIssue] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        self.documents.extend(other.documents)
        self.skipped += other.skipped
        self.issues.extend(other.issues)
