"""Documentation-site pages: Markdown as Hugo, Jekyll, MkDocs and Docusaurus keep it.

A page needs no id: it is ``<root name>/<path under the root>`` (``hugo/about/_index.md``) unless
its front matter has one. Front matter (YAML between ``---`` lines, TOML between ``+++`` lines,
or none) gives:

- title: ``title``, else the first ``#`` heading, else the file (or bundle folder) name;
- ``description`` or ``summary``: indexed with the first chunk, under the title;
- ``keywords``, ``tags`` and ``categories``: tags; ``date``/``lastmod``/``updated``: updated_at
  (the latest of them); ``aliases``: kept (comma-joined);
- the URL: ``url`` or ``permalink`` (a path is joined to the base URL), else the base URL plus
  the page's path, with ``slug`` replacing its last part (``a/b.md``, ``a/b/index.md`` and
  ``a/b/_index.md`` are all ``<base>a/b/``);
- ``draft: true``: the page is skipped and counted, with the reason.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urljoin

from llama_index.core.schema import Document

from ingest.model import IngestIssue
from ingest.sources.docsite_clean import clean_markdown, first_heading
from ingest.sources.fields import FieldError, as_date, as_id, as_tags, as_text, as_visibility
from ingest.sources.files import Limits, SourceError, make_document, read_text, too_long
from ingest.sources.markdown import one_line, with_title_heading
from ingest.sources.source_config import SourceRoot
from ingest.sources.yamlio import load_yaml, locate

SOURCE_TYPE = "docs"
INDEX_NAMES = ("index", "_index", "readme")
_TAG_KEYS = ("keywords", "tags", "categories")
_DATE_KEYS = ("lastmod", "updated", "last_update", "date")


class Skipped(Exception):
    """A page deliberately left out (a draft); carries the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_page(path: Path, root: SourceRoot, limits: Limits) -> Document:
    """One docs page; raises SourceError/FieldError/YamlError for a bad one, Skipped for a draft."""
    text = read_text(path, limits)
    raw, body, front, first_line = split_front_matter(path, text)
    try:
        fields = page_fields(raw, body, path, root)
    except FieldError as exc:
        exc.line = locate(front, exc.field, first_line=first_line) if front else None
        raise
    if _truthy(raw.get("draft")):
        raise Skipped("draft: true")
    cleaned = clean_markdown(body, base_url=fields["url"] or root.options.base_url or "")
    description = one_line(as_text(raw.get("description") or raw.get("summary"), "description"))
    rendered = with_title_heading(cleaned, fields["title"])
    if description:
        head, _, rest = rendered.partition("\n")
        rendered = f"{head}\n\n{description}\n{rest}".rstrip("\n")
    if not cleaned.strip() and not description:
        raise SourceError(IngestIssue(str(path), "the page has no text"))
    problem = too_long(rendered, limits)
    if problem:
        raise SourceError(IngestIssue(str(path), problem))
    aliases = as_tags(raw.get("aliases"), "aliases")
    return make_document(fields, rendered, SOURCE_TYPE, path, aliases=",".join(aliases))


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, str, int]:
    """(fields, body, front matter text, its first line); a page without front matter is all
    body. Raises SourceError/YamlError."""
    lines = text.split("\n")
    fence = lines[0].strip()
    if fence not in ("---", "+++"):
        return {}, text, "", 1
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (fence, "...")), None)
    if end is None:
        raise SourceError(
            IngestIssue(str(path), f"front matter is not closed by a '{fence}' line", line=1)
        )
    front = "\n".join(lines[1:end])
    if fence == "+++":
        try:
            raw: Any = tomllib.loads(front)
        except tomllib.TOMLDecodeError as exc:
            raise SourceError(IngestIssue(str(path), f"invalid TOML: {exc}", line=2)) from exc
    else:
        raw = load_yaml(front, first_line=2) or {}
    if not isinstance(raw, dict):
        raise SourceError(
            IngestIssue(str(path), "front matter must be a mapping of fields", line=2)
        )
    return raw, "\n".join(lines[end + 1 :]), front, 2


def page_fields(raw: Mapping[str, Any], body: str, path: Path, root: SourceRoot) -> dict[str, Any]:
    """The document fields of a page, checked; raises FieldError naming the field."""
    relative = root.relative(path)
    options = root.options
    title = as_text(raw.get("title"), "title") or first_heading(body) or _name_title(relative)
    tags: list[str] = []
    for key in _TAG_KEYS:
        tags += [tag for tag in as_tags(raw.get(key), key) if tag not in tags]
    dates = [as_date(_date_text(raw.get(key)), key) for key in _DATE_KEYS]
    return {
        "doc_id": as_id(raw["id"]) if raw.get("id") is not None else page_id(root, relative),
        "title": one_line(title),
        "url": page_url(raw, relative, options.base_url or ""),
        "product": as_text(raw.get("product"), "product") or options.product or "",
        "tags": tags,
        "owner": as_text(raw.get("owner"), "owner") or options.owner or "",
        "updated_at": max(dates),
        "review_by": as_date(_date_text(raw.get("review_by")), "review_by"),
        "visibility": as_visibility(raw.get("visibility"), options.visibility or "public"),
    }


def page_id(root: SourceRoot, relative: str) -> str:
    """``<root name>/<relative path>``, whitespace percent-encoded (ids hold none)."""
    return as_id(quote(f"{root.name}/{relative}", safe="/:@!$&'()*+,;=-._~"))


def page_url(raw: Mapping[str, Any], relative: str, base_url: str) -> str:
    """The page's URL: its own ``url``/``permalink``, else the base URL plus its path."""
    own = as_text(raw.get("url"), "url") or as_text(raw.get("permalink"), "permalink")
    if own.startswith(("http://", "https://")):
        return own
    base = base_url if base_url.endswith("/") or not base_url else base_url + "/"
    if own:
        return urljoin(base, own.lstrip("/")) if base else ""
    if not base:
        return ""
    parts = list(PurePosixPath(relative).with_suffix("").parts)
    if parts and parts[-1].lower() in INDEX_NAMES:
        parts.pop()
    slug = as_text(raw.get("slug"), "slug").strip("/")
    if slug:
        if parts:
            parts[-1] = slug
        else:
            parts.append(slug)
    path = "/".join(quote(part) for part in parts)
    return urljoin(base, f"{path}/" if path else "")


def _name_title(relative: str) -> str:
    parts = list(PurePosixPath(relative).with_suffix("").parts)
    if len(parts) > 1 and parts[-1].lower() in INDEX_NAMES:
        parts.pop()
    name = parts[-1] if parts else relative
    words = name.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else relative


def _date_text(value: object) -> object:
    """TOML gives dates as date/datetime objects, YAML (here) as strings: both are read."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
