"""Resolved tickets from a help-desk export: JSONL (one ticket a line) or CSV (one a row).

Only solved or closed tickets become Documents; the others are counted in ``skipped``. A bad line
or row is reported with its line number and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources import jsonio
from ingest.sources.fields import FieldError
from ingest.sources.files import (
    Limits,
    SourceError,
    drop_duplicates,
    iter_lines,
    read_text,
    to_issue,
    too_long,
)
from ingest.sources.ticket_record import REQUIRED, is_solved, ticket_document


class _Collector:
    """Turns records into Documents for one file, keeping skips, issues and line numbers."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.result = ParseResult()
        self.found: list[tuple[Document, int]] = []

    def issue(self, message: str, line: int | None = None, field: str | None = None) -> None:
        self.result.issues.append(IngestIssue(str(self.path), message, line, field))

    def add(self, record: object, line: int) -> None:
        if not isinstance(record, dict):
            self.issue("a ticket must be a JSON object", line)
            return
        try:
            if not is_solved(record):
                self.result.skipped += 1
                return
            doc = ticket_document(record, self.path)
        except FieldError as exc:
            self.result.issues.append(to_issue(self.path, exc, line))
            return
        problem = too_long(doc.text, self.limits)
        if problem:
            self.issue(problem, line)
        else:
            self.found.append((doc, line))

    def finish(self) -> ParseResult:
        docs, issues = drop_duplicates(self.found, self.path)
        self.result.documents.extend(docs)
        self.result.issues.extend(issues)
        return self.result


def parse_tickets_jsonl(path: Path, limits: Limits) -> ParseResult:
    """Tickets from a JSONL export, one JSON object per line."""
    collector = _Collector(path, limits)
    try:
        for number, line in iter_lines(path, limits):
            if line is None:
                collector.issue("not UTF-8 text", number)
                continue
            try:
                record = jsonio.loads(line)
            except jsonio.JsonError as exc:
                collector.issue(exc.message, number)
                continue
            collector.add(record, number)
    except SourceError as exc:
        collector.result.issues.append(exc.issue)
    return collector.finish()


def parse_tickets_csv(path: Path, limits: Limits) -> ParseResult:
    """Tickets from a CSV export with a header row; ``tags`` comma-separated, ``comments`` a
    JSON array in one cell."""
    collector = _Collector(path, limits)
    try:
        text = read_text(path, limits)
    except SourceError as exc:
        collector.result.issues.append(exc.issue)
        return collector.finish()
    rows = _rows(text, collector)
    header = next(rows, None)
    if header is None:
        return collector.finish()
    columns = [name.strip() for name in header[1]]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        collector.issue(f"missing column(s): {', '.join(missing)}", 1, missing[0])
        return collector.finish()
    for line, cells in rows:
        if len(cells) != len(columns):
            collector.issue(f"row has {len(cells)} cells, the header has {len(columns)}", line)
            continue
        record: dict[str, Any] = dict(zip(columns, cells, strict=True))
        if record.get("comments", "").strip():
            try:
                record["comments"] = jsonio.loads(record["comments"])
            except jsonio.JsonError as exc:
                collector.issue(f"is not a JSON array: {exc.message}", line, "comments")
                continue
        collector.add(record, line)
    return collector.finish()


def _rows(text: str, collector: _Collector) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) for each non-blank CSV row. A row the CSV reader refuses (a cell over
    the document size limit, say) fails alone, named by its line; the rows after it are read."""
    _allow_fields_up_to(collector.limits.max_document_chars)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            collector.issue(f"invalid CSV: {exc}", start)
            if reader.line_num < start:  # the reader made no progress: nothing more to read
                return
            start = reader.line_num + 1
            continue
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1


def _allow_fields_up_to(chars: int) -> None:
    """Raise the csv module's cell limit (131,072 characters, process-wide) to the document
    limit, so that a long ticket is read whole and only a larger cell is refused."""
    if csv.field_size_limit() < chars:
        csv.field_size_limit(chars)
