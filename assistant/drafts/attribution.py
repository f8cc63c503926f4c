"""An agent's edit of a suggested answer, attributed to the passages the answer cited.

The answer and the edited text are split into sentences and aligned (``difflib``); each original
sentence that was replaced or removed keeps the citation markers ``[n]`` it had, and so points
at the passage it came from. The agent's sentences in its place are that passage's new version.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from assistant.suggestion import Citation
from assistant.text import split_sentences

_MARKER = re.compile(r"\s*\[(\d+)\]")


@dataclass(frozen=True)
class Change:
    """One cited sentence an agent changed: what it said, what the agent wrote instead, and the
    passage (citation) it came from."""

    original: str
    replacement: str
    citation: Citation


def plain(sentence: str) -> str:
    """The sentence without its citation markers."""
    return _MARKER.sub("", sentence).strip()


def attribute(answer: str, edited: str, citations: list[Citation]) -> list[Change]:
    before = split_sentences(answer)
    after = split_sentences(edited)
    by_index = {c.index: c for c in citations}
    matcher = difflib.SequenceMatcher(
        a=[plain(s).lower() for s in before], b=[plain(s).lower() for s in after], autojunk=False
    )
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op not in ("replace", "delete"):
            continue
        replacement = " ".join(plain(s) for s in after[j1:j2])
        for sentence in before[i1:i2]:
            for number in dict.fromkeys(int(n) for n in _MARKER.findall(sentence)):
                if number in by_index:
                    changes.append(Change(plain(sentence), replacement, by_index[number]))
    return changes
