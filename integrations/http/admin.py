"""The admin dashboard: ``GET /admin`` and its own static files (``admin.html``, ``admin.js``,
``admin.css`` in ``static/admin/``, apart from the sidebar's). The page is open like the sidebar;
everything it shows comes from the admin-only JSON endpoints (``/v1/analytics``, ``/v1/gaps``,
``/v1/flags``), called on the same origin with the key typed into the page, so an agent key sees
only a 403 message. Charts are SVG drawn by the page's own script; nothing is loaded from anywhere
else.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, Response

from assistant.errors import ErrorCode
from integrations.http.errors import error_response
from integrations.http.sidebar import STATIC_DIR

ADMIN_DIR = STATIC_DIR / "admin"
FILES = {
    name: ADMIN_DIR / name
    for name in ("admin.html", "admin.js", "admin.css")
    if (ADMIN_DIR / name).is_file()
}
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8"}
_TYPES[".js"] = "text/javascript; charset=utf-8"
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(tags=["admin"])


def _serve(name: str, headers: dict[str, str]) -> Response:
    path = FILES.get(name)
    if path is None:
        missing: JSONResponse = error_response(
            404, ErrorCode.NOT_FOUND, f"the dashboard has no file named {name!r}", _HEADERS
        )
        return missing
    return FileResponse(path, media_type=_TYPES[path.suffix], headers=headers)


@router.get("/admin", include_in_schema=False)
async def admin_page() -> Response:
    return _serve("admin.html", {**_HEADERS, "Content-Security-Policy": _CSP})


@router.get("/admin/static/{name}", include_in_schema=False)
async def admin_static(name: str) -> Response:
    return _serve(name, _HEADERS)
