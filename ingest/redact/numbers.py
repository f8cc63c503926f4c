"""IBANs (checked by ``schwifty``: the country's length and layout, and the mod-97 check digits)
and payment card numbers (Luhn-checked, in one block or grouped with spaces, dashes or dots)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from schwifty.registry import get_iban_spec

from ingest.redact.spans import Span

# --- IBAN -------------------------------------------------------------------------------------

_IBAN_START = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?= ?[0-9A-Za-z])")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@functools.cache
def _iban_length(country: str) -> int | None:
    """The length of a whole IBAN of ``country`` (upper case), or None for no IBAN country."""
    try:
        return get_iban_spec(country).iban_length
    except (KeyError, SchwiftyException):
        return None


def iban_spans(text: str, checked: bool = True) -> list[Span]:
    """Where IBANs are (single spaces allowed inside). Unless ``checked``, only their length is."""
    spans: list[Span] = []
    position = 0
    while (match := _IBAN_START.search(text, position)) is not None:
        end = _iban_end(text, match.start(), checked)
        if end is None:
            position = match.start() + 1
        else:
            spans.append((match.start(), end))
            position = end
    return spans


def _iban_end(text: str, start: int, checked: bool) -> int | None:
    length = _iban_length(text[start : start + 2].upper())
    if length is None:
        return None
    chars: list[str] = []
    index = start
    while index < len(text) and len(chars) < length:
        char = text[index]
        if char in _ALNUM:
            chars.append(char)
        elif not (char == " " and index + 1 < len(text) and text[index + 1] in _ALNUM):
            break
        index += 1
    if len(chars) < length or (index < len(text) and (text[index].isalnum() or text[index] == "_")):
        return None
    return index if not checked or _iban_ok("".join(chars).upper()) else None


def _iban_ok(compact: str) -> bool:
    try:
        IBAN(compact)
    except (SchwiftyException, ValueError):
        return False
    return True


# --- payment cards ----------------------------------------------------------------------------

# Digit groups joined by single spaces, dashes or dots, standing alone (not in a word, a decimal,
# a "+CC" phone prefix or a dashed code such as INV-2041).
_CARD_RUN = re.compile(r"(?<![\w.,+-])(?>[0-9]+(?:[ .-][0-9]+)*)(?!\w|[.,][0-9])")
_DIGITS = re.compile(r"[0-9]+")
_CARD_GROUPINGS = ((4, 6, 5), (4, 6, 4))


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for run in _CARD_RUN.finditer(text):
        groups = [match.span() for match in _DIGITS.finditer(text, run.start(), run.end())]
        first = 0
        while first < len(groups):
            stop = _card_stop(text, groups, first)
            if stop is None:
                first += 1
            else:
                spans.append((groups[first][0], groups[stop - 1][1]))
                first = stop
    return spans


def _card_stop(text: str, groups: Sequence[Span], first: int) -> int | None:
    """End index (exclusive) of the longest card among the groups from ``first``, else None."""
    candidates: list[int] = []
    digits = ""
    for stop in range(first + 1, len(groups) + 1):
        digits += text[groups[stop - 1][0] : groups[stop - 1][1]]
        if len(digits) > 19:
            break
        if len(digits) >= 13 and stop - first <= 5:  # no card layout has more groups
            candidates.append(stop)
    for stop in reversed(candidates):
        chosen = groups[first:stop]
        number = "".join(text[start:end] for start, end in chosen)
        if number[0] != "0" and _card_layout_ok(text, chosen) and luhn_ok(number):
            return stop
    return None


def _card_layout_ok(text: str, groups: Sequence[Span]) -> bool:
    """One block of digits, or the usual groupings (4-4-4-4[-1..4], 4-6-5, 4-6-4), one separator."""
    if len(groups) == 1:
        return True
    separators = {text[end:start] for (_, end), (start, _) in itertools.pairwise(groups)}
    if len(separators) != 1:
        return False
    lengths = tuple(end - start for start, end in groups)
    return lengths in _CARD_GROUPINGS or (
        all(length == 4 for length in lengths[:-1]) and 1 <= lengths[-1] <= 4
    )
