"""The requester's names: each full name, and each part of it of three or more letters, matched
case- and accent-insensitively as whole words.

A part that is also an everyday word ("Bill", "Grace", "Price") is the person only where it is
written with a capital, is not the object of an article or a possessive ("the bill", "your
Bill") and does not start a code ("BILL-2291"). The full name is always the person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from ingest.redact.spans import Span

PLACEHOLDER = r"\[(?:EMAIL|IBAN|CARD|IP|PHONE|NAME)\]"
_NAME_SPLIT = re.compile(r"[\s\-‐]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})

# Given names and surnames that are also everyday English words, more so in support tickets.
_EVERYDAY = """
    amber april august baker bank banks bell best bill bird bishop black bond brown bush card
    case cash chase church cook dale dawn dean drew faith field ford fox frank gene glen grace
    grant gray green grey hall hill holly hope hunter iris ivy jade joy judge june king lamb lane
    little long major mark max may miles moss nash noble page pat pearl penny post price ray rice
    rich river rocky rod rose ruby sage sandy sharp short sky small star stone strong summer swift
    white will wolf wood young
"""
EVERYDAY_WORDS = frozenset(_EVERYDAY.split())
_DETERMINER = re.compile(
    r"(?<!\w)(?:the|a|an|my|your|our|their|his|her|its|this|that|these|those|each|every|per|no"
    r"|any|some)\s+$",
    re.IGNORECASE,
)
_CODE_AFTER = re.compile(r"[-#]?[0-9]")


def fold(text: str) -> str:
    """``text`` with accents dropped and quotes straightened, one character for one."""
    folded = []
    for char in text.translate(_QUOTES):
        if char.isascii():
            folded.append(char)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded.append(base if len(base) == 1 else char)
    return "".join(folded)


def name_detector(names: Iterable[str]) -> Callable[[str], list[Span]]:
    """A detector for the given people's full names and name parts of 3+ letters."""
    variants: set[str] = set()
    for name in names:
        full = " ".join(fold(name).split())
        if sum(char.isalpha() for char in full) < 2:
            continue
        variants.add(full)
        for part in {full, *full.split(), *_NAME_SPLIT.split(full)}:
            if sum(char.isalpha() for char in part) >= 3:
                variants.add(part)
    if not variants:
        return lambda text: []
    alternatives = "|".join(
        r"\s+".join(re.escape(word) for word in variant.split())
        for variant in sorted(variants, key=len, reverse=True)
    )
    # Placeholders are matched first and skipped, so that a person called "Name" or "Iban" does
    # not turn "[NAME]" into "[[NAME]]" on a second pass.
    pattern = re.compile(rf"{PLACEHOLDER}|(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def detect(text: str) -> list[Span]:
        return [
            match.span()
            for match in pattern.finditer(fold(text))
            if not match.group().startswith("[") and _is_the_person(text, match)
        ]

    return detect


def _is_the_person(text: str, match: re.Match[str]) -> bool:
    """Whether a match is the person, not the everyday word that is also their name."""
    if match.group().lower() not in EVERYDAY_WORDS:
        return True
    start, end = match.span()
    return (
        text[start].isupper()
        and _DETERMINER.search(text, max(0, start - 12), start) is None
        and _CODE_AFTER.match(text, end) is None
    )
