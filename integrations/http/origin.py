"""The keyless local server answers only requests meant for it.

Without API keys anyone who can reach the server is trusted, so two browser tricks must not reach
it: a page on another site posting to it (a cross-origin form or upload needs no preflight), and a
hostile domain rebound to 127.0.0.1 (DNS rebinding: same-origin to the browser, but with a foreign
``Host``). A request whose ``Host`` is not an allowed host is refused (400), and a write whose
``Origin`` (or ``Sec-Fetch-Site``) says it comes from another site is refused (403). No CORS
header is ever granted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.errors import ErrorCode
from integrations.http.errors import error_response

_SAFE = {"GET", "HEAD", "OPTIONS"}


def _host(value: str) -> str:
    """The host part of a ``Host`` header or URL authority, lower case, without the port."""
    host = urlsplit(f"//{value}").hostname or ""
    return host.lower()


class LocalOnlyMiddleware:
    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.allowed = {_host(h) for h in allowed_hosts} | {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if _host(host) not in self.allowed:
            detail = f"host '{host[:100]}' is not served here (KBASSIST_ALLOWED_HOSTS)"
            await error_response(400, ErrorCode.BAD_INPUT, detail)(scope, receive, send)
            return
        if scope["method"] not in _SAFE and self._cross_site(headers, host):
            detail = "a write from another site is refused; use the API from this host"
            await error_response(403, ErrorCode.FORBIDDEN, detail)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _cross_site(headers: Headers, host: str) -> bool:
        if headers.get("sec-fetch-site", "") == "cross-site":
            return True
        origin = headers.get("origin")
        if origin is None:
            return False  # not a browser (curl, the CLI), or a same-origin GET
        return origin == "null" or urlsplit(origin).netloc.lower() != host.lower()
