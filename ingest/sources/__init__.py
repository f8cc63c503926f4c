"""Reading a knowledge base: files and folders in, Documents and issues out.

``read_sources`` walks folders (sorted, recursively), reads each file with the parser for its
extension, reads a folder holding ``corpus.jsonl`` as a collection, and leaves out every document
whose id is defined in more than one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from llama_index.core.schema import Document

from ingest.model import IngestIssue, ParseResult
from ingest.sources.articles import parse_html, parse_markdown
from ingest.sources.collections import CORPUS_FILE, parse_collection
from ingest.sources.files import Limits
from ingest.sources.playbooks import parse_playbook
from ingest.sources.tickets import parse_tickets_csv, parse_tickets_jsonl

__all__ = [
    "PARSERS",
    "Limits",
    "parse_collection",
    "parse_html",
    "parse_markdown",
    "parse_playbook",
    "parse_tickets_csv",
    "parse_tickets_jsonl",
    "read_sources",
]

Parser = Callable[[Path, Limits], ParseResult]

PARSERS: dict[str, Parser] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
    ".yaml": parse_playbook,
    ".yml": parse_playbook,
    ".jsonl": parse_tickets_jsonl,
    ".csv": parse_tickets_csv,
}
_IGNORED_NAMES = ("readme", "license", "source", "original")


def read_sources(paths: Sequence[Path], limits: Limits = Limits()) -> ParseResult:  # noqa: B008
    """Parse every source under ``paths``; never raises for bad input."""
    result = ParseResult()
    seen: set[Path] = set()
    for path in paths:
        for target, parser in _targets(Path(path), result, seen, explicit=True):
            result.extend(_parse(parser, target, limits))
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
) -> Iterator[tuple[Path, Parser]]:
    if not explicit and ignored(path):
        return
    if not path.exists():
        result.issues.append(IngestIssue(str(path), "no such file or folder"))
        return
    key = path.resolve()
    if key in seen:
        return
    seen.add(key)
    if path.is_dir():
        if (path / CORPUS_FILE).is_file():
            yield path, parse_collection
            return
        try:
            entries = sorted(path.iterdir(), key=lambda entry: entry.name)
        except OSError as exc:
            result.issues.append(IngestIssue(str(path), f"cannot read folder: {exc.strerror}"))
            return
        for entry in entries:
            yield from _targets(entry, result, seen)
    elif path.name == CORPUS_FILE:
        yield from _targets(path.parent, result, seen, explicit=True)
    elif path.suffix.lower() in PARSERS:
        yield path, PARSERS[path.suffix.lower()]
    else:
        result.issues.append(
            IngestIssue(str(path), f"unsupported file type '{path.suffix or path.name}'")
        )


def _parse(parser: Parser, path: Path, limits: Limits) -> ParseResult:
    """Run one parser; a bug in it becomes an issue for that file instead of ending the run."""
    try:
        return parser(path, limits)
    except Exception as exc:
        issue = IngestIssue(str(path), f"could not be parsed ({type(exc).__name__}: {exc})")
        return ParseResult(issues=[issue])


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
