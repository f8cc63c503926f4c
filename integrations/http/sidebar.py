"""The help-desk sidebar: one HTML page and its static files, served from inside the package.

``GET /sidebar`` is the page (a help desk may pass ticket context as ``?subject=&description=
&product=&tier=&question=&agent=``; the page then suggests right away). ``GET /sidebar/static/
{name}`` serves only the page's own files (``integrations.http.pages``); a help desk may show it
in a frame. The page calls the JSON API (``/v1/suggestions``) on the same origin;
``host.js`` is where that is decided, and the Zendesk app (``integrations/zendesk_app``) carries a
copy of these files with its own adapter (see docs/zendesk.md).
"""

from __future__ import annotations

from integrations.http.pages import STATIC_DIR, Page

PAGE = Page("/sidebar", STATIC_DIR, "sidebar.html", "sidebar", framed=True)
FILES = PAGE.files
router = PAGE.router("sidebar")
