"""Build the Zendesk app package: ``kbassist zendesk-app DEST`` (or ``build(dest)``).

A Zendesk app is the static files of its package. This folder holds the app's own files
(``manifest.json``, ``translations/``, the vendored ZAF SDK and the logos); the sidebar page comes
from ``integrations/http/static`` when the package is built, so it is never kept twice:
``assets/iframe.html`` is ``sidebar.html`` with local paths, the ZAF SDK loaded before ``host.js``
(so the Zendesk adapter is chosen) and a Content-Security-Policy that lets the page itself make no
network call (every call to kbassist goes through the ZAF client).
"""

from __future__ import annotations

import shutil
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


def sidebar_assets() -> dict[str, bytes]:
    """The sidebar's files the app carries, and its iframe page, by file name."""
    files = {name: (STATIC / name).read_bytes() for name in COPIED}
    files[PAGE] = iframe_page((STATIC / "sidebar.html").read_text(encoding="utf-8")).encode()
    return files


def build(dest: Path) -> Path:
    """Write the whole app package to ``dest`` (a new or empty folder); returns ``dest``, ready
    to zip with ``manifest.json`` at the top."""
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(APP / "manifest.json", dest / "manifest.json")
    shutil.copytree(APP / "translations", dest / "translations")
    shutil.copytree(ASSETS, dest / "assets")
    for name, content in sidebar_assets().items():
        (dest / "assets" / name).write_bytes(content)
    return dest
