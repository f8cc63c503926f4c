"""The parameters of an analytics request, parsed with errors that name the field.

``since`` is a duration back from now (``90m``, ``12h``, ``30d``, ``2w``) or an ISO date or
date-time (``2026-11-01``, taken as UTC); ``group_by`` is one of ``GROUPS``; ``team`` narrows to
the suggestions asked by that team.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, cast, get_args

from assistant.errors import ErrorCode, KbassistError

GroupBy = Literal["team", "channel", "source_type", "product", "document", "day"]
GROUPS: tuple[GroupBy, ...] = get_args(GroupBy)
DEFAULT_SINCE = "30d"
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_TEAM = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Window:
    """Suggestions made at or after ``since`` and before ``until`` (UTC)."""

    since: datetime
    until: datetime

    def to_dict(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}


@dataclass(frozen=True)
class Scope:
    """What an analytics request covers: a window, the asker's team (None: every team) and how
    suggestions are grouped."""

    window: Window
    team: str | None = None
    group_by: GroupBy = "team"
    limit: int = field(default=50)  # documents listed per list (the rest are counted)


def parse_since(value: str | None, now: datetime | None = None) -> datetime:
    """The start of a window: ``value`` back from ``now``, or the date or date-time given."""
    now = now or datetime.now(UTC)
    text = (value or DEFAULT_SINCE).strip()
    found = _DURATION.match(text)
    if found:
        amount, unit = int(found.group(1)), _UNITS[found.group(2).lower()]
        return now - timedelta(**{unit: amount})
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"since: '{text[:40]}' is not a duration such as 30d, 12h, 2w or 90m, "
            "nor a date such as 2026-11-01",
        ) from None
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    if start > now:
        raise KbassistError(ErrorCode.BAD_INPUT, f"since: {text} is in the future")
    return start


def parse_group_by(value: str | None) -> GroupBy:
    text = (value or "team").strip().lower().replace("-", "_")
    if text not in GROUPS:
        raise KbassistError(
            ErrorCode.BAD_INPUT, f"group_by: '{text[:40]}' is not one of {', '.join(GROUPS)}"
        )
    return cast(GroupBy, text)


def parse_team(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip().lower()
    if not _TEAM.match(text):
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"team: '{text[:40]}' is not a team name (letters, digits, - and _)",
        )
    return text


def scope(
    since: str | None = None,
    team: str | None = None,
    group_by: str | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> Scope:
    """A ``Scope`` from the raw strings of a command line or a query string."""
    now = now or datetime.now(UTC)
    if not 1 <= limit <= 1000:
        raise KbassistError(ErrorCode.BAD_INPUT, f"limit: {limit} is not between 1 and 1000")
    window = Window(parse_since(since, now), now)
    return Scope(window, parse_team(team), parse_group_by(group_by), limit)
