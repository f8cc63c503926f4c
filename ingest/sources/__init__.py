"""Reading a knowledge base: files and folders in, Documents and issues out.

``read_sources`` walks folders (sorted, recursively) and reads each file, or each folder holding a
``corpus.jsonl`` (a collection), with the parser the source-type registry gives it
(``ingest.sources.registry``); it leaves out every document whose id is defined in more than one
place.

Each path given belongs to a source root (``ingest.sources.source_config``): a documentation
site's root reads every Markdown page with ``ingest.sources.docsite`` (``_index.md`` section pages
included, other files such as images passed over); any root applies its include/exclude globs and
default owner and product. Every document's ``source_path`` is its root, resolved, plus its path
under the root, so that however a folder is spelled, its documents are the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.articles import parse_html, parse_markdown
from ingest.sources.collections import parse_collection
from ingest.sources.docsite import Skipped, read_page
from ingest.sources.fields import FieldError
from ingest.sources.files import Limits, SourceError, to_issue
from ingest.sources.playbooks import parse_playbook
from ingest.sources.registry import (
    PARSERS,
    Parser,
    folder_of,
    parse_file,
    parser_for,
    suffixes,
    unsupported,
)
from ingest.sources.source_config import (
    CONFIG_NAME,
    SourceConfigError,
    SourceOptions,
    SourceRoot,
    find_root,
    resolved_path,
)
from ingest.sources.tickets import parse_tickets_csv, parse_tickets_jsonl
from ingest.sources.yamlio import YamlError

__all__ = [
    "PARSERS",
    "Limits",
    "Parser",
    "SourceOptions",
    "SourceResult",
    "ignored",
    "parse_collection",
    "parse_file",
    "parse_html",
    "parse_markdown",
    "parse_playbook",
    "parse_tickets_csv",
    "parse_tickets_jsonl",
    "parser_for",
    "read_sources",
    "suffixes",
]

_IGNORED_NAMES = ("readme", "license", "licence", "source", "original")
DOCS_SUFFIXES = (".md", ".markdown", ".mdx")
SECTION_PAGE = "_index"
log = logging.getLogger(__name__)


@dataclass
class SourceResult(ParseResult):
    """What was read from every source, with the reason for each file deliberately skipped."""

    skips: list[IngestIssue] = field(default_factory=list)


def read_sources(
    paths: Sequence[Path],
    limits: Limits = Limits(),  # noqa: B008
    options: SourceOptions | None = None,
) -> SourceResult:
    """Parse every source under ``paths``; never raises for bad input. ``options`` apply to
    every root, over what its ``kbassist.yaml`` says."""
    result = SourceResult()
    seen: set[Path] = set()
    for path in paths:
        try:
            root = find_root(Path(path), options)
        except SourceConfigError as exc:
            result.issues.append(exc.issue)
            continue
        for target in _targets(Path(path), root, result, seen, explicit=True):
            _read(target, root, limits, result)
    result.documents, duplicates = _without_duplicates(result.documents)
    result.issues.extend(duplicates)
    return result


def ignored(path: Path) -> bool:
    """Names a walk skips: hidden or private (``.``/``_``), and notice files: a file named
    README, LICENSE, SOURCE or ORIGINAL (any case, any suffix, or followed by ``_``, as in
    ``ORIGINAL_DATA_README.md``). A name that merely starts with those letters
    (``licensed-seats.md``, ``source-of-funds.md``) is content, and read."""
    name = path.name
    if name.startswith((".", "_")):
        return True
    stem = name.split(".", 1)[0].lower()
    notice = any(stem == word or stem.startswith(word + "_") for word in _IGNORED_NAMES)
    return path.is_file() and notice


def _skipped_in(path: Path, root: SourceRoot, result: SourceResult) -> bool:
    """Whether a walk passes over ``path``: ignored names, the root's ``kbassist.yaml``, files
    its globs leave out. In a docs site, files that are not pages are passed over, section pages
    (``_index.md``) are read, and README/LICENSE-like names are pages below the root's top
    level and skipped (counted, with the reason) at it."""
    docs = root.options.docs
    page = docs and path.is_file() and path.suffix.lower() in DOCS_SUFFIXES
    top = path.parent.resolve() == root.path
    if page:
        private = path.name.startswith((".", "_")) and path.stem != SECTION_PAGE
        if private:
            return True
        if top and ignored(path) and path.stem != SECTION_PAGE:
            result.skipped += 1
            result.skips.append(IngestIssue(str(path), "skipped: not a page (README/LICENSE-like)"))
            return True
    elif ignored(path):
        return True
    if not path.is_file():
        return False
    if (path.name == CONFIG_NAME and top) or (docs and not page):
        return True
    relative = resolved_path(path).relative_to(root.path).as_posix()
    return not root.options.wants(relative)


def _targets(
    path: Path, root: SourceRoot, result: SourceResult, seen: set[Path], explicit: bool = False
) -> Iterator[Path]:
    """The files, and folders read whole, under ``path`` that a parser reads (others reported)."""
    if not explicit and _skipped_in(path, root, result):
        return
    if not path.exists():
        result.issues.append(IngestIssue(str(path), "no such file or folder"))
        return
    key = path.resolve()
    if key in seen:
        return
    seen.add(key)
    folder = folder_of(path) if path.is_file() and not root.options.docs else None
    if folder is not None:
        yield from _targets(folder, root, result, seen, explicit=True)
    elif _readable(path, root):
        yield path
    elif path.is_dir():
        try:
            entries = sorted(path.iterdir(), key=lambda entry: entry.name)
        except OSError as exc:
            result.issues.append(IngestIssue(str(path), f"cannot read folder: {exc.strerror}"))
            return
        for entry in entries:
            yield from _targets(entry, root, result, seen)
    else:
        result.issues.append(unsupported(path))


def _readable(path: Path, root: SourceRoot) -> bool:
    """Whether a parser reads ``path`` itself (a docs site's pages; in a docs site, a folder is
    always walked)."""
    if root.options.docs:
        return path.is_file() and path.suffix.lower() in DOCS_SUFFIXES
    return parser_for(path) is not None


def _read(target: Path, root: SourceRoot, limits: Limits, result: SourceResult) -> None:
    """Parse one target into ``result``, with the root's identity and defaults."""
    if root.options.docs and target.is_file():
        parsed = _read_page(target, root, limits, result)
    else:
        parsed = parse_file(target, limits)
    for doc in parsed.documents:
        meta = doc.metadata
        meta["source_path"] = str(resolved_path(Path(str(meta["source_path"]))))
        for key in ("owner", "product"):
            meta[key] = meta.get(key) or getattr(root.options, key) or ""
    result.extend(parsed)


def _read_page(path: Path, root: SourceRoot, limits: Limits, result: SourceResult) -> ParseResult:
    try:
        return ParseResult(documents=[read_page(path, root, limits)])
    except Skipped as skip:
        result.skips.append(IngestIssue(str(path), f"skipped: {skip.reason}"))
        return ParseResult(skipped=1)
    except (SourceError, FieldError, YamlError) as exc:
        return ParseResult(issues=[to_issue(path, exc)])
    except Exception:
        log.warning("the docs-page parser failed on %s", path, exc_info=True)
        return ParseResult(issues=[IngestIssue(str(path), "could not be parsed")])


def _without_duplicates(docs: list[Document]) -> tuple[list[Document], list[IngestIssue]]:
    places: dict[str, list[str]] = {}
    for doc in docs:
        places.setdefault(doc.id_, []).append(str(doc.metadata.get("source_path", "")))
    issues = [
        IngestIssue(
            where[0],
            f"duplicate id '{doc_id}': also defined in {', '.join(where[1:])}; all copies left out",
            field="id",
        )
        for doc_id, where in places.items()
        if len(where) > 1
    ]
    return [doc for doc in docs if len(places[doc.id_]) == 1], issues
