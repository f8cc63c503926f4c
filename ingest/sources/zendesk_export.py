"""A Zendesk export as a folder of API responses saved as ``.json`` files.

Each file is one response, told apart by its top-level key (``KINDS``). Articles and tickets
become documents; the other responses only inform them and may sit anywhere under the folder of
the file that uses them:

- ``users`` (Users API, or sideloaded with ``include=users``): who wrote each comment;
- ``comments`` (Ticket Comments API): one ticket's comments, the ticket id in the file's name
  (``comments/35436.json``, ``ticket-35436-comments.json``) or its folder's (``35436/x.json``);
- ``ticket_events`` (Incremental Ticket Event Export with ``include=comment_events``): comments
  of many tickets;
- ``sections`` and ``categories`` (Help Center API, or sideloaded): an article's section path.

An incremental export may hold one ticket or article more than once (it changed between two
pages); only its latest copy is read, and the others are counted as skipped.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.model import IngestIssue
from ingest.sources import jsonio
from ingest.sources.files import Limits, SourceError, read_text
from ingest.sources.yamlio import locate
from ingest.sources.zendesk_config import ZendeskConfig, config_file, load_config

# The top-level key of each response, in the order that decides a file holding several.
KINDS = ("articles", "tickets", "ticket_events", "comments", "sections", "categories", "users")
DOCUMENT_KINDS = ("articles", "tickets")
_COMMENT_EVENTS = frozenset({"Comment", "VoiceComment"})
_NUMBER = re.compile(r"\d+")
_CACHED_FOLDERS = 8
# A record's line is found by composing the file as YAML (JSON is YAML): only in files up to this
# size, and for the first issues of a file, so that a large broken page stays quick to report.
_LOCATE_CHARS = 2_000_000
_LOCATED_ISSUES = 20

Record = Mapping[str, Any]


def kind_of(data: object) -> str | None:
    """The kind of a parsed response (``articles``, ``tickets``, ...), or None."""
    if isinstance(data, dict):
        return next((key for key in KINDS if key in data), None)
    return None


def read_json(path: Path, limits: Limits) -> tuple[str, Any]:
    """The file's text and its parsed JSON; raises SourceError naming the line."""
    text = read_text(path, limits)
    try:
        return text, jsonio.loads(text)
    except jsonio.JsonError as exc:
        raise SourceError(IngestIssue(str(path), exc.message, exc.line)) from exc


def records_of(data: Mapping[str, Any], key: str, path: Path) -> list[Any]:
    """The list under ``key``; raises SourceError when it is not a list."""
    value = data.get(key)
    if not isinstance(value, list):
        raise SourceError(IngestIssue(str(path), "must be a list of objects", field=key))
    return value


def record_line(text: str, field: str, issues_so_far: int) -> int | None:
    """The line of ``field`` (``tickets[3].subject``) in a response's text, when affordable."""
    if len(text) > _LOCATE_CHARS or issues_so_far >= _LOCATED_ISSUES:
        return None
    return locate(text, field)


def record_id(record: object) -> str | None:
    """A record's ``id`` as a string, or None when it has none."""
    if isinstance(record, dict):
        value = record.get("id")
        if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def ticket_of_comments_file(path: Path) -> str | None:
    """The ticket a comments response belongs to: the one number in its file name
    (``35436.json``, ``ticket-35436-comments.json``), or else its folder's name when that is a
    number (``35436/comments.json``); None otherwise."""
    numbers = _NUMBER.findall(path.stem)
    if numbers:
        return numbers[0] if len(numbers) == 1 else None
    return path.parent.name if path.parent.name.isdigit() else None


def comment_events(data: Mapping[str, Any]) -> Iterator[tuple[str, Record]]:
    """(ticket id, comment) for each comment child event of a ticket events response."""
    for event in data.get("ticket_events") or []:
        if not isinstance(event, dict) or event.get("ticket_id") is None:
            continue
        for child in event.get("child_events") or []:
            if isinstance(child, dict) and child.get("event_type") in _COMMENT_EVENTS:
                yield str(event["ticket_id"]), child


def article_key(record: Record) -> str:
    """An article's identity in an export: its id and locale (translations are documents)."""
    locale = record.get("locale")
    suffix = f"-{locale.strip().lower()}" if isinstance(locale, str) and locale.strip() else ""
    return f"{record_id(record)}{suffix}"


@dataclass
class Export:
    """What the responses under one folder say about its articles and tickets."""

    folder: Path
    config: ZendeskConfig = field(default_factory=ZendeskConfig)
    config_issue: IngestIssue | None = None
    users: dict[str, Record] = field(default_factory=dict)
    sections: dict[str, Record] = field(default_factory=dict)
    categories: dict[str, Record] = field(default_factory=dict)
    comments: dict[str, list[Record]] = field(default_factory=dict)
    # (kind, key) -> (recency, file, index) of the copy to read
    latest: dict[tuple[str, str], tuple[tuple[str, int], str, int]] = field(default_factory=dict)

    def is_latest(self, kind: str, key: str, path: Path, index: int) -> bool:
        """Whether record ``index`` of ``path`` is the copy of ``key`` to read."""
        found = self.latest.get((kind, key))
        return found is None or (found[1], found[2]) == (str(path.resolve()), index)

    def comments_of(self, ticket_id: str) -> list[Record]:
        return self.comments.get(ticket_id, [])

    def _add(self, path: Path, data: Mapping[str, Any]) -> None:
        for key, table in (
            ("users", self.users),
            ("sections", self.sections),
            ("categories", self.categories),
        ):
            for record in data.get(key) or []:
                if record_id(record) is not None:
                    table[str(record_id(record))] = record
        kind = kind_of(data)
        if kind == "comments":
            ticket = ticket_of_comments_file(path)
            if ticket is not None:
                for comment in data.get("comments") or []:
                    if isinstance(comment, dict):
                        self._comment(ticket, comment)
        for ticket, comment in comment_events(data):
            self._comment(ticket, comment)
        if kind in DOCUMENT_KINDS:
            for index, record in enumerate(data.get(kind) or []):
                if record_id(record) is not None:
                    self._candidate(kind or "", record, str(path.resolve()), index)

    def _comment(self, ticket: str, comment: Record) -> None:
        known = self.comments.setdefault(ticket, [])
        cid = record_id(comment)
        if cid is None or all(record_id(c) != cid for c in known):
            known.append(comment)

    def _candidate(self, kind: str, record: Record, path: str, index: int) -> None:
        key = article_key(record) if kind == "articles" else str(record_id(record))
        stamp = record.get("updated_at")
        generated = record.get("generated_timestamp")
        recency = (
            stamp if isinstance(stamp, str) else "",
            generated if isinstance(generated, int) and not isinstance(generated, bool) else 0,
        )
        found = self.latest.get((kind, key))
        if found is None or recency >= found[0]:
            self.latest[(kind, key)] = (recency, path, index)

    def sort_comments(self) -> None:
        """Oldest first (a comment without ``created_at`` keeps its place among its peers)."""
        for comments in self.comments.values():
            comments.sort(key=lambda c: str(c.get("created_at") or ""))


_CACHE: OrderedDict[Path, tuple[tuple[tuple[str, int, int], ...], Export]] = OrderedDict()


def _json_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*.json")):
        parts = path.relative_to(folder).parts
        if not any(part.startswith((".", "_")) for part in parts) and path.is_file():
            found.append(path)
    return found


def export_of(path: Path, limits: Limits) -> Export:
    """The export a file belongs to (its folder, read once while no file in it changes)."""
    folder = path.resolve().parent
    files = _json_files(folder)
    signature = tuple(
        (str(f), f.stat().st_mtime_ns, f.stat().st_size)
        for f in files
        if f.stat().st_size <= limits.max_file_bytes
    )
    config = config_file(folder)
    if config is not None:  # a changed configuration is read again too
        signature += ((str(config), config.stat().st_mtime_ns, -1),)
    cached = _CACHE.get(folder)
    if cached is not None and cached[0] == signature:
        _CACHE.move_to_end(folder)
        return cached[1]
    export = Export(folder)
    export.config, export.config_issue = load_config(folder, limits)
    for file, _, size in signature:
        if size < 0:
            continue
        try:
            _, data = read_json(Path(file), limits)
        except SourceError:
            continue  # reported when the file itself is read
        if isinstance(data, dict):
            export._add(Path(file), data)
    export.sort_comments()
    _CACHE[folder] = (signature, export)
    while len(_CACHE) > _CACHED_FOLDERS:
        _CACHE.popitem(last=False)
    return export
