"""Plain-text helpers shared by retrieval and the answerers."""

from __future__ import annotations

import html
import re
from functools import lru_cache

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
_LIST_MARK = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")  # as _BLOCK_START and _ITEM read them


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, stripped of list markers."""
    parts = (_LIST_MARK.sub("", p).strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if len(p) > 2]


_ENDS = (".", "!", "?")
# a line that starts a Markdown block of its own: a list item, heading, quote, table row, fence
_BLOCK_START = re.compile(r"^\s*(?:[-*•+]\s|\d+[.)]\s|#|>|\||`{3}|~{3})")
# words a sentence does not end on: a line ending in one goes on ("select the" / "Guide")
_LEADING_WORDS = frozenset(
    "a an the to of and or for from with in on at by as your you is are be than then".split()  # noqa: SIM905
)
_LABEL_WORDS = 8  # a line of at most this many capitalised words is a label
_NO_CONTINUATION = re.compile(r"^\s*(?:#|\||`{3}|~{3})")  # blocks no next line belongs to


def unwrap(text: str) -> str:
    """Lines wrapped inside a sentence joined again, as Markdown joins a paragraph's lines (and as
    text extracted from a PDF needs: "select the\nGuide\n, press"). A line that ends a sentence
    or a colon, or ends in a hard break, stays apart from the next; so does one that starts a list
    item, heading, quote, table row or fence (a list item's own wrapped lines join it). A short
    label line names the sentence after it ("Reset Network: Restore the network settings...").
    """
    out: list[str] = []
    for line in text.split("\n"):
        previous = out[-1] if out else ""
        if _alternative(previous, line):  # "- on the web, or" / "- by email": one sentence
            out[-1] = f"{previous.rstrip()} {_LIST_MARK.sub('', line).strip()}"
        elif _continues(previous, line):
            head, rest = previous.rstrip(), line.strip()
            hyphen = head.endswith("-") and head[-2:-1].isalpha() and rest[:1].islower()
            out[-1] = head + ("" if hyphen or rest[:1] in ",.;:!?)" else " ") + rest
        else:
            out.append(line)
    return "\n".join(_labelled(out))


_LABEL_MAX = 5  # words of a label that names the sentence after it ("Reset Network")


def _labelled(lines: list[str]) -> list[str]:
    """A label line ("Reset Network") followed by the sentence that describes it joined as one
    unit, "Reset Network: Restore the network settings to the factory default.", so that
    neither is quoted without the other."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        head, rest = previous.strip(), line.strip()
        if (
            head
            and rest
            and len(head.split()) <= _LABEL_MAX
            and _label(head)
            and not head.endswith((*_ENDS, ":"))
            and not _BLOCK_START.match(previous)
            and not _BLOCK_START.match(line)
            and not _label(rest)
            and rest[0].isupper()
        ):
            out[-1] = f"{head}: {rest}"
        else:
            out.append(line)
    return out


def _alternative(previous: str, line: str) -> bool:
    """A list item that ends in "or" / "and" goes on into the next item (a choice of two, one
    sentence), so that neither reads as a sentence cut short."""
    words = previous.split()
    if not (words and _LIST_MARK.match(previous) and _LIST_MARK.match(line)):
        return False
    return words[-1].lower() in ("or", "and")


def _continues(previous: str, line: str) -> bool:
    head, rest = previous.rstrip(), line.strip()
    if (
        not (head and rest)
        or head.rstrip("\"')]*_`").endswith((*_ENDS, ":"))
        or previous.endswith("  ")
        or _BLOCK_START.match(line)
        or _NO_CONTINUATION.match(previous)
    ):
        return False
    last = head.rsplit(None, 1)[-1].lower()
    return (
        not rest[0].isupper()  # "screen appears", ", press": the sentence goes on
        or last in _LEADING_WORDS  # "select the" / "Guide"
        or not (_label(head) or _label(rest))
    )


def _label(line: str) -> bool:
    """A short line of capitalised words (a heading, a menu path, a button): its own unit."""
    words = line.split()
    return len(words) <= _LABEL_WORDS and all(w[0].isupper() or w[0].isdigit() for w in words)


_TABLE_RULE = re.compile(  # a Markdown table's rule line under its header
    r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$"
)


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.strip().split("|")]
    if line.strip().startswith("|"):
        cells = cells[1:]
    if line.strip().endswith("|"):
        cells = cells[:-1]
    return cells


def is_table_start(header: str, rule: str) -> bool:
    """Whether ``header`` and the line after it open a Markdown table: a rule line of as many
    cells as the header's ("Host|Notes" over ":--|:--", "| a | b |" over "|---|---|"). A lone
    cell needs three dashes, so that a line such as "- |" under "run: |" is no table."""
    if "|" not in header or not _TABLE_RULE.match(rule):
        return False
    cells = _cells(rule)
    return len(cells) == len(_cells(header)) and (len(cells) > 1 or "---" in rule)


def linear_tables(text: str) -> str:
    """Markdown tables as one line per row, each cell after its column's header ("Plan:
    Growth; Requests per minute: 120."); the header and rule lines are dropped. A row read
    alone ("| Growth | 120 |") says nothing."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        header = lines[i]
        if i + 1 < len(lines) and is_table_start(header, lines[i + 1]):
            names = _cells(header)
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                pairs = [
                    f"{name}: {cell}" if name else cell
                    for name, cell in zip(names, _cells(lines[i]), strict=False)
                    if cell
                ]
                row = ""
                for pair in pairs:  # a cell that ends a sentence needs no semicolon after it
                    row += ("" if not row else " " if row.endswith(_ENDS) else "; ") + pair
                out.append(row if row.endswith(_ENDS) or not row else row + ".")
                i += 1
            continue
        out.append(header)
        i += 1
    return "\n".join(out)


def windows(sentences: list[str], size: int) -> list[str]:
    """Consecutive, non-overlapping groups of ``size`` sentences (the last may be shorter)."""
    if size <= 0:
        return [" ".join(sentences)] if sentences else []
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]


_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
_REFERENCE_WORDS = frozenset(
    """
    see also read more details in the our article for information learn check out guide and or
    on about at this that page help center
    """.split()  # noqa: SIM905
)


_POINTER = re.compile(r"^\W*see\b", re.IGNORECASE)


def is_link_only(sentence: str) -> bool:
    """A sentence that only points elsewhere ("See [Cancel your plan](https://…)."): once its
    links are taken out, nothing but reference words ("see", "also", "for more details") is left;
    or one that opens with "See" and links on ("See the [`css.PostCSS`](…) function.", "SEE
    ALSO: [hugo server](…) - Start the embedded web server."), a pointer to another page.
    """
    if not _LINK.search(sentence):
        return False
    if _POINTER.match(sentence):
        return True
    rest = re.findall(r"[a-z0-9]+", _LINK.sub(" ", sentence).lower())
    return all(word in _REFERENCE_WORDS for word in rest)


def is_question(sentence: str) -> bool:
    """A sentence that asks rather than tells ("Set up automatic deploys with GitHub?", a
    frequently asked question's heading): it never answers. A button label that ends in a
    question mark ("Click **Forgot password?**.") ends with its markup or a full stop."""
    return sentence.rstrip().endswith("?")


# HTML entities that are only typography (``&nbsp;``, ``&mdash;``, ``&#8217;``): read as their
# characters. ``&amp;``, ``&lt;``, ``&gt;`` and ``&quot;`` are kept as written: Markdown and HTML
# read them, and a sentence quoted from a page shows what the page shows.
_ENTITY = re.compile(
    r"&(?!(?:amp|lt|gt|quot);)(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});"
)
_SPACES = re.compile(r"[ \u00a0]{2,}")


def plain_entities(sentence: str) -> str:
    """The sentence with its typographic HTML entities read as characters and a no-break space
    as a space ("an&nbsp;`index.md`&nbsp;file" -> "an `index.md` file")."""
    if "&" not in sentence:
        return sentence
    text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), sentence).replace("\u00a0", " ")
    return _SPACES.sub(" ", text)


# "This article explains how to ...": a sentence about the page, not about the product
_PAGE = r"(?:article|page|guide|section|document|chapter|topic|list|overview)"
_ABOUT_THE_PAGE = re.compile(
    rf"^(?:(?:this|the following) {_PAGE}s? "
    r"(?:explains?|describes?|shows?|walks|lists?|covers?|is about|tells?|helps?|contains?|"
    r"gives?|collects?|summari[sz]es)"
    rf"|this is (?:the|a|an|our) (?:\w+ )?{_PAGE} of)\b",
    re.IGNORECASE,
)


def is_about_the_page(sentence: str) -> bool:
    """A sentence that introduces the page it is on ("This article explains how to connect
    Xero."): an answer quoting it would speak of an article the agent is not reading."""
    return bool(_ABOUT_THE_PAGE.match(sentence.strip()))


_ITEM = re.compile(r"^(\s*)((?:[-*•+]|\d+[.)])\s+)(.*\S)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)[\s#]*$")
_FENCE = re.compile(r"^\s{0,3}(?:`{3,}|~{3,})")
_CLOSERS = "*_`\"')]"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _lead_of(lines: list[str], at: int, heading: str) -> str:
    """What introduces the list item on line ``at``: the nearest line above it, less indented,
    that ends in ":" (an item or not), or the heading above the list; "" for a list that follows
    a paragraph of its own."""
    indent = _indent(lines[at])
    for line in reversed(lines[:at]):
        if not line.strip() or (_indent(line) >= indent and _ITEM.match(line)):
            continue  # a blank line, or an earlier item of the same list
        if _indent(line) > indent:
            continue  # a wrapped line of an earlier item
        title = _HEADING.match(line)
        if title:
            return title.group(1).strip()
        item = _ITEM.match(line)
        text = (item.group(3) if item else line).strip()
        return text[:-1].rstrip() if text.endswith(":") else ""
    return heading


@lru_cache(maxsize=4096)  # a passage comes back question after question
def label_fragments(text: str, heading: str = "") -> str:
    """List items that are not sentences, prefixed with what introduces their list, so that each
    reads on its own: "- Monthly plan charges" under "## What is not covered" becomes "- What is
    not covered: Monthly plan charges". ``heading``: the heading of the text's section, for a
    list the text opens with. An item that ends a sentence (".", "!", "?") or announces a list of
    its own (":") is left as it is, and so is everything in a fenced code block."""
    lines = text.split("\n")
    out: list[str] = []
    fenced = False
    for n, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        item = None if fenced else _ITEM.match(line)
        body = item.group(3) if item else ""
        joined = n > 0 and _alternative(lines[n - 1], line)  # read on from the item before
        if item and not joined and not body.rstrip(_CLOSERS).endswith((".", "!", "?", ":")):
            lead = _lead_of(lines, n, heading).strip("*_ ")
            if lead and not body.startswith(lead):
                ended = body.rstrip(",;") if body.endswith((",", ";")) else body
                ended += "" if ended.rstrip(_CLOSERS).endswith((".", "!", "?")) else "."
                line = f"{item.group(1)}{item.group(2)}{lead}: {ended}"
        out.append(line)
    return "\n".join(out)
