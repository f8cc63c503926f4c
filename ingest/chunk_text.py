"""String work behind the chunker: Markdown sections by heading, and word-bounded windows.

Pure functions over text; no models or tokenizers, so chunking stays fast on large collections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from assistant.text import is_table_start

_HEADING = re.compile(r"^ {0,3}(#{1,4})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")  # keeps the indentation of the next line
# a sentence ends at . ! or ? (maybe quoted) after a letter, so "1. Step" and "3.5" stay whole
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?=\s)")
SECTION_SEPARATOR = " > "


@dataclass(frozen=True)
class Section:
    """The text under one heading; ``path`` is the heading chain, the document's root first."""

    path: tuple[str, ...]
    body: str

    @property
    def name(self) -> str:
        return SECTION_SEPARATOR.join(self.path)

    @property
    def heading(self) -> str:
        return self.path[-1] if self.path else ""


def split_sections(text: str, title: str) -> list[Section]:
    """Sections of a Markdown text split at ``#``-``####`` headings (not inside code fences).

    The root of every path is the h1 above it, or the document title when there is none; sections
    with no text are dropped.
    """
    sections: list[Section] = []
    chain: list[tuple[int, str]] = []
    lines: list[str] = []
    fence = ""

    def emit() -> None:
        body = "\n".join(lines).strip("\n")
        if body.strip():
            sections.append(Section(_path(chain, title), body))
        lines.clear()

    for line in text.split("\n"):
        if fence:
            lines.append(line)
            if line.strip().startswith(fence):
                fence = ""
            continue
        opening = _FENCE.match(line)
        heading = None if opening else _HEADING.match(line)
        if opening:
            fence = opening.group(1)
        elif heading and heading.group(2).strip():
            emit()
            level = len(heading.group(1))
            while chain and chain[-1][0] >= level:
                chain.pop()
            chain.append((level, heading.group(2).strip()))
            continue
        lines.append(line)
    emit()
    return sections


def _path(chain: list[tuple[int, str]], title: str) -> tuple[str, ...]:
    names = tuple(name for _, name in chain)
    if (not chain or chain[0][0] != 1) and title.strip():
        return (" ".join(title.split()), *names)
    return names


def word_count(text: str) -> int:
    return len(text.split())


class _Unit(NamedTuple):
    text: str
    words: int
    separator: str  # what follows it: " ", "\n" or "\n\n"
    # in a code block, its opening line ("```sh"); in a table, its header and rule lines
    fence: str = ""
    # in a code block: "open" (its opening line), "code" or "close" (its closing line); in a
    # table: "head" (its header line), "rule" or "row"
    kind: str = ""


def windows(body: str, max_words: int, overlap_words: int) -> list[str]:
    """The body cut at sentence (and line) boundaries into pieces of at most ``max_words`` words,
    each repeating up to ``overlap_words`` words of whole sentences from the one before. A code
    block cut in two is closed at the end of one piece and opened again at the start of the
    next, and a table's header starts each piece that holds its rows, so each piece reads as
    Markdown on its own (its code is never taken for prose, a row never lacks its columns)."""
    if word_count(body) <= max_words:
        return [body.strip()]
    units = _units(body, max_words)
    result: list[str] = []
    previous: list[int] = []
    start = 0
    while start < len(units):
        window = _overlap(units, previous, overlap_words)
        total = sum(units[i].words for i in window)
        while window and total + units[start].words > max_words:
            total -= units[window.pop(0)].words
        end = start
        while end < len(units) and (end == start or total + units[end].words <= max_words):
            window.append(end)
            total += units[end].words
            end += 1
        result.append(_join([units[i] for i in window]))
        previous, start = window, end
    return result


def paragraph_windows(body: str, max_words: int, overlap_words: int) -> list[str]:
    """The body cut at paragraph breaks: each piece is whole paragraphs, together at most
    ``max_words`` words; a paragraph longer than that is cut by ``windows``."""
    pieces: list[str] = []
    run: list[str] = []
    words = 0
    for paragraph in _BLANK_LINES.split(body.strip("\n")):
        size = word_count(paragraph)
        if run and (words + size > max_words or size > max_words):
            pieces.append("\n\n".join(run))
            run, words = [], 0
        if size > max_words:
            pieces.extend(windows(paragraph, max_words, overlap_words))
        elif paragraph.strip():
            run.append(paragraph.rstrip())
            words += size
    if run:
        pieces.append("\n\n".join(run))
    return pieces


def _overlap(units: list[_Unit], previous: list[int], overlap_words: int) -> list[int]:
    """The trailing indexes of the previous window that fit in ``overlap_words``."""
    tail: list[int] = []
    total = 0
    for index in reversed(previous):
        if total + units[index].words > overlap_words:
            break
        tail.insert(0, index)
        total += units[index].words
    return tail


def _units(body: str, max_words: int) -> list[_Unit]:
    """Sentences and lines with the separator that followed each; over-long ones cut by words.
    A code line or table row is never cut at a sentence end, and knows its block's opening line
    or its table's header."""
    units: list[_Unit] = []
    opener = ""  # the opening line of the code block being read
    for paragraph in _PARAGRAPH_BREAK.split(body.strip()):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        head = ""  # the header and rule lines of the table being read
        for line_number, line in enumerate(lines, start=1):
            end = "\n" if line_number < len(lines) else "\n\n"
            following = lines[line_number] if line_number < len(lines) else ""
            if not opener and is_table_start(line, following):
                head = f"{line}\n{following}"
                units.append(_Unit(line, len(line.split()), end, head, "head"))
                continue
            if head and "|" in line:
                kind = "rule" if units[-1].kind == "head" else "row"  # the line after the header
                units += [u._replace(fence=head, kind=kind) for u in _cut(line, max_words, end)]
                continue
            head = ""
            fence = _FENCE.match(line)
            if opener and fence and line.strip().startswith(_closing(opener)):
                units.append(_Unit(line, len(line.split()), end, opener, "close"))
                opener = ""
                continue
            if opener or fence:
                kind = "code" if opener else "open"
                opener = opener or line.strip()
                units += [u._replace(fence=opener, kind=kind) for u in _cut(line, max_words, end)]
                continue
            pieces = sentences(line)
            pieces[0] = line[: len(line) - len(line.lstrip())] + pieces[0]
            for number, sentence in enumerate(pieces, start=1):
                units.extend(_cut(sentence, max_words, end if number == len(pieces) else " "))
    return units


def _closing(opener: str) -> str:
    """The fence that closes a block opened by ``opener`` ("```sh" -> "```")."""
    found = _FENCE.match(opener)
    return found.group(1) if found else "```"


def sentences(line: str) -> list[str]:
    """A line cut after each sentence end; the pieces carry no surrounding whitespace."""
    found: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(line):
        if end.start() > start and line[end.start() - 1].isalpha():
            found.append(line[start : end.end()].strip())
            start = end.end()
    rest = line[start:].strip()
    if rest:
        found.append(rest)
    return [piece for piece in found if piece]


def _cut(sentence: str, max_words: int, separator: str) -> list[_Unit]:
    words = sentence.split()
    if len(words) <= max_words:
        return [_Unit(sentence, len(words), separator)]
    slices = [words[i : i + max_words] for i in range(0, len(words), max_words)]
    cut = [_Unit(" ".join(part), len(part), " ") for part in slices]
    cut[-1] = _Unit(cut[-1].text, cut[-1].words, separator)
    return cut


def _join(units: list[_Unit]) -> str:
    parts: list[str] = []
    if units and units[0].kind in ("code", "close"):  # it starts in a code block: open it
        parts += [units[0].fence, "\n"]
    elif units and units[0].kind in ("rule", "row"):  # it starts in a table: its header first
        parts += [units[0].fence if units[0].kind == "row" else units[0].fence.split("\n")[0]]
        parts += ["\n"]
    for unit in units:
        parts += [unit.text, unit.separator]
    if units and units[-1].kind in ("open", "code"):  # it stops in a code block: close it
        parts[-1] = "\n"
        parts += [_closing(units[-1].fence), "\n"]
    return "".join(parts[:-1]).strip()
