"""Follow-up questions: fold the earlier turns of a thread into a standalone retrieval query.

A heuristic, for the extractive path: a short follow-up, or one that leans on a pronoun ("does it
work on Android?"), borrows the content words of the user's earlier turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answerers.common import content_words
from assistant.suggestion import Turn

_ANAPHORA = re.compile(
    r"\b(it|its|that|this|these|those|they|them|their|there|he|she|same|one|also|too)\b",
    re.IGNORECASE,
)
_MAX_BORROWED = 14


def needs_context(question: str) -> bool:
    return len(content_words(question)) < 5 or bool(_ANAPHORA.search(question))


def rewrite(question: str, history: Sequence[Turn]) -> str:
    """The question, prefixed with what the earlier user turns were about when it needs it."""
    earlier = [t.text for t in history if t.role == "user" and t.text.strip()]
    if not earlier or not needs_context(question):
        return question
    own = set(content_words(question))
    borrowed: list[str] = []
    for text in reversed(earlier):  # the latest turns matter most
        for word in content_words(text):
            if word not in own and word not in borrowed:
                borrowed.append(word)
        if len(borrowed) >= _MAX_BORROWED:
            break
    return " ".join(borrowed[:_MAX_BORROWED]) + " " + question if borrowed else question
