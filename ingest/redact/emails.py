"""E-mail addresses: dot-atom or quoted local parts, at a domain name or an address literal.

``maria.lopez@example.org``, ``"john doe"@example.com``, ``user@[192.168.0.1]`` and
``user@[IPv6:2001:db8::1]`` are each one address (RFC 5321's forms, quotes and brackets included).
"""

from __future__ import annotations

import re

from ingest.redact.spans import Span

_DOT_ATOM = r"(?<![\w.%+-])[\w.%+-]+"
_QUOTED = r'(?<![\w"])"(?:[^"\\\r\n]|\\.){1,64}"'
_DOMAIN = r"(?:[^\W_][\w-]*\.)+[^\W\d_]{2,63}(?![\w-])"
_LITERAL = r"\[(?:IPv6:[0-9A-Fa-f:.]{2,45}|[0-9]{1,3}(?:\.[0-9]{1,3}){3})\]"
_EMAIL = re.compile(rf"(?:{_QUOTED}|{_DOT_ATOM})@(?:{_DOMAIN}|{_LITERAL})")


def email_spans(text: str) -> list[Span]:
    return [match.span() for match in _EMAIL.finditer(text)]
