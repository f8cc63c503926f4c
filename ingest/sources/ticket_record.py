"""One help-desk ticket record (from a JSONL line or a CSV row) turned into a redacted Document.

Every piece of ticket text is redacted before the Document is built, and the requester's name and
e-mail are then removed from whatever the redactor left, so that neither appears in the text or
the metadata.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document

from ingest.redact import redact
from ingest.sources.fields import (
    FieldError,
    as_date,
    as_id,
    as_mapping,
    as_tags,
    as_text,
    as_visibility,
)
from ingest.sources.files import make_document
from ingest.sources.markdown import escape_headings, one_line

SOLVED = frozenset({"solved", "closed"})
ROLES = frozenset({"customer", "agent", "internal"})
REQUIRED = ("id", "subject", "description", "status")
# The sections of the rendering (the registry's flags and chunking policy name them).
PROBLEM = "Problem"
RESOLUTION = "Resolution"
INTERNAL_NOTES = "Internal notes"


def is_solved(record: Mapping[str, Any]) -> bool:
    """Whether the record is a solved or closed ticket (raises FieldError without a status)."""
    return as_text(record.get("status"), "status", required=True).lower() in SOLVED


@dataclass(frozen=True)
class _Scrubber:
    """Redacts one ticket's text: the shared redactor, then a literal pass for the requester."""

    names: tuple[str, ...]
    patterns: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def for_requester(cls, name: str, email: str) -> _Scrubber:
        patterns = []
        if email:
            patterns.append((re.compile(re.escape(email), re.IGNORECASE), "[EMAIL]"))
        if name:
            words = r"\s+".join(re.escape(word) for word in name.split())
            patterns.append((re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE), "[NAME]"))
        return cls(names=(name,) if name else (), patterns=tuple(patterns))

    def __call__(self, text: str) -> str:
        if not text:
            return text
        cleaned = redact(text, self.names).text
        for pattern, placeholder in self.patterns:
            cleaned = pattern.sub(placeholder, cleaned)
        return cleaned


def ticket_document(record: Mapping[str, Any], path: Path) -> Document:
    """The Document for a solved ticket; raises FieldError naming the first bad field."""
    for name in REQUIRED:
        if record.get(name) is None:
            raise FieldError(name, "is required")
    scrub = _Scrubber.for_requester(
        one_line(as_text(record.get("requester_name"), "requester_name")),
        as_text(record.get("requester_email"), "requester_email"),
    )
    ticket_id = as_id(record.get("id"))
    if scrub(ticket_id) != ticket_id:
        raise FieldError("id", "must not hold personal data")
    subject = one_line(scrub(as_text(record.get("subject"), "subject", required=True)))
    description = scrub(as_text(record.get("description"), "description"))
    comments = [(role, scrub(body)) for role, body in _comments(record.get("comments"))]
    resolution = scrub(as_text(record.get("resolution"), "resolution"))
    fields = {
        "doc_id": f"ticket-{ticket_id}",
        "title": subject,
        "url": scrub(as_text(record.get("url"), "url")),
        "product": scrub(as_text(record.get("product"), "product")),
        "tags": [scrub(tag) for tag in as_tags(record.get("tags"))],
        "owner": scrub(as_text(record.get("owner"), "owner")),
        "updated_at": as_date(record.get("solved_at"), "solved_at")
        or as_date(record.get("updated_at"), "updated_at"),
        "visibility": as_visibility(record.get("visibility"), "internal"),
    }
    return make_document(
        fields, render_ticket(subject, description, comments, resolution), "ticket", path
    )


def _comments(value: object) -> list[tuple[str, str]]:
    """(author_role, body) pairs in the order given."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise FieldError("comments", "must be a list of {author_role, body} objects")
    comments: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        field = f"comments[{index}]"
        comment = as_mapping(item, field)
        role = as_text(comment.get("author_role"), f"{field}.author_role", required=True).lower()
        if role not in ROLES:
            raise FieldError(
                f"{field}.author_role", f"'{role}' is not one of customer, agent, internal"
            )
        body = as_text(comment.get("body"), f"{field}.body")
        if body:
            comments.append((role, body))
    return comments


def render_ticket(
    subject: str, description: str, comments: list[tuple[str, str]], resolution: str
) -> str:
    """``# subject``, then Problem, Resolution and (when there are any) Internal notes."""
    problem = [description, *(body for role, body in comments if role == "customer")]
    agent = [body for role, body in comments if role == "agent"]
    notes = [body for role, body in comments if role == "internal"]
    answer = resolution or (agent[-1] if agent else "")
    parts = [f"# {subject}"]
    for heading, paragraphs in (
        (PROBLEM, problem),
        (RESOLUTION, [answer]),
        (INTERNAL_NOTES, notes),
    ):
        body = "\n\n".join(escape_headings(p.strip()) for p in paragraphs if p.strip())
        if body:
            parts += [f"## {heading}", body]
    return "\n\n".join(parts)
