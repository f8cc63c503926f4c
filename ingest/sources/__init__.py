"""Reading a knowledge base: files and folders in, Documents and issues out.

``read_sources`` walks folders (sorted, recursively) and reads each file, or each folder holding a
``corpus.jsonl`` (a collection), with the parser the source-type registry gives it
(``ingest.sources.registry``); it leaves out every document whose id is defined in more than one
place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.articles import parse_html, parse_markdown
from ingest.sources.collections import parse_collection
from ingest.sources.files import Limits
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
from ingest.sources.tickets import parse_tickets_csv, parse_tickets_jsonl

__all__ = [
    "PARSERS",
    "Limits",
    "Parser",
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

_IGNORED_NAMES = ("readme", "license", "source", "original")


def read_sources(paths: Sequence[Path], limits: Limits = Limits()) -> ParseResult:  # noqa: B008
    """Parse every source under ``paths``; never raises for bad input."""
    result = ParseResult()
    seen: set[Path] = set()
    for path in paths:
        for target in _targets(Path(path), result, seen, explicit=True):
            result.extend(parse_file(target, limits))
    result.documents, duplicates = _without_duplicates(result.documents)
    result.issues.extend(duplicates)
    return result


def ignored(path: Path) -> bool:
    """Names a walk skips: hidden or private (``.``/``_``) and README/LICENSE/SOURCE/ORIGINAL."""
    name = path.name
    if name.startswith((".", "_")):
        return True
    return path.is_file() and name.lower().startswith(_IGNORED_NAMES)


def _targets(
    path: Path, result: ParseResult, seen: set[Path], explicit: bool = False
) -> Iterator[Path]:
    """The files, and folders read whole, under ``path`` that a parser reads (others reported)."""
    if not explicit and ignored(path):
        return
    if not path.exists():
        result.issues.append(IngestIssue(str(path), "no such file or folder"))
        return
    key = path.resolve()
    if key in seen:
        return
    seen.add(key)
    folder = folder_of(path) if path.is_file() else None
    if folder is not None:
        yield from _targets(folder, result, seen, explicit=True)
    elif parser_for(path) is not None:
        yield path
    elif path.is_dir():
        try:
            entries = sorted(path.iterdir(), key=lambda entry: entry.name)
        except OSError as exc:
            result.issues.append(IngestIssue(str(path), f"cannot read folder: {exc.strerror}"))
            return
        for entry in entries:
            yield from _targets(entry, result, seen)
    else:
        result.issues.append(unsupported(path))


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
