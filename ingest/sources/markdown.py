"""Small helpers for the Markdown renderings that parsers produce."""

from __future__ import annotations

import re

_HEADING_LIKE = re.compile(r"^([ \t]{0,3})(#{1,6}(?:[ \t]|$))", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def escape_headings(text: str) -> str:
    """Keep free text from starting a section: ``# x`` lines become ``\\# x``."""
    return _HEADING_LIKE.sub(r"\1\\\2", text)


def one_line(text: str) -> str:
    """Text with every run of whitespace (newlines included) collapsed to one space."""
    return _SPACE.sub(" ", text).strip()


def with_title_heading(body: str, title: str) -> str:
    """The body, headed by ``# title`` unless its first line already is an h1."""
    body = body.strip("\n")
    first = next((line for line in body.split("\n") if line.strip()), "")
    if re.match(r"^ {0,3}#[ \t]+\S", first):
        return body
    heading = f"# {one_line(title)}"
    return f"{heading}\n\n{body}" if body.strip() else heading
