"""Who may see what: document visibility and the caller's audience.

A document's visibility is ``public``, ``internal`` or ``team:a,b``. Each chunk carries flag keys
derived from it (``vis_public``, ``vis_internal``, ``vis_team_<name>``) so that a store can filter
on them *before* ranking, and a caller is described by an ``Audience``.
"""

from __future__ import annotations

import re

from assistant.types import Audience

__all__ = [
    "Audience",
    "VisibilityError",
    "parse_visibility",
    "stricter",
    "teams_of",
    "visibility_flags",
]

_TEAM = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class VisibilityError(ValueError):
    """A visibility value that is not one of the accepted forms."""


def parse_visibility(value: object, default: str = "public") -> str:
    """Normalise a visibility value; raise ``VisibilityError`` with a readable reason."""
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise VisibilityError(
            f"must be 'public', 'internal' or 'team:NAME[,NAME]', got {type(value).__name__}"
        )
    text = value.strip().lower()
    if text in ("public", "internal"):
        return text
    if text.startswith("team:"):
        teams = sorted({t.strip() for t in text[5:].split(",") if t.strip()})
        bad = [t for t in teams if not _TEAM.match(t)]
        if not teams or bad:
            raise VisibilityError(f"'{value}' names no valid team (letters, digits, - and _)")
        return "team:" + ",".join(teams)
    raise VisibilityError(f"'{value}' is not 'public', 'internal' or 'team:NAME[,NAME]'")


def teams_of(visibility: str) -> tuple[str, ...]:
    return tuple(visibility[5:].split(",")) if visibility.startswith("team:") else ()


def visibility_flags(visibility: str) -> dict[str, bool]:
    """The flag keys a chunk of this visibility carries (all True; absent means not allowed)."""
    if visibility == "public":
        return {"vis_public": True, "vis_internal": True}
    if visibility == "internal":
        return {"vis_internal": True}
    return {f"vis_team_{team}": True for team in teams_of(visibility)}


def stricter(a: str, b: str) -> str:
    """The more restrictive of two visibilities (used for internal notes of a ticket)."""
    rank = {"public": 0, "internal": 1}
    return a if rank.get(a, 2) >= rank.get(b, 2) else b
