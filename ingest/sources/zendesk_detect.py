"""The ``.json`` parser: a Zendesk API response, told apart by its top-level key.

``articles`` and ``tickets`` responses become documents; ``users``, ``comments``,
``ticket_events``, ``sections`` and ``categories`` inform them (``zendesk_export``) and make no
document of their own. Any other JSON file is reported, naming the keys that are read.
"""

from __future__ import annotations

from pathlib import Path

from ingest.model import IngestIssue, ParseResult
from ingest.sources.files import Limits, SourceError
from ingest.sources.zendesk_articles import parse_zendesk_articles
from ingest.sources.zendesk_export import (
    KINDS,
    export_of,
    kind_of,
    read_json,
    records_of,
    ticket_of_comments_file,
)
from ingest.sources.zendesk_tickets import parse_zendesk_tickets


def parse_zendesk_json(path: Path, limits: Limits) -> ParseResult:
    """The documents of one Zendesk export file (none for the files that only inform others)."""
    try:
        text, data = read_json(path, limits)
        kind = kind_of(data)
        if kind is None:
            keys = ", ".join(sorted(data)) if isinstance(data, dict) else type(data).__name__
            raise SourceError(
                IngestIssue(
                    str(path),
                    f"not a Zendesk export: found {keys or 'nothing'}, expected one of the "
                    f"top-level keys {', '.join(KINDS)}",
                )
            )
        assert isinstance(data, dict)
        records_of(data, kind, path)  # a response whose list is not a list is reported here
        if kind == "comments" and ticket_of_comments_file(path) is None:
            raise SourceError(
                IngestIssue(
                    str(path),
                    "cannot tell which ticket these comments belong to: name the file after "
                    "the ticket id (comments/35436.json or ticket-35436-comments.json)",
                )
            )
        if kind not in ("articles", "tickets"):
            return ParseResult()
        export = export_of(path, limits)
        if export.config_issue is not None:
            return ParseResult(issues=[export.config_issue])
        parse = parse_zendesk_articles if kind == "articles" else parse_zendesk_tickets
        return parse(path, text, data, export, limits)
    except SourceError as exc:
        return ParseResult(issues=[exc.issue])
