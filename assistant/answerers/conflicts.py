"""Quantity conflicts between passages: two sources that state different figures (days, amounts,
limits) for the same thing.

A sentence's quantities are read as (unit, value) pairs ("within 14 days" -> ("day", "14"),
"500 USD" -> ("usd", "500")). Two sentences from different documents conflict when they share a
unit whose values do not overlap at all and otherwise talk about the same thing (most of their
content words, numbers and units aside, are shared). The fresher source wins: a source that is
not stale beats a stale one, then the later ``updated_at``; the other sentence is kept out of
the answer and the reply draft, and the suggestion carries a warning naming both sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answerers.confidence import stems
from assistant.retrieval import RetrievedChunk

_UNITS = {
    "business day": "business day",
    "working day": "business day",
    "day": "day",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
    "week": "week",
    "month": "month",
    "year": "year",
    "%": "percent",
    "percent": "percent",
    "usd": "usd",
    "eur": "eur",
    "gbp": "gbp",
    "cad": "cad",
    "aud": "aud",
    "mb": "mb",
    "gb": "gb",
    "request": "request",
    "seat": "seat",
    "user": "user",
    "receipt": "receipt",
    "attempt": "attempt",
    "code": "code",
}
_CURRENCY_SIGNS = {"$": "usd", "€": "eur", "£": "gbp"}
_NUMBER = r"\d+(?:[.,]\d+)*"
_UNIT = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_AFTER = re.compile(rf"(?<![\w.-])({_NUMBER})(?:\s*-\s*|\s+|)({_UNIT})(?:s\b|\b|(?<=%))", re.I)
_BEFORE = re.compile(rf"([$€£])\s?({_NUMBER})")
_NOISE = re.compile(rf"{_NUMBER}|\b(?:{_UNIT})s?\b", re.I)

SAME_TOPIC = 0.3  # Jaccard of two sentences' content stems (numbers and units left out)
MIN_SHARED = 2  # content stems two conflicting sentences have in common, at least


def quantities(sentence: str) -> dict[str, frozenset[str]]:
    """The figures a sentence states, by unit: ``{"day": {"14"}}`` for "within 14 days"."""
    found: dict[str, set[str]] = {}
    for number, unit in _AFTER.findall(sentence):
        found.setdefault(_UNITS[unit.lower()], set()).add(_value(number))
    for sign, number in _BEFORE.findall(sentence):
        found.setdefault(_CURRENCY_SIGNS[sign], set()).add(_value(number))
    return {unit: frozenset(values) for unit, values in found.items()}


def _value(number: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", number):
        number = number.replace(",", "")
    if re.fullmatch(r"\d+\.\d+", number):
        number = number.rstrip("0").rstrip(".")
    return number


def topic(sentence: str) -> frozenset[str]:
    """Content stems of a sentence without its figures and units."""
    return frozenset(stems(_NOISE.sub(" ", sentence)))


@dataclass(frozen=True)
class Claim:
    """A sentence of a passage that states figures."""

    passage: int  # index in the passages
    position: int  # index among the passage's sentences
    text: str
    figures: dict[str, frozenset[str]]
    about: frozenset[str]


@dataclass(frozen=True)
class Conflict:
    kept: Claim  # from the fresher source
    dropped: Claim
    unit: str
    warning: str


def claims(passage: int, sentences: Sequence[str]) -> list[Claim]:
    out = []
    for position, text in enumerate(sentences):
        figures = quantities(text)
        if figures:
            out.append(Claim(passage, position, text, figures, topic(text)))
    return out


def _clash(a: Claim, b: Claim) -> str | None:
    """The unit two claims state different figures in, if they are about the same thing."""
    shared = a.about & b.about
    union = a.about | b.about
    if len(shared) < MIN_SHARED or len(shared) / max(1, len(union)) < SAME_TOPIC:
        return None
    for unit, values in a.figures.items():
        other = b.figures.get(unit)
        if other is not None and not values & other:
            return unit
    return None


def _freshness(chunk: RetrievedChunk) -> tuple[bool, str]:
    return (not chunk.stale, str(chunk.metadata.get("updated_at") or ""))


def _name(chunk: RetrievedChunk) -> str:
    title = f" ({chunk.title})" if chunk.title else ""
    return f"{chunk.doc_id}{title}{', stale' if chunk.stale else ''}"


def _figure(claim: Claim, unit: str) -> str:
    values = " / ".join(sorted(claim.figures[unit], key=lambda v: (len(v), v)))
    return f"{values} {unit}{'' if unit in ('percent', 'usd', 'eur', 'gbp') else 's'}"


def find_conflicts(
    passages: Sequence[RetrievedChunk], candidates: Sequence[Claim]
) -> list[Conflict]:
    """Pairs of claims from different documents that state different figures for the same
    thing, each resolved for the fresher source (the first such pair per pair of documents)."""
    conflicts: list[Conflict] = []
    seen: set[tuple[str, str]] = set()
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            first, second = passages[a.passage], passages[b.passage]
            pair = tuple(sorted((first.doc_id, second.doc_id)))
            if first.doc_id == second.doc_id or pair in seen:
                continue
            unit = _clash(a, b)
            if unit is None:
                continue
            seen.add((pair[0], pair[1]))
            kept, dropped = (a, b) if _freshness(first) >= _freshness(second) else (b, a)
            fresh, old = passages[kept.passage], passages[dropped.passage]
            warning = (
                f"Sources disagree: {_name(old)} says {_figure(dropped, unit)}, "
                f"{_name(fresh)} says {_figure(kept, unit)}; the suggestion follows "
                f"{fresh.doc_id}, the fresher source. Check before you send."
            )
            conflicts.append(Conflict(kept, dropped, unit, warning))
    return conflicts
