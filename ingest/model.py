"""The shapes that flow through ingestion: parsed documents, problems found, and chunk metadata.

Parsers turn a file into LlamaIndex ``Document`` objects whose text is a canonical Markdown
rendering (headings mark the structure) and whose metadata holds the document-level fields in
``DOC_FIELDS``. Chunkers turn those into ``TextNode`` chunks carrying ``CHUNK_FIELDS``. The source
types (``SOURCE_TYPES``) are the rows of the registry, ``ingest.sources.registry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llama_index.core.schema import Document

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


def __getattr__(name: str) -> tuple[str, ...]:
    """``SOURCE_TYPES``, re-exported from the registry on first use: the registry lists the
    parsers, which import this module, so it cannot be imported here at load time."""
    if name == "SOURCE_TYPES":
        from ingest.sources.registry import SOURCE_TYPES

        return SOURCE_TYPES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
