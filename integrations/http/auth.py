"""API keys: which teams a key may see and what it may change. Keys are compared in constant time
and never logged; a caller is named by a short fingerprint of its key instead."""

from __future__ import annotations

import hashlib
import hmac

from assistant.settings import ApiKey, HttpSettings


def key_for(http: HttpSettings, given: str | None) -> ApiKey | None:
    """The configured key equal to ``given``, or None when none is."""
    if not given:
        return None
    found: str | None = None
    for key in http.api_keys:
        if hmac.compare_digest(key.encode(), given.encode()):
            found = key
    return None if found is None else http.key(found)


def fingerprint(key: str) -> str:
    """A short, non-reversible name for a key (safe to log and to record as the asker)."""
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:10]
