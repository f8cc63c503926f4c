"""Plain-text (``.txt``) and reStructuredText (``.rst``) documents, with no front matter.

The doc_id comes from the file name (``Getting Started.rst`` -> ``text-getting-started``), so a
file ingested from a folder and the same file uploaded are one document. The title is an ``.rst``
document's first section title, else the file name without its extension. ``.rst`` section
titles (underlined, or over- and underlined, with any of the adornment characters) become
Markdown headings, levels in the order the styles first appear; everything else is kept as text.
Visibility is ``internal``: a file with no metadata is never quoted to a customer.
"""

from __future__ import annotations

import re
from pathlib import Path

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.fields import FieldError, as_id
from ingest.sources.files import Limits, SourceError, make_document, read_text, to_issue, too_long
from ingest.sources.markdown import escape_headings, one_line, with_title_heading

SOURCE_TYPE = "text"
# A line of one repeated punctuation character (docutils' adornment characters).
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1*[ \t]*$")
_HEADING = re.compile(r"^#{1,6} ")
_EXTRA_BLANKS = re.compile(r"\n(?:[ \t]*\n){2,}")
_NOT_ID = re.compile(r"[^\w]+")
_MAX_LEVEL = 4  # the chunker splits at # to ####


def parse_txt(path: Path, limits: Limits) -> ParseResult:
    """One document from a plain-text file: its paragraphs under the file name as title."""
    return _one(path, limits, rst=False)


def parse_rst(path: Path, limits: Limits) -> ParseResult:
    """One document from a reStructuredText file, split at its section titles."""
    return _one(path, limits, rst=True)


def _one(path: Path, limits: Limits, rst: bool) -> ParseResult:
    result = ParseResult()
    try:
        result.documents.append(_document(path, read_text(path, limits), limits, rst))
    except (SourceError, FieldError) as exc:
        result.issues.append(to_issue(path, exc))
    return result


def _document(path: Path, text: str, limits: Limits, rst: bool) -> Document:
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError(IngestIssue(str(path), "binary data (NUL bytes), not text", line=line))
    body, titles = rst_to_markdown(text) if rst else (escape_headings(text), [])
    title = titles[0] if titles else one_line(path.stem)
    rendered = body.strip("\n") if titles else with_title_heading(body, title)
    if not any(line.strip() and not _HEADING.match(line) for line in rendered.split("\n")):
        raise SourceError(IngestIssue(str(path), "the document has no text, only titles"))
    problem = too_long(rendered, limits)
    if problem:
        raise SourceError(IngestIssue(str(path), problem))
    fields = {"doc_id": doc_id_for(path), "title": title, "visibility": "internal"}
    return make_document(fields, rendered, SOURCE_TYPE, path)


def doc_id_for(path: Path) -> str:
    """``text-`` and the file name without its extension, lower-cased, other runs made ``-``."""
    slug = _NOT_ID.sub("-", path.stem.lower()).strip("-_")
    if not slug:
        raise FieldError("id", f"cannot be made from the file name '{path.name}'")
    return as_id(f"text-{slug}")


def rst_to_markdown(text: str) -> tuple[str, list[str]]:
    """The text with each section title made a Markdown heading, and the titles in order.

    Transitions (a lone adornment line) are dropped; other lines are kept (``#`` lines escaped).
    """
    lines = text.split("\n")
    styles: list[tuple[str, bool]] = []  # (character, overlined), in order of first use
    titles: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(lines):
        found = _title_at(lines, i)
        if found is not None:
            title, style, used = found
            if style not in styles:
                styles.append(style)
            level = min(styles.index(style) + 1, _MAX_LEVEL)
            titles.append(title)
            out += ["", f"{'#' * level} {title}", ""]
            i += used
            continue
        line = lines[i]
        if not (_is_adornment(line, 4) and _blank(lines, i - 1) and _blank(lines, i + 1)):
            out.append(escape_headings(line))
        i += 1
    return _EXTRA_BLANKS.sub("\n\n", "\n".join(out)), titles


def _title_at(lines: list[str], i: int) -> tuple[str, tuple[str, bool], int] | None:
    """(title, style, lines used) when a section title starts at line ``i``."""
    if not _blank(lines, i - 1):
        return None
    line = lines[i]
    if _is_adornment(line, 1) and i + 2 < len(lines):  # overline, title, underline
        title, under = lines[i + 1].strip(), lines[i + 2].rstrip()
        same = under == line.rstrip()
        if title and same and not _is_adornment(lines[i + 1], 1) and len(under) >= len(title):
            return one_line(title), (line[0], True), 3
        return None
    if i + 1 >= len(lines) or not line.strip() or line[0].isspace():
        return None
    under = lines[i + 1].rstrip()
    title = line.strip()
    # docutils: an underline shorter than its title still counts from four characters on
    if _is_adornment(under, 1) and (len(under) >= len(title) or len(under) >= 4):
        if _is_adornment(line, 1):
            return None
        return one_line(title), (under[0], False), 2
    return None


def _is_adornment(line: str, min_length: int) -> bool:
    return len(line.rstrip()) >= min_length and _ADORNMENT.match(line) is not None


def _blank(lines: list[str], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i].strip()
