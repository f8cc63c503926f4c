"""Help-center articles: Markdown with YAML front matter, or an HTML export page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag
from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.fields import FieldError, common_fields
from ingest.sources.files import Limits, SourceError, make_document, read_text, to_issue, too_long
from ingest.sources.html_render import inline_text, render_markdown
from ingest.sources.markdown import with_title_heading
from ingest.sources.yamlio import YamlError, load_yaml, locate

_FENCES = ("---", "...")


def _one_article(
    path: Path, limits: Limits, build: Callable[[Path, str, Limits], Document]
) -> ParseResult:
    result = ParseResult()
    try:
        result.documents.append(build(path, read_text(path, limits), limits))
    except (SourceError, FieldError, YamlError) as exc:
        result.issues.append(to_issue(path, exc))
    return result


def parse_markdown(path: Path, limits: Limits) -> ParseResult:
    """One article from a Markdown file with YAML front matter between ``---`` lines."""
    return _one_article(path, limits, _markdown_document)


def _markdown_document(path: Path, text: str, limits: Limits) -> Document:
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise SourceError(
            IngestIssue(str(path), "no YAML front matter: the first line must be '---'", line=1)
        )
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _FENCES), None)
    if end is None:
        raise SourceError(
            IngestIssue(str(path), "front matter is not closed by a '---' line", line=1)
        )
    front = "\n".join(lines[1:end])
    raw = load_yaml(front, first_line=2)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SourceError(
            IngestIssue(str(path), "front matter must be a mapping of fields", line=2)
        )
    try:
        fields = common_fields(raw, default_visibility="public")
    except FieldError as exc:
        exc.line = locate(front, exc.field, first_line=2)
        raise
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        raise SourceError(IngestIssue(str(path), "the article has no body text", line=end + 2))
    return _document(path, fields, body, limits)


def _document(path: Path, fields: dict[str, Any], body: str, limits: Limits) -> Document:
    text = with_title_heading(body, fields["title"])
    problem = too_long(text, limits)
    if problem:
        raise SourceError(IngestIssue(str(path), problem))
    return make_document(fields, text, "article", path)


def parse_html(path: Path, limits: Limits) -> ParseResult:
    """One article from a help-center HTML export page (metadata in ``kb:`` meta tags)."""
    return _one_article(path, limits, _html_document)


def _html_document(path: Path, text: str, limits: Limits) -> Document:
    soup = BeautifulSoup(text, "html.parser")
    metas: dict[str, Tag] = {}
    for meta in soup.find_all("meta"):
        name = meta.get("name")
        if isinstance(name, str) and name.lower().startswith("kb:"):
            metas.setdefault(name[3:].strip().lower(), meta)
    raw: dict[str, Any] = {key: _content(tag) for key, tag in metas.items()}
    container = soup.find("article") or soup.body or soup
    if not raw.get("title"):
        heading = container.find("h1") if isinstance(container, Tag) else None
        title_tag = soup.title if soup.title is not None else heading
        raw["title"] = inline_text(title_tag) if title_tag is not None else None
    canonical = _canonical(soup)
    if canonical:
        raw["url"] = canonical
    try:
        fields = common_fields(raw, default_visibility="public")
    except FieldError as exc:
        tag = metas.get(exc.field)
        exc.line = tag.sourceline if tag is not None else None
        raise
    body = render_markdown(container)
    if not body.strip():
        raise SourceError(IngestIssue(str(path), "the article has no body text"))
    return _document(path, fields, body, limits)


def _content(tag: Tag) -> str | None:
    content = tag.get("content")
    return content if isinstance(content, str) else None


def _canonical(soup: BeautifulSoup) -> str:
    for link in soup.find_all("link"):
        rel = link.get("rel")
        rels: list[str] = [rel] if isinstance(rel, str) else list(rel or [])
        href = link.get("href")
        if "canonical" in (r.lower() for r in rels) and isinstance(href, str) and href.strip():
            return href.strip()
    return ""
