"""The figures a sentence states, made comparable: a unit's dimension and a value range in its
base unit ("within 2 weeks" -> duration [20160, 20160] minutes; "3 to 7 business days" ->
business days [3, 7]; "$500" -> usd [500, 500]).

Units are recognised by ``assistant.answerers.conflicts.quantities`` (the answerers' own reading
of "14 days", "500 USD", "$20"); this module adds what a knowledge-base audit needs beyond one
answer: durations in different units compare ("24 hours" against "1 day"), a range
("3 to 7 days", "1-30 days") is one interval, not its upper bound, and a count may have a word
or two between number and noun ("5 failed sign-in attempts"). It also tells apart two
sentences about different things that look alike ("monthly plans" against "annual plans").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import Stemmer

from assistant.answerers.common import STOPWORDS
from assistant.answerers.conflicts import quantities

# unit (as the answerers name it) -> (dimension, factor to the dimension's base unit)
_DIMENSIONS: dict[str, tuple[str, float]] = {
    "second": ("duration", 1 / 60),
    "minute": ("duration", 1.0),
    "hour": ("duration", 60.0),
    "day": ("duration", 1440.0),
    "week": ("duration", 7 * 1440.0),
    "month": ("duration", 30 * 1440.0),
    "year": ("duration", 365 * 1440.0),
    "mb": ("data size", 1.0),
    "gb": ("data size", 1000.0),
}
TOLERANCE = 0.02  # relative: "12 months" (360 days) and "1 year" (365 days) state the same
_NUMBER = r"\d+(?:[.,]\d+)*"
_RANGE = re.compile(
    rf"(?<![\w.])({_NUMBER})\s*(?:-|–|to|and)\s*({_NUMBER})(\s*-?\s*[A-Za-z%]+(?:\s+[A-Za-z]+)?)"
)
# "5 failed sign-in attempts": a count whose noun comes after a word or two describing it
_COUNTED = ("request", "seat", "user", "receipt", "attempt", "code")
_COUNT = re.compile(
    rf"(?<![\w.-])({_NUMBER})\s+((?:[A-Za-z][\w-]*\s+){{1,2}}?)({'|'.join(_COUNTED)})s?\b", re.I
)
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|[^\sa-z0-9]")
_STEMMER = Stemmer.Stemmer("english")

Interval = tuple[float, float]


@dataclass(frozen=True)
class Figures:
    """A sentence's figures: per dimension, the intervals stated (base unit) and how the
    sentence wrote them."""

    intervals: dict[str, tuple[Interval, ...]]
    written: dict[str, str]

    def __bool__(self) -> bool:
        return bool(self.intervals)


def figures(sentence: str) -> Figures:
    intervals: dict[str, list[Interval]] = {}
    written: dict[str, list[str]] = {}

    def add(unit: str, low: float, high: float, text: str) -> None:
        dimension, factor = _DIMENSIONS.get(unit, (unit, 1.0))
        intervals.setdefault(dimension, []).append((low * factor, high * factor))
        written.setdefault(dimension, []).append(" ".join(text.split()))

    rest = sentence
    for match in _RANGE.finditer(sentence):
        low, high, unit_text = match.groups()
        units = quantities(f"{high}{unit_text}")
        if len(units) != 1:
            continue
        (unit,) = units
        add(unit, _number(low), _number(high), match.group(0))
        rest = rest.replace(match.group(0), " ", 1)
    for match in _COUNT.finditer(rest):
        number, between, unit = match.groups()
        if any(w.lower() in STOPWORDS or quantities(f"1 {w}") for w in between.split()):
            continue
        add(unit.lower(), _number(number), _number(number), _display(unit.lower(), number))
        rest = rest.replace(match.group(0), " ", 1)
    for unit, values in quantities(rest).items():
        for value in sorted(values, key=_number):
            add(unit, _number(value), _number(value), _display(unit, value))
    return Figures(
        {d: tuple(v) for d, v in intervals.items()},
        {d: ", ".join(dict.fromkeys(w)) for d, w in written.items()},
    )


def _number(text: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    return float(text.replace(",", "."))


_SYMBOLS = {"percent": "%", "usd": " USD", "eur": " EUR", "gbp": " GBP", "cad": " CAD"}
_SYMBOLS |= {"aud": " AUD", "mb": " MB", "gb": " GB"}


def _display(unit: str, value: str) -> str:
    if unit in _SYMBOLS:
        return f"{value}{_SYMBOLS[unit]}"
    return f"{value} {unit}{'' if value == '1' else 's'}"


def _overlap(a: Interval, b: Interval) -> bool:
    slack = TOLERANCE * max(abs(a[1]), abs(b[1]))
    return a[0] <= b[1] + slack and b[0] <= a[1] + slack


def disagreement(a: Figures, b: Figures) -> str | None:
    """The first dimension both sentences state figures in that share no value at all (every
    interval of one apart from every interval of the other), or None."""
    for dimension, mine in a.intervals.items():
        theirs = b.intervals.get(dimension)
        if theirs and not any(_overlap(x, y) for x in mine for y in theirs):
            return dimension
    return None


def _tokens(sentence: str) -> list[str | None]:
    """Stemmed content words in order; None for a stop word, number or punctuation (they break
    adjacency)."""
    out: list[str | None] = []
    for token in _TOKEN.findall(sentence.lower()):
        if token in STOPWORDS or not token[0].isalpha() or len(token) < 2:
            out.append(None)
        else:
            out.append(_STEMMER.stemWord(token))
    return out


def _modifiers(tokens: list[str | None]) -> dict[str, set[str]]:
    """Content word -> the content words right before it ("annual plans": plan <- annual)."""
    found: dict[str, set[str]] = {}
    for before, word in itertools.pairwise(tokens):
        if before and word:
            found.setdefault(word, set()).add(before)
    return found


def contrasted(a: str, b: str) -> bool:
    """Whether two sentences qualify the same word differently, each with a word the other never
    uses ("monthly plans" against "annual plans"): they are about different things, however
    alike the rest reads."""
    tokens_a, tokens_b = _tokens(a), _tokens(b)
    words_a, words_b = set(filter(None, tokens_a)), set(filter(None, tokens_b))
    mods_a, mods_b = _modifiers(tokens_a), _modifiers(tokens_b)
    for word in mods_a.keys() & mods_b.keys():
        if (mods_a[word] - words_b) and (mods_b[word] - words_a):
            return True
    return False
