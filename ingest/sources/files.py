"""Reading source files within limits, and building the Documents that parsers return."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document

from ingest.model import DOC_FIELDS, IngestIssue
from ingest.sources.fields import FieldError
from ingest.sources.yamlio import YamlError


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one file and one document may hold."""

    max_file_bytes: int = 64 * 1024 * 1024
    max_document_chars: int = 1_000_000


class SourceError(Exception):
    """A whole file cannot be read; carries the issue to report."""

    def __init__(self, issue: IngestIssue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def _check_size(path: Path, limits: Limits) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(IngestIssue(str(path), f"cannot read file: {exc.strerror}")) from exc
    if size > limits.max_file_bytes:
        raise SourceError(
            IngestIssue(
                str(path), f"file is {size} bytes, over the limit of {limits.max_file_bytes}"
            )
        )


def read_text(path: Path, limits: Limits) -> str:
    """The whole file as text (UTF-8, BOM dropped, newlines normalised); raises SourceError."""
    _check_size(path, limits)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(IngestIssue(str(path), f"cannot read file: {exc.strerror}")) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(IngestIssue(str(path), "not UTF-8 text", line=line)) from exc
    if not text.strip():
        raise SourceError(IngestIssue(str(path), "empty file"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def iter_lines(path: Path, limits: Limits) -> Iterator[tuple[int, str | None]]:
    """Stream (line number, text) pairs; text is None for a line that is not UTF-8.

    Blank lines are skipped. Raises SourceError when the file cannot be opened, is over the
    size limit, or holds no non-blank line.
    """
    _check_size(path, limits)
    seen_any = False
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                seen_any = True
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield number, None
    except OSError as exc:
        raise SourceError(IngestIssue(str(path), f"cannot read file: {exc.strerror}")) from exc
    if not seen_any:
        raise SourceError(IngestIssue(str(path), "empty file"))


def too_long(text: str, limits: Limits) -> str | None:
    """The message for a document over the size limit, or None."""
    if len(text) > limits.max_document_chars:
        return f"document is {len(text)} characters, over the limit of {limits.max_document_chars}"
    return None


def make_document(
    fields: dict[str, Any], text: str, source_type: str, path: Path, **extra: str
) -> Document:
    """A Document carrying every key of DOC_FIELDS (strings; tags a list of strings)."""
    metadata: dict[str, Any] = {key: "" for key in DOC_FIELDS}
    metadata.update(fields)
    metadata["tags"] = list(fields.get("tags") or [])
    metadata["source_type"] = source_type
    metadata["source_path"] = str(path)
    metadata.update(extra)
    return Document(id_=metadata["doc_id"], text=text, metadata=metadata)


def to_issue(
    source: Path | str, exc: SourceError | FieldError | YamlError, line: int | None = None
) -> IngestIssue:
    """The issue to report for a failed file or record (``line`` used when the error has none)."""
    if isinstance(exc, SourceError):
        return exc.issue
    if isinstance(exc, FieldError):
        return IngestIssue(str(source), exc.message, exc.line or line, exc.field)
    return IngestIssue(str(source), exc.message, exc.line or line)


def drop_duplicates(
    found: list[tuple[Document, int]], path: Path
) -> tuple[list[Document], list[IngestIssue]]:
    """Leave out every document whose id occurs on more than one line of one file."""
    lines: dict[str, list[int]] = {}
    for doc, line in found:
        lines.setdefault(doc.id_, []).append(line)
    issues = [
        IngestIssue(
            str(path),
            f"duplicate id '{doc_id}' on lines {', '.join(map(str, where))}; all left out",
            line=where[0],
            field="id",
        )
        for doc_id, where in lines.items()
        if len(where) > 1
    ]
    return [doc for doc, _ in found if len(lines[doc.id_]) == 1], issues
