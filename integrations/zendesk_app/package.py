"""Write the Zendesk app's copy of the sidebar: ``python integrations/zendesk_app/sync_assets.py``.

A Zendesk app is the static files of its package, so the app carries the sidebar page of
``integrations/http/static``: the same scripts and styles, and ``assets/iframe.html``, which is
``sidebar.html`` with local paths, the vendored ZAF SDK loaded before ``host.js`` (so the Zendesk
adapter is chosen) and a Content-Security-Policy that lets the page itself make no network call
(every call to kbassist goes through the ZAF client). A test fails while the copies differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent
ASSETS = APP / "assets"
STATIC = APP.parent / "http" / "static"
COPIED = ("sidebar.css", "markdown.js", "host.js", "sidebar.js")
PAGE = "iframe.html"
SDK = "zaf_sdk.js"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'"
)


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"sidebar.html: expected {old!r} exactly once, found {text.count(old)}")
    return text.replace(old, new)


def iframe_page(sidebar_html: str) -> str:
    """The app's iframe page from the sidebar page."""
    page = sidebar_html.replace('"sidebar/static/', '"')
    referrer = '<meta name="referrer" content="no-referrer">'
    csp = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    page = _replace_once(page, referrer, f"{referrer}\n  {csp}")
    host = '<script src="host.js" defer></script>'
    return _replace_once(page, host, f'<script src="{SDK}" defer></script>\n  {host}')


def expected() -> dict[str, bytes]:
    """What the app's assets must hold of the sidebar, by file name."""
    files = {name: (STATIC / name).read_bytes() for name in COPIED}
    files[PAGE] = iframe_page((STATIC / "sidebar.html").read_text(encoding="utf-8")).encode()
    return files


def main() -> int:
    for name, content in expected().items():
        target = ASSETS / name
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)
            print(f"updated {target.relative_to(APP.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
