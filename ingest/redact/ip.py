"""IPv4 and IPv6 addresses; a four-part version number ("version 1.2.3.4", "v10.0.0.1") is kept."""

from __future__ import annotations

import ipaddress
import re

from ingest.redact.spans import Span, mask

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?!\w|\.[0-9])")
# A candidate only; ipaddress decides.
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}"
    r"(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]{1,4})?(?!\w|\.[0-9])"
)
# Words right before a dotted quad that make it a version, not an address.
_VERSION_CUE = re.compile(
    r"(?<!\w)(?:version|ver\.?|v\.?|build|release|rel\.?|firmware|fw|revision|rev\.?|patch"
    r"|sdk|os|ios|android|driver|bios|kernel)\s*[:#]?\s*$",
    re.IGNORECASE,
)


def ip_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for match in _IPV6.finditer(text):
        end = _ipv6_end(match.group(), match.start())
        if end is not None:
            spans.append((match.start(), end))
    masked = mask(text, spans)
    spans += [
        match.span()
        for match in _IPV4.finditer(masked)
        if _VERSION_CUE.search(masked, max(0, match.start() - 20), match.start()) is None
    ]
    return sorted(spans)


def _ipv6_end(candidate: str, start: int) -> int | None:
    """End of the IPv6 address in ``candidate`` (a sentence's ':' may trail it), else None."""
    for address in (candidate, candidate[:-1] if candidate.endswith(":") else ""):
        if not any(char.isdigit() for char in address):
            continue  # "add::", "cafe::beef": words, not addresses
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            continue
        return start + len(address)
    return None
