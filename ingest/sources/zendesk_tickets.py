"""Zendesk tickets, as the Incremental Ticket Export and Ticket Comments APIs return them.

A ticket (``status`` solved or closed; the others are skipped) becomes the same Document as a
ticket from a JSONL export (``ticket_record.ticket_document``, which redacts it):

- a comment with ``public: false`` is an internal note;
- a public comment is the customer's when its author's ``role`` (from ``users``) is
  ``end-user`` or unknown, and an agent's when it is ``agent`` or ``admin``; the last public
  agent reply is the resolution;
- the first comment, which repeats the description, is not repeated;
- ``tags`` are kept, and the product is the value of the custom field the configuration names.

``ticket_from_zendesk`` is the one conversion, shared by the export parser and the webhook.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.fields import FieldError, as_mapping, as_text
from ingest.sources.files import Limits, too_long
from ingest.sources.markdown import one_line
from ingest.sources.ticket_record import SOLVED, ticket_document
from ingest.sources.zendesk_config import ZendeskConfig
from ingest.sources.zendesk_export import Export, Record, record_id, record_line, records_of

AGENT_ROLES = frozenset({"agent", "admin"})
_API_URL = re.compile(r"^(https?://[^/]+)/api/v2/tickets/(\d+)(?:\.json)?$")
WEBHOOK_SOURCE = "zendesk:webhook"


def users_by_id(users: Sequence[Record] | Mapping[str, Record]) -> dict[str, Record]:
    """Users keyed by their id as a string (records without an id are left out)."""
    if isinstance(users, Mapping):
        return {str(key): value for key, value in users.items()}
    return {str(record_id(u)): u for u in users if record_id(u) is not None}


def ticket_from_zendesk(
    ticket: Record,
    comments: Sequence[Record],
    users: Sequence[Record] | Mapping[str, Record],
    config: ZendeskConfig | None = None,
    source: Path | str = WEBHOOK_SOURCE,
) -> Document | None:
    """The Document for one Zendesk ticket (a Tickets API ``ticket`` object), its comments
    (Ticket Comments API) and the users who wrote them; None when it is not solved or closed.

    Raises FieldError naming the first bad field (``status``, ``comments[2].public``, ...).
    """
    config = config or ZendeskConfig()
    status = as_text(ticket.get("status"), "status", required=True).lower()
    if status not in SOLVED:
        return None
    people = users_by_id(users)
    requester = people.get(str(ticket.get("requester_id")), {})
    description = ticket.get("description")
    record: dict[str, Any] = {
        "id": ticket.get("id"),
        "subject": ticket.get("subject") or ticket.get("raw_subject") or _opening(description),
        "description": description,
        "status": status,
        "requester_name": requester.get("name"),
        "requester_email": requester.get("email"),
        "comments": _comments(comments, people, description),
        "tags": ticket.get("tags"),
        "product": _product(ticket, config),
        "url": _agent_url(ticket.get("url")),
        "updated_at": ticket.get("updated_at"),
    }
    return ticket_document(record, Path(source))


def _opening(description: object, words: int = 12) -> str | None:
    """A title for a ticket without a subject (chat and messaging): the description's start."""
    if not isinstance(description, str) or not description.strip():
        return None
    head = one_line(description).split(" ")
    return " ".join(head[:words]) + (" ..." if len(head) > words else "")


def _comments(
    comments: Sequence[Record], people: Mapping[str, Record], description: object
) -> list[dict[str, str]]:
    """The comments as ``ticket_document`` reads them: ``{author_role, body}``."""
    repeated = one_line(description) if isinstance(description, str) else None
    found: list[dict[str, str]] = []
    for index, raw in enumerate(comments):
        name = f"comments[{index}]"
        comment = as_mapping(raw, name)
        plain = comment.get("plain_body")
        text = plain if isinstance(plain, str) and plain.strip() else comment.get("body")
        body = as_text(text, f"{name}.body")
        public = comment.get("public", True)
        if not isinstance(public, bool):
            raise FieldError(f"{name}.public", "must be true or false")
        if not body or (repeated and one_line(body) == repeated):
            continue
        found.append({"author_role": _role(comment, public, people), "body": body})
    return found


def _role(comment: Record, public: bool, people: Mapping[str, Record]) -> str:
    if not public:
        return "internal"
    author = people.get(str(comment.get("author_id")), {})
    role = author.get("role")
    return "agent" if isinstance(role, str) and role.lower() in AGENT_ROLES else "customer"


def _product(ticket: Record, config: ZendeskConfig) -> str:
    """The value of the configured custom field (a multi-select's values comma-joined)."""
    if config.product_field is None:
        return ""
    fields = ticket.get("custom_fields")
    if fields is None:
        return ""
    if not isinstance(fields, list):
        raise FieldError("custom_fields", "must be a list of {id, value} objects")
    for index, item in enumerate(fields):
        entry = as_mapping(item, f"custom_fields[{index}]")
        if str(entry.get("id")) == config.product_field:
            value = entry.get("value")
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            return as_text(value, f"custom_fields[{index}].value")
    return ""


def _agent_url(value: object) -> str:
    """The agent's link to a ticket, from its API ``url`` (anything else is kept as given)."""
    url = as_text(value, "url")
    match = _API_URL.match(url)
    return f"{match.group(1)}/agent/tickets/{match.group(2)}" if match else url


def parse_zendesk_tickets(
    path: Path, text: str, data: Mapping[str, Any], export: Export, limits: Limits
) -> ParseResult:
    """The solved tickets of one incremental export response (``{"tickets": [...]}``)."""
    result = ParseResult()
    for index, ticket in enumerate(records_of(data, "tickets", path)):
        where = f"tickets[{index}]"
        tid = record_id(ticket)
        if not isinstance(ticket, dict) or tid is None:
            result.issues.append(
                IngestIssue(str(path), "a ticket must be an object with an id", field=where)
            )
            continue
        if not export.is_latest("tickets", tid, path, index):
            result.skipped += 1  # a later copy of the same ticket is read instead
            continue
        try:
            comments = export.comments_of(tid)
            doc = ticket_from_zendesk(ticket, comments, export.users, export.config, path)
        except FieldError as exc:
            in_comments = exc.field.startswith("comments[")  # from a comments response
            name = exc.field if in_comments else f"{where}.{exc.field}"
            line = None if in_comments else record_line(text, name, len(result.issues))
            result.issues.append(_issue(path, name, exc.message, tid, line))
            continue
        if doc is None:
            result.skipped += 1
            continue
        problem = too_long(doc.text, limits)
        if problem:
            result.issues.append(_issue(path, where, problem, tid))
        else:
            result.documents.append(doc)
    return result


def _issue(
    path: Path, field: str, message: str, record: str, line: int | None = None
) -> IngestIssue:
    """An issue naming the file, the record (its index and id) and the field."""
    return IngestIssue(str(path), f"{message} (ticket {record})", line, field)
