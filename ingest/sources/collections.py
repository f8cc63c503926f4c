"""Generic collections: a folder holding ``corpus.jsonl``, one ``{id, title, text}`` per line.

The file is streamed line by line (collections run to tens of thousands of lines); fields other
than id, title and text are ignored. A passage whose text is empty is counted as skipped.
"""

from __future__ import annotations

from pathlib import Path

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources import jsonio
from ingest.sources.fields import FieldError, as_id, as_text
from ingest.sources.files import (
    Limits,
    SourceError,
    drop_duplicates,
    iter_lines,
    make_document,
    to_issue,
    too_long,
)

CORPUS_FILE = "corpus.jsonl"


def parse_collection(folder: Path, limits: Limits) -> ParseResult:
    """Every document of ``folder/corpus.jsonl`` (source type collection, visibility public);
    ``folder`` may also be the ``corpus.jsonl`` file itself."""
    path = folder if folder.name == CORPUS_FILE and not folder.is_dir() else folder / CORPUS_FILE
    result = ParseResult()
    found: list[tuple[Document, int]] = []
    try:
        for number, line in iter_lines(path, limits):
            try:
                doc = _document(path, line, limits)
                if doc is None:
                    result.skipped += 1
                else:
                    found.append((doc, number))
            except FieldError as exc:
                result.issues.append(to_issue(path, exc, number))
            except ValueError as exc:
                result.issues.append(IngestIssue(str(path), str(exc), number))
    except SourceError as exc:
        result.issues.append(exc.issue)
    docs, issues = drop_duplicates(found, path)
    result.documents.extend(docs)
    result.issues.extend(issues)
    return result


def _document(path: Path, line: str | None, limits: Limits) -> Document | None:
    """The line's Document; None for a passage whose text is empty (counted as skipped)."""
    if line is None:
        raise ValueError("not UTF-8 text")
    try:
        record = jsonio.loads(line)
    except jsonio.JsonError as exc:
        raise ValueError(exc.message) from None
    if not isinstance(record, dict):
        raise ValueError("a collection line must be a JSON object")
    doc_id = as_id(record.get("id"))
    title = " ".join(as_text(record.get("title"), "title").split())
    if record.get("text") is None:
        raise FieldError("text", "is required")
    body = as_text(record["text"], "text").replace("\r\n", "\n")
    if not body:
        return None
    text = f"# {title}\n\n{body}" if title else body
    problem = too_long(text, limits)
    if problem:
        raise ValueError(problem)
    fields = {"doc_id": doc_id, "title": title, "visibility": "public"}
    return make_document(fields, text, "collection", path)
