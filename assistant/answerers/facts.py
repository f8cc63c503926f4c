"""Does a cited sentence state the facts of its passage? Pure functions, no model.

``check(claim, passage)`` lists what the claim asserts that the passage does not:
- quantities: numbers, durations (converted: "an hour" is "60 minutes"), amounts with their
  currency, percentages (``quantities``);
- polarity: a clause negated ("cannot", "does not", "without") about words its passage states
  positively, or the reverse (``polarity_conflicts``);
- opposites: "oldest" where the passage says "newest", "minimum" for "maximum"...;
- named items: capitalised terms (plan and product names), quoted or bold UI labels, menu paths
  ("Settings > Billing") and codes ("INV-4410") (``assistant.answerers.fact_names``).
Word overlap is reported too, for a low floor against pure fabrication: a paraphrase whose facts
all check out is kept even when it shares few words with the passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache

from assistant.answerers.fact_names import (
    CURRENCY_CODES,
    Unsupported,
    code_spans,
    name_conflicts,
    opposites,
)
from assistant.answerers.fact_negation import WORD, aligned, content_stems, polarity_conflicts

__all__ = ["FactCheck", "Quantity", "Unsupported", "check", "overlap", "quantities"]

_ONES = """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty""".split()  # noqa: SIM905
_NUMBER_WORDS = {word: value for value, word in enumerate(_ONES)}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_MINUTES = {"second": Fraction(1, 60), "sec": Fraction(1, 60), "minute": Fraction(1)}
_MINUTES |= {"min": Fraction(1), "hour": Fraction(60), "hr": Fraction(60), "day": Fraction(1440)}
_MINUTES |= {"week": Fraction(10080)}
_MONTHS = {"month": Fraction(1), "year": Fraction(12)}
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "dollar": "USD", "euro": "EUR"}
_CURRENCIES |= {code.lower(): code for code in CURRENCY_CODES}
_TOKEN = re.compile(
    r"[$€£%]|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:st|nd|rd|th)\b|\d+(?:\.\d+)?"
    r"|[a-z]+(?:['’-][a-z]+)*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A number as written (``text``), its ``value``, and its kind: ``number`` (bare),
    ``duration`` (``unit`` is "minutes", "months" or "business days"; ``base`` in that unit),
    ``amount`` (``unit`` is the currency) or ``percentage``."""

    text: str
    value: Fraction
    kind: str = "number"
    unit: str = ""
    base: Fraction = Fraction(0)
    nouns: tuple[str, ...] = ()  # the content words (stemmed) that follow it

    def found_in(self, others: Iterable[Quantity]) -> bool:
        """A bare number is found as the same value followed by the same word ("5 attempts" in
        "5 failed attempts", not in "step 5"), anything else as the same quantity."""
        if self.kind == "number":
            noun = self.nouns[:1]
            return any(
                self.value in (o.value, o.base) and (not noun or noun[0] in o.nouns) for o in others
            )
        return any((o.kind, o.unit, o.base) == (self.kind, self.unit, self.base) for o in others)


@dataclass(frozen=True)
class FactCheck:
    unsupported: tuple[Unsupported, ...]
    overlap: float  # share of the claim's content words found in the passage

    def holds(self, min_overlap: float) -> bool:
        return not self.unsupported and self.overlap >= min_overlap


def check(claim: str, passage: str) -> FactCheck:
    """What ``claim`` states that ``passage`` does not, and how many of its words it shares."""
    found = _quantities(passage)
    problems = [Unsupported(q.kind, q.text) for q in quantities(claim) if not q.found_in(found)]
    pairs = aligned(claim, passage)
    problems += opposites(claim, passage)
    for mine, partners in pairs:  # "before" where the very clause it restates says "after"
        problems += opposites(mine.text, "\n".join(c.text for c in partners), strict=False)
    problems += polarity_conflicts(pairs) + name_conflicts(claim, passage)
    return FactCheck(tuple(dict.fromkeys(problems)), overlap(claim, passage))


def _number(word: str) -> Fraction | None:
    if word[0].isdigit():
        return Fraction(re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", word).replace(",", ""))
    if word in _NUMBER_WORDS:
        return Fraction(_NUMBER_WORDS[word])
    if word == "twice":
        return Fraction(2)
    tens, _, unit = word.partition("-")
    if tens in _TENS and (not unit or _NUMBER_WORDS.get(unit, 10) < 10):
        return Fraction(_TENS[tens] + _NUMBER_WORDS.get(unit, 0))
    return None


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased tokens with their spans; "six-digit" is "six" and "digit", "sixty-five" one."""
    tokens = []
    for match in _TOKEN.finditer(text):
        word, start, end = match.group(0).lower(), match.start(), match.end()
        head, dash, rest = word.partition("-")
        if dash and _number(word) is None and _number(head) is not None:
            tokens += [(head, start, start + len(head)), (rest, end - len(rest), end)]
        else:
            tokens.append((word, start, end))
    return tokens


def _unit(words: list[str]) -> tuple[str, Fraction, int] | None:
    """(unit, factor, words used) of a duration that starts ``words``."""
    if len(words) > 1 and words[0] in ("business", "working") and words[1].rstrip("s") == "day":
        return "business days", Fraction(1), 2
    word = words[0].rstrip("s") if words else ""
    if word in _MINUTES:
        return "minutes", _MINUTES[word], 1
    if word in _MONTHS:
        return "months", _MONTHS[word], 1
    return None


def quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``. "one" counts only before a unit ("one hour"), "a"/"an" only
    as "an hour" (not "twice a month"), and numbers inside codes (INV-4410, 2FA) not at all."""
    return list(_quantities(text))


@lru_cache(maxsize=64)  # the same passages are read for every sentence of an answer
def _quantities(text: str) -> tuple[Quantity, ...]:
    for start, end in code_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    tokens = _tokens(text)
    words = [t for t, _, _ in tokens]
    found: list[tuple[int, Quantity]] = []
    for i, (word, start, _) in enumerate(tokens):
        value = _number(word)
        unit = _unit(words[i + 1 : i + 3])
        frequency = i and words[i - 1] in ("once", "twice", "times", "per")  # "twice a month"
        if value is None and word in ("a", "an") and unit and words[i + 1] != "second":
            value = None if frequency else Fraction(1)
        if value is None or (word == "one" and not unit):
            continue
        after, before = words[i + 1 : i + 3], words[i - 1] if i else ""
        end = tokens[i + (unit[2] if unit else 0)][2]
        nouns = tuple(content_stems(words[i + 1 : i + 6])[:3]) if word != "twice" else ()
        if after[:1] in (["%"], ["percent"]) or after == ["per", "cent"]:
            end = tokens[i + (2 if after == ["per", "cent"] else 1)][2]
            quantity = Quantity(text[start:end], value, "percentage", "%", value, nouns)
        elif before in _CURRENCIES or (after and after[0].rstrip("s") in _CURRENCIES):
            money = _CURRENCIES.get(before) or _CURRENCIES[after[0].rstrip("s")]
            first, last = (
                (tokens[i - 1][1], end) if before in _CURRENCIES else (start, tokens[i + 1][2])
            )
            quantity = Quantity(text[first:last], value, "amount", money, value, nouns)
        elif unit:
            quantity = Quantity(text[start:end], value, "duration", unit[0], value * unit[1], nouns)
        else:
            quantity = Quantity(text[start:end], value, nouns=nouns)
        found.append((i, quantity))
    return tuple(_spread_units(found, tokens, text))


def _spread_units(
    found: list[tuple[int, Quantity]], tokens: list[tuple[str, int, int]], text: str
) -> list[Quantity]:
    """ "3 to 7 business days", "3-7 days": the bare 3 takes the unit of the 7."""
    spread = [q for _, q in found]
    for n in range(len(found) - 1):
        (i, this), (j, following) = found[n], found[n + 1]
        between = text[tokens[i][2] : tokens[j][1]]
        joined = bool(re.fullmatch(r"\s*(?:-|–|to|or|and)?\s*", between, re.IGNORECASE))
        if this.kind == "number" and following.kind != "number" and joined:
            factor = following.base / following.value if following.value else Fraction(1)
            spread[n] = replace(
                following, text=this.text, value=this.value, base=this.value * factor
            )
    return spread


def overlap(claim: str, passage: str) -> float:
    """Share of the claim's content words (lightly stemmed) that the passage contains (0..1)."""
    wanted = set(content_stems(WORD.findall(claim.lower())))
    if not wanted:
        return 1.0
    return len(wanted & set(content_stems(WORD.findall(passage.lower())))) / len(wanted)
