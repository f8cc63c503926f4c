"""Zendesk Help Center articles, as the Help Center API lists them (``{"articles": [...]}``).

Each article becomes an ``article`` Document: ``title``, ``body`` (HTML, rendered like an HTML
article), ``html_url`` as its url, ``label_names`` as tags, ``updated_at``, and a visibility from
its ``user_segment_id`` (``ZendeskConfig.visibility_of``). Drafts are skipped and counted. When
the export holds the sections and categories, the article's section path (``Category > Section >
Subsection``) is kept in its metadata as ``breadcrumb``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.fields import FieldError, as_date, as_tags, as_text
from ingest.sources.files import Limits, make_document, too_long
from ingest.sources.html_render import parse_html_document, render_markdown
from ingest.sources.markdown import one_line, with_title_heading
from ingest.sources.zendesk_config import ZendeskConfig
from ingest.sources.zendesk_export import (
    Export,
    Record,
    article_key,
    record_id,
    record_line,
    records_of,
)

BREADCRUMB_SEPARATOR = " > "


def article_from_zendesk(
    article: Record,
    config: ZendeskConfig | None = None,
    source: Path | str = "zendesk:help_center",
    sections: Mapping[str, Record] | None = None,
    categories: Mapping[str, Record] | None = None,
) -> Document | None:
    """The Document for one Help Center article; None for a draft. Raises FieldError naming
    the first bad field."""
    config = config or ZendeskConfig()
    if record_id(article) is None:
        raise FieldError("id", "is required")
    draft = article.get("draft", False)
    if not isinstance(draft, bool):
        raise FieldError("draft", "must be true or false")
    if draft:
        return None
    title = one_line(as_text(article.get("title"), "title", required=True))
    html = as_text(article.get("body"), "body", required=True)
    body = render_markdown(parse_html_document(html))
    if not body.strip():
        raise FieldError("body", "has no text")
    fields: dict[str, Any] = {
        "doc_id": f"zendesk-article-{article_key(article)}",
        "title": title,
        "url": as_text(article.get("html_url"), "html_url"),
        "tags": as_tags(article.get("label_names"), "label_names"),
        "updated_at": as_date(article.get("updated_at"), "updated_at"),
        "visibility": config.visibility_of(article.get("user_segment_id")),
    }
    extra = {
        "breadcrumb": breadcrumb(article, sections or {}, categories or {}),
        "locale": as_text(article.get("locale"), "locale"),
    }
    return make_document(fields, with_title_heading(body, title), "article", Path(source), **extra)


def breadcrumb(
    article: Record, sections: Mapping[str, Record], categories: Mapping[str, Record]
) -> str:
    """``Category > Section > Subsection`` for the article's section, as far as it is known."""
    names: list[str] = []
    seen: set[str] = set()
    section = sections.get(str(article.get("section_id")))
    category = None
    while section is not None and str(section.get("id")) not in seen:
        seen.add(str(section.get("id")))
        names.insert(0, _name(section))
        category = section.get("category_id")
        parent = section.get("parent_section_id")
        section = sections.get(str(parent)) if parent is not None else None
    if category is not None and str(category) in categories:
        names.insert(0, _name(categories[str(category)]))
    return BREADCRUMB_SEPARATOR.join(name for name in names if name)


def _name(record: Record) -> str:
    value = record.get("name")
    return one_line(value) if isinstance(value, str) else ""


def parse_zendesk_articles(
    path: Path, text: str, data: Mapping[str, Any], export: Export, limits: Limits
) -> ParseResult:
    """The published articles of one List Articles response; drafts are counted as skipped."""
    result = ParseResult()
    for index, article in enumerate(records_of(data, "articles", path)):
        where = f"articles[{index}]"
        if not isinstance(article, dict):
            result.issues.append(
                IngestIssue(str(path), "an article must be an object", field=where)
            )
            continue
        aid = record_id(article) or "without id"
        if record_id(article) and not export.is_latest(
            "articles", article_key(article), path, index
        ):
            result.skipped += 1  # a later copy of the same article is read instead
            continue
        try:
            doc = article_from_zendesk(
                article, export.config, path, export.sections, export.categories
            )
        except FieldError as exc:
            name = f"{where}.{exc.field}"
            line = record_line(text, name, len(result.issues))
            result.issues.append(
                IngestIssue(str(path), f"{exc.message} (article {aid})", line, name)
            )
            continue
        if doc is None:
            result.skipped += 1
            continue
        problem = too_long(doc.text, limits)
        if problem:
            result.issues.append(IngestIssue(str(path), f"{problem} (article {aid})", field=where))
        else:
            result.documents.append(doc)
    return result
