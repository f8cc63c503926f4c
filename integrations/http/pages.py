"""The web pages this server hosts (the sidebar, the admin dashboard, the review page): each is
one HTML page and its own static files, served from inside the package.

``GET /<page>`` is the page and ``GET /<page>/static/{name}`` serves only the page's own files,
listed once at import: no path from the request ever reaches the file system. Everything a page
loads comes from this server, and a page's URL (which may carry ticket text) is never sent to a
cited site as a Referer.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, Response

from assistant.errors import ErrorCode
from integrations.http.errors import error_response

STATIC_DIR = Path(__file__).resolve().parent / "static"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def files_in(directory: Path) -> dict[str, Path]:
    """The servable files of a page's folder by name: its HTML, CSS and JS, nothing else."""
    if not directory.is_dir():
        return {}
    return {
        p.name: p
        for p in sorted(directory.iterdir())
        if p.is_file() and p.suffix in CONTENT_TYPES and not p.name.startswith(".")
    }


class Page:
    """One page: ``label`` names it in a 404, ``framed`` lets a help desk show it in a frame
    (the sidebar); the other pages refuse to be framed."""

    def __init__(self, path: str, directory: Path, html: str, label: str, framed: bool) -> None:
        self.path = path
        self.files = files_in(directory)
        self.html = html
        self.label = label
        self.csp = _CSP if framed else f"{_CSP}; frame-ancestors 'none'"

    def serve(self, name: str, headers: dict[str, str]) -> Response:
        path = self.files.get(name)
        if path is None:
            missing: JSONResponse = error_response(
                404, ErrorCode.NOT_FOUND, f"the {self.label} has no file named {name!r}", HEADERS
            )
            return missing
        return FileResponse(path, media_type=CONTENT_TYPES[path.suffix], headers=headers)

    def router(self, tag: str) -> APIRouter:
        router = APIRouter(tags=[tag])

        @router.get(self.path, include_in_schema=False)
        async def page() -> Response:
            return self.serve(self.html, {**HEADERS, "Content-Security-Policy": self.csp})

        @router.get(f"{self.path}/static/{{name}}", include_in_schema=False)
        async def static(name: str) -> Response:
            return self.serve(name, HEADERS)

        return router
