"""API keys: which teams a key may see. Keys are compared in constant time and never logged;
a caller is named by a short fingerprint of its key instead."""

from __future__ import annotations

import hashlib
import hmac


def teams_for_key(keys: dict[str, list[str]], given: str | None) -> list[str] | None:
    """The teams of the configured key equal to ``given``, or None when none is."""
    if not given:
        return None
    found: list[str] | None = None
    for key, teams in keys.items():
        if hmac.compare_digest(key.encode(), given.encode()):
            found = teams
    return found


def fingerprint(key: str) -> str:
    """A short, non-reversible name for a key (safe to log and to record as the asker)."""
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:10]
