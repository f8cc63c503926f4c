"""The admin dashboard: ``GET /admin`` and its own static files (``admin.html``, ``admin.js``,
``admin.css`` in ``static/admin/``, apart from the sidebar's). The page is open like the sidebar;
everything it shows comes from the admin-only JSON endpoints (``/v1/analytics``, ``/v1/gaps``,
``/v1/flags``), called on the same origin with the key typed into the page, so an agent key sees
only a 403 message. Charts are SVG drawn by the page's own script; nothing is loaded from anywhere
else.
"""

from __future__ import annotations

from integrations.http.pages import STATIC_DIR, Page

PAGE = Page("/admin", STATIC_DIR / "admin", "admin.html", "dashboard", framed=False)
FILES = PAGE.files
router = PAGE.router("admin")
