"""Checking and normalising the fields that parsers read from front matter, meta tags and records.

Every check raises ``FieldError`` naming the field, so that a parser can turn it into an
``IngestIssue`` and leave the document out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from assistant.access import VisibilityError, parse_visibility

_ID_FORBIDDEN = re.compile(r"\s|::")


class FieldError(ValueError):
    """A field that is missing or has the wrong type or form."""

    def __init__(self, field: str, message: str, line: int | None = None) -> None:
        super().__init__(f"field '{field}': {message}")
        self.field = field
        self.message = message
        self.line = line


def _type_name(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def as_text(value: object, field: str, *, required: bool = False) -> str:
    """A string field; numbers are accepted and written as strings. Missing gives ""."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(field, "is required" if value is None else "is empty")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(field, f"must be a string, got {_type_name(value)}")
    return str(value).strip()


def as_id(value: object, field: str = "id") -> str:
    """A document id: a non-empty string (or integer) without whitespace or '::'."""
    if isinstance(value, float):
        raise FieldError(field, f"must be a string or an integer, got {value!r}")
    text = as_text(value, field, required=True)
    if _ID_FORBIDDEN.search(text):
        raise FieldError(field, f"'{text}' must not contain whitespace or '::'")
    return text


def as_tags(value: object, field: str = "tags") -> list[str]:
    """A list of strings, or one comma-separated string; duplicates and blanks dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list):
        items = list(value)
    else:
        raise FieldError(field, f"must be a list of strings, got {_type_name(value)}")
    tags: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise FieldError(field, "must be a list of strings")
        for part in str(item).split(","):
            tag = part.strip()
            if tag and tag not in tags:
                tags.append(tag)
    return tags


def as_date(value: object, field: str) -> str:
    """An ISO date or date-time, normalised to YYYY-MM-DD; missing gives ""."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date().isoformat()
        except ValueError:
            pass
        raise FieldError(field, f"'{text}' is not an ISO date (YYYY-MM-DD)")
    raise FieldError(field, f"must be an ISO date (YYYY-MM-DD), got {_type_name(value)}")


def as_visibility(value: object, default: str) -> str:
    try:
        return parse_visibility(value, default=default)
    except VisibilityError as exc:
        raise FieldError("visibility", str(exc)) from exc


def as_mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise FieldError(field, f"must be a mapping, got {_type_name(value)}")
    return value


def common_fields(raw: Mapping[str, Any], default_visibility: str) -> dict[str, Any]:
    """The document fields shared by articles and playbooks, checked and normalised."""
    return {
        "doc_id": as_id(raw.get("id")),
        "title": as_text(raw.get("title"), "title", required=True),
        "url": as_text(raw.get("url"), "url"),
        "product": as_text(raw.get("product"), "product"),
        "tags": as_tags(raw.get("tags")),
        "owner": as_text(raw.get("owner"), "owner"),
        "updated_at": as_date(raw.get("updated_at"), "updated_at"),
        "review_by": as_date(raw.get("review_by"), "review_by"),
        "visibility": as_visibility(raw.get("visibility"), default_visibility),
    }
