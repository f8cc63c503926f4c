"""The help-desk sidebar: one HTML page and its static files, served from inside the package.

``GET /sidebar`` is the page (a help desk may pass ticket context as ``?subject=&description=
&product=&tier=&question=&agent=``; the page then suggests right away). ``GET /sidebar/static/
{name}`` serves only the page's own files, listed once at import: no path from the request ever
reaches the file system. The page calls the JSON API (``/v1/suggestions``) on the same origin;
``host.js`` is where that is decided, and the Zendesk app (``integrations/zendesk_app``) carries a
copy of these files with its own adapter (see docs/zendesk.md).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, Response

from assistant.errors import ErrorCode
from integrations.http.errors import error_response

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE = "sidebar.html"

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}

# Everything the page loads comes from this server; the ticket text in the page's URL is never
# sent to a cited site as a Referer.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'"
)
_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _static_files() -> dict[str, Path]:
    """The servable files by name: the page's HTML, CSS and JS, nothing else."""
    if not STATIC_DIR.is_dir():
        return {}
    return {
        p.name: p
        for p in sorted(STATIC_DIR.iterdir())
        if p.is_file() and p.suffix in _CONTENT_TYPES and not p.name.startswith(".")
    }


FILES = _static_files()

router = APIRouter(tags=["sidebar"])


def _not_found(detail: str) -> JSONResponse:
    return error_response(404, ErrorCode.NOT_FOUND, detail, _HEADERS)


def _serve(name: str, headers: dict[str, str]) -> Response:
    path = FILES.get(name)
    if path is None:
        return _not_found(f"the sidebar has no file named {name!r}")
    return FileResponse(path, media_type=_CONTENT_TYPES[path.suffix], headers=headers)


@router.get("/sidebar", include_in_schema=False)
async def sidebar_page() -> Response:
    return _serve(PAGE, {**_HEADERS, "Content-Security-Policy": _CSP})


@router.get("/sidebar/static/{name}", include_in_schema=False)
async def sidebar_static(name: str) -> Response:
    return _serve(name, _HEADERS)
