"""The source-type registry: one row per kind of knowledge, and everything that depends on it.

Each source type names its file patterns, its parser, how its documents are chunked and the flags
that answering reads (instead of testing ``source_type`` strings). ``SOURCE_TYPES``, the CLI's
``--source-type`` choices, request validation and ``kbassist status`` all derive from this table.
A new source type is one parser module and one row of ``TABLE``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.model import IngestIssue, ParseResult
from ingest.sources.articles import parse_html, parse_markdown
from ingest.sources.collections import CORPUS_FILE, parse_collection
from ingest.sources.files import Limits
from ingest.sources.plaintext import parse_rst, parse_txt
from ingest.sources.playbooks import ESCALATION, STEPS, WHEN_TO_USE, parse_playbook
from ingest.sources.ticket_record import INTERNAL_NOTES, PROBLEM, RESOLUTION
from ingest.sources.tickets import parse_tickets_csv, parse_tickets_jsonl
from ingest.sources.zendesk_detect import parse_zendesk_json

log = logging.getLogger(__name__)

Parser = Callable[[Path, Limits], ParseResult]


@dataclass(frozen=True)
class SourceFlags:
    """What answering needs to know about a source type's chunks."""

    # A retrieved chunk brings all of its document's step chunks (next actions cite their step).
    expand_steps: bool = False
    # Answer from this sibling section of the document, not from the chunk that matched
    # (a ticket's "Resolution": the customer's own words are not an answer).
    answer_section: str | None = None
    # Sections in the customer's own words: they may match a question, never answer it.
    customer_sections: tuple[str, ...] = ()
    # Sections for agents only: they may inform an agent, never open an answer or reach a reply.
    internal_sections: tuple[str, ...] = ()
    # Written for agents to answer from (articles, playbooks), as opposed to a record of one case.
    agent_facing: bool = True


@dataclass(frozen=True)
class ChunkPolicy:
    """How the chunker cuts a source type's sections (by their heading), beyond the default of
    sentence-bounded windows of each section."""

    # Numbered lines grouped (at most three steps, numbers kept), each group with its actions.
    step_sections: tuple[str, ...] = ()
    # Kept whole, carrying the document's actions that belong to no step (escalation rules).
    rule_sections: tuple[str, ...] = ()
    # Kept whole.
    whole_sections: tuple[str, ...] = ()
    # Stored at least ``internal``, whatever the document's visibility.
    internal_sections: tuple[str, ...] = ()
    # Cut at paragraph breaks: a chunk is whole paragraphs (a longer one is cut at sentences).
    by_paragraph: bool = False

    @property
    def has_actions(self) -> bool:
        """Documents carry actions: every chunk gets the ``steps`` and ``actions`` keys."""
        return bool(self.step_sections or self.rule_sections)


@dataclass(frozen=True)
class FileFormat:
    """Files one parser reads: by suffix, or by name (a folder holding such a file is read
    whole, and the parser is given the folder)."""

    parser: Parser
    suffixes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceKind:
    """One row of the registry."""

    name: str
    formats: tuple[FileFormat, ...]
    chunking: ChunkPolicy = ChunkPolicy()
    flags: SourceFlags = SourceFlags()


TABLE: tuple[SourceKind, ...] = (
    SourceKind(
        "article",
        (
            FileFormat(parse_markdown, (".md", ".markdown")),
            FileFormat(parse_html, (".html", ".htm")),
            # Zendesk API responses: Help Center articles, or solved tickets (source type
            # "ticket"), told apart by their top-level key (ingest.sources.zendesk_detect).
            FileFormat(parse_zendesk_json, (".json",)),
        ),
    ),
    SourceKind(
        "playbook",
        (FileFormat(parse_playbook, (".yaml", ".yml")),),
        ChunkPolicy(
            step_sections=(STEPS,), rule_sections=(ESCALATION,), whole_sections=(WHEN_TO_USE,)
        ),
        SourceFlags(expand_steps=True),
    ),
    SourceKind(
        "ticket",
        (FileFormat(parse_tickets_jsonl, (".jsonl",)), FileFormat(parse_tickets_csv, (".csv",))),
        ChunkPolicy(internal_sections=(INTERNAL_NOTES,)),
        SourceFlags(
            answer_section=RESOLUTION,
            customer_sections=(PROBLEM,),
            internal_sections=(INTERNAL_NOTES,),
            agent_facing=False,
        ),
    ),
    SourceKind("collection", (FileFormat(parse_collection, names=(CORPUS_FILE,)),)),
    SourceKind(
        "text",
        (FileFormat(parse_txt, (".txt",)), FileFormat(parse_rst, (".rst",))),
        ChunkPolicy(by_paragraph=True),
    ),
    # Documentation-site pages: Markdown read by ingest.sources.docsite in a source root that
    # is a docs site (kbassist.yaml or --source-type docs), never chosen by suffix; cut at
    # paragraphs, so a code block that fits in a chunk stays whole.
    SourceKind("docs", (), ChunkPolicy(by_paragraph=True)),
)

SOURCE_TYPES: tuple[str, ...] = tuple(kind.name for kind in TABLE)
FLAGS: dict[str, SourceFlags] = {kind.name: kind.flags for kind in TABLE}
_CHUNKING: dict[str, ChunkPolicy] = {kind.name: kind.chunking for kind in TABLE}


def _index(key: Callable[[FileFormat], tuple[str, ...]]) -> dict[str, Parser]:
    found: dict[str, Parser] = {}
    for kind in TABLE:
        for fmt in kind.formats:
            for pattern in key(fmt):
                if pattern in found:
                    raise ValueError(f"source registry: '{pattern}' is claimed twice")
                found[pattern] = fmt.parser
    return found


# suffix (lower case) -> parser; parser_for() also knows file names and folders.
PARSERS: dict[str, Parser] = _index(lambda fmt: tuple(s.lower() for s in fmt.suffixes))
_BY_NAME: dict[str, Parser] = _index(lambda fmt: fmt.names)


def flags_of(source_type: str) -> SourceFlags:
    """The flags of a source type (an unknown one gets the defaults of an article)."""
    return FLAGS.get(source_type, SourceFlags())


def chunking_of(source_type: str) -> ChunkPolicy:
    """The chunking policy of a source type (an unknown one gets plain sections)."""
    return _CHUNKING.get(source_type, ChunkPolicy())


def suffixes() -> tuple[str, ...]:
    """The file suffixes read, sorted (``.csv``, ``.htm``, ...)."""
    return tuple(sorted(PARSERS))


def parser_for(path: Path) -> Parser | None:
    """The parser for a file (by name, else by suffix) or for a folder holding a file it reads
    by name (a collection); None when nothing reads it."""
    if path.is_dir():
        return next((p for name, p in _BY_NAME.items() if (path / name).is_file()), None)
    return _BY_NAME.get(path.name) or PARSERS.get(path.suffix.lower())


def folder_of(path: Path) -> Path | None:
    """The folder a file stands for (``corpus.jsonl`` is read with its whole folder), or None."""
    return path.parent if path.name in _BY_NAME else None


def unsupported(path: Path) -> IngestIssue:
    """The issue for a file no parser reads, naming the suffixes that are read."""
    kind = path.suffix or path.name
    return IngestIssue(
        str(path), f"unsupported file type '{kind}' (supported: {', '.join(suffixes())})"
    )


def parse_file(path: Path, limits: Limits) -> ParseResult:
    """The one guarded parser call: the file's documents, skips and issues; never raises.

    A bug in a parser becomes an issue naming the file (the traceback goes to the log, never
    into the issue), so that one bad file cannot end a run or leak exception text to a caller.
    """
    parser = parser_for(path)
    if parser is None:
        return ParseResult(issues=[unsupported(path)])
    try:
        return parser(path, limits)
    except Exception:
        log.warning("parser %s failed on %s", parser.__name__, path, exc_info=True)
        return ParseResult(issues=[IngestIssue(str(path), "could not be parsed")])
