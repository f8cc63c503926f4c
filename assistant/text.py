"""Plain-text helpers shared by retrieval and the answerers."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, stripped of list markers."""
    parts = (_LIST_MARK.sub("", p).strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if len(p) > 2]


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


def is_link_only(sentence: str) -> bool:
    """A sentence that only points elsewhere ("See [Cancel your plan](https://…)."): once its
    links are taken out, nothing but reference words ("see", "also", "for more details") is left.
    """
    if not _LINK.search(sentence):
        return False
    rest = re.findall(r"[a-z0-9]+", _LINK.sub(" ", sentence).lower())
    return all(word in _REFERENCE_WORDS for word in rest)
