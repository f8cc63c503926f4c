"""Turning the body of a help-center HTML page into the Markdown-ish text that chunking reads.

Headings h1-h4 become ``#`` lines, list items ``- `` or ``1. `` lines (nested lists indented),
table rows ``a | b`` lines (a header row ruled off), a definition list ``term: definition``
lines, ``<pre>`` a fenced block, and every other block a paragraph; blocks are separated by
blank lines. Scripts, styles, navigation, headers and footers are dropped.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction
from bs4.element import NavigableString, PageElement, Tag

from ingest.sources.markdown import escape_headings

DROPPED = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "iframe"}
)
_NOT_BODY = frozenset({"head", "title", "meta", "link", "base"})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "form", "h5", "h6", "hr", "main", "p", "section",
        "summary", "body", "html",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def parse_html_document(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def inline_text(element: PageElement, skip: frozenset[str] = frozenset()) -> str:
    """The text of an element on one line, whitespace collapsed, dropped elements left out."""
    parts: list[str] = []
    _collect(element, parts, skip)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _collect(element: PageElement, parts: list[str], skip: frozenset[str]) -> None:
    if isinstance(element, NavigableString):
        if not isinstance(element, _SKIPPED_STRINGS):
            parts.append(str(element))
        return
    if not isinstance(element, Tag) or element.name in DROPPED or element.name in skip:
        return
    if element.name in ("br", "td", "th", "li", "p", "div"):
        parts.append(" ")
    for child in element.children:
        _collect(child, parts, skip)


class _Renderer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.inline)).strip()
        self.inline.clear()
        if text:
            self.blocks.append(escape_headings(text))

    def block(self, text: str) -> None:
        self.flush()
        if text.strip():
            self.blocks.append(text)

    def walk(self, element: PageElement) -> None:
        if isinstance(element, NavigableString):
            if not isinstance(element, _SKIPPED_STRINGS):
                self.inline.append(str(element))
            return
        if not isinstance(element, Tag) or element.name in DROPPED or element.name in _NOT_BODY:
            return
        name = element.name
        if name in HEADINGS:
            title = inline_text(element)
            self.block(f"{'#' * HEADINGS[name]} {title}" if title else "")
        elif name in ("ul", "ol"):
            self.block("\n".join(_list_lines(element, 0)))
        elif name == "table":
            self.block(escape_headings(_table(element)))
        elif name == "dl":
            self.block(escape_headings(_definitions(element)))
        elif name == "pre":
            code = element.get_text().strip("\n")
            self.block(f"```\n{code}\n```" if code.strip() else "")
        elif name == "br":
            self.inline.append(" ")
        elif name in _BLOCKS:
            self.flush()
            for child in element.children:
                self.walk(child)
            self.flush()
        else:
            for child in element.children:
                self.walk(child)


def _list_lines(element: Tag, depth: int) -> list[str]:
    ordered = element.name == "ol"
    start = element.get("start")
    number = int(start) if isinstance(start, str) and start.strip().isdigit() else 1
    lines: list[str] = []
    for item in element.find_all("li", recursive=False):
        text = inline_text(item, skip=frozenset({"ul", "ol"}))
        marker = f"{number}." if ordered else "-"
        if text:
            lines.append(f"{'  ' * depth}{marker} {text}")
            number += 1
        for sub in _sublists(item):
            lines.extend(_list_lines(sub, depth + 1))
    return lines


def _sublists(element: Tag) -> list[Tag]:
    found: list[Tag] = []
    for child in element.children:
        if isinstance(child, Tag) and child.name not in DROPPED:
            found.extend([child] if child.name in ("ul", "ol") else _sublists(child))
    return found


def _definitions(element: Tag) -> str:
    """A definition list as ``term: definition`` lines, one per definition."""
    lines: list[str] = []
    term = ""
    for child in element.find_all(["dt", "dd"]):
        text = inline_text(child)
        if child.name == "dt":
            term = text
        elif text:
            lines.append(f"{term}: {text}" if term else text)
    return "\n".join(lines)


def _table(element: Tag) -> str:
    """Rows as ``a | b`` lines; a first row of header cells (``th`` only) gets a Markdown rule
    under it, so each later row can be read with its column names."""
    rows: list[str] = []
    for row in element.find_all("tr"):
        cells = [inline_text(cell) for cell in row.find_all(["td", "th"], recursive=False)]
        if any(cells):
            rows.append(" | ".join(cells))
            if len(rows) == 1 and not row.find_all("td", recursive=False):
                rows.append(" | ".join("---" for _ in cells))
    return "\n".join(rows)


def render_markdown(element: PageElement) -> str:
    """The Markdown-ish rendering of an element's content (blocks separated by blank lines)."""
    renderer = _Renderer()
    renderer.walk(element)
    renderer.flush()
    return "\n\n".join(renderer.blocks)
