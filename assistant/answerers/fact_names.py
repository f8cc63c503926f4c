"""The named items and opposites a cited sentence must share with its passage (see ``facts``).

Named items are checked nearly verbatim (case and a plural "s" aside): codes ("INV-4410", "2FA"),
quoted or bold labels ("**Send reset link**"), menu paths ("Settings > Subscription") and
capitalised terms (plan names like "Growth", products, "SSO", which may also stand for the
passage's "single sign-on"); the sentence's first word only when it reads as a name ("Premium
customers", "Business and Growth").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Unsupported:
    """One thing a claim states that its passage does not: its ``kind`` ("duration", "name",
    "opposite"...), the claim's own words for it, and what the passage says instead if known."""

    kind: str
    text: str
    note: str = ""

    def __str__(self) -> str:
        return f"{self.kind} '{self.text}'" + (f" ({self.note})" if self.note else "")


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)


# (one pole, the other, strict). A claim's pole must be in its passage when strict; otherwise it is
# only refused when the passage has the other pole and not this one.
_POLES = [
    (_words(one), _words(other), strict)
    for one, other, strict in (
        ("oldest|earliest", "newest|latest|most recent", True),
        ("minimum|at least|no less than|no fewer than", "maximum|at most|up to|no more than", True),
        ("highest", "lowest", True),
        ("largest|biggest", "smallest", True),
        ("longest", "shortest", True),
        ("older", "newer|more recent", False),
        ("earlier", "later", False),
        ("before|prior to", "after", False),
        ("more", "less|fewer", False),
        ("greater|larger|bigger", "smaller", False),
        ("higher", "lower", False),
        ("longer", "shorter", False),
        ("above|exceeds?|exceeding", "below|under", False),
        ("(?<!at )most(?! recent)", "(?<!at )least", False),
        (r"increas\w*", r"decreas\w*", False),
        (r"upgrad\w*", r"downgrad\w*", False),
        (r"enabl\w*|turn\w* on", r"disabl\w*|turn\w* off", False),
        ("monthly", r"annual\w*|yearly", False),
        ("full", r"partial\w*", False),
    )
]
_CODE = re.compile(r"\b[A-Za-z]+[-_]?\d[\w-]*\b|\b\d+[A-Z]{2,}\b")
_LABEL = re.compile(r"\*\*(.+?)\*\*|\"([^\"\n]+)\"|“([^”\n]+)”|(?<!\w)'([^'\n]+?)'(?!\w)")
_SEP = r"\s*(?:>|›|→|»)\s*"
_SEGMENT = r"[\w'&-]+(?: [\w'&-]+){0,3}"
_PATH = re.compile(rf"{_SEGMENT}(?:{_SEP}{_SEGMENT})+")
_SEGMENT_END = frozenset(
    """a an and at click choose for from in into on or open page press screen section select tab
    tap the then to menu when where with you your""".split()  # noqa: SIM905
)
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*")
_OPENERS = tuple(".:;!?(—–-")
# What makes the sentence's first word a name too: "Premium customers", "Business and Growth"
_NAME_NEXT = re.compile(
    r"\s+(?:plans?|tiers?|customers?|accounts?|subscriptions?|users?|editions?|workspaces?)\b"
    r"|(?:,|\s+(?:and|or|&))\s+[A-Z]"
)
_DIGIT_INITIALS = dict(zip("123456789", "ottffssen", strict=True))  # one, two, three...
CURRENCY_CODES = frozenset(
    ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "INR", "SEK", "NOK", "DKK"]
)


def opposites(claim: str, passage: str, *, strict: bool = True) -> list[Unsupported]:
    """ "oldest" for the passage's "newest", "before" for its "after", "maximum" it never says
    (only the first two kinds unless ``strict``)."""
    problems = []
    for one, other, needed in _POLES:
        for mine, theirs in ((one, other), (other, one)):
            said = mine.search(claim)
            if not said or mine.search(passage):
                continue
            if contrary := theirs.search(passage):
                note = f"the passage says '{contrary.group(0)}'"
                problems.append(Unsupported("opposite", said.group(0), note))
            elif strict and needed:
                problems.append(Unsupported("opposite", said.group(0), "not in the passage"))
    return problems


def code_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CODE.finditer(text)]


def _flat(text: str) -> str:
    text = re.sub(r"\*\*|[\"“”`]", "", text)
    return " ".join(re.sub(_SEP, " > ", text).lower().split())


def _has(flat: str, phrase: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", flat))


def _menu_paths(match: str) -> list[list[str]]:
    """What a matched path may name, most words first: the last segment ends before a word like
    "and" or "click", and the first is one of the runs of capitalised words before the first
    separator ("Open Settings > Users" may be "Settings > Users")."""
    segments = [s.split() for s in re.split(_SEP, match)]
    first = segments[0]
    start = len(first) - 1
    while start > 0 and first[start - 1][:1].isupper():
        start -= 1
    last: list[str] = []
    for word in segments[-1]:
        if word.lower().strip(".,;:!?") in _SEGMENT_END:
            break
        last.append(word.strip(".,;:!?"))
    rest = [*(" ".join(s) for s in segments[1:-1]), " ".join(last)]
    return [[" ".join(first[i:]), *rest] for i in range(start, len(first))]


def _spelled(code: str) -> str | None:
    """The initials "2FA" stands for ("tfa": two-factor authentication); None for other codes."""
    if code[0] in _DIGIT_INITIALS and code[1:].isalpha():
        return _DIGIT_INITIALS[code[0]] + code[1:]
    return None


def _labelled(
    claim: str, flat: str, initials: str
) -> tuple[list[Unsupported], list[tuple[int, int]]]:
    problems, spans = [], []
    for match in _CODE.finditer(claim):
        spans.append(match.span())
        code = match.group(0).lower()
        spelled = _spelled(code)
        if not _has(flat, code) and not (spelled and spelled in initials):
            problems.append(Unsupported("code", match.group(0)))
    for match in _LABEL.finditer(claim):
        spans.append(match.span())
        label = next(g for g in match.groups() if g is not None)
        wanted = _flat(label).strip(" .,;:!?")
        if wanted and not re.search(_SEP, label) and not _has(flat, wanted):
            problems.append(Unsupported("label", label))
    for match in _PATH.finditer(claim.replace("**", "  ")):
        paths = [" > ".join(path) for path in _menu_paths(match.group(0))]
        if not all(segment[:1].isupper() for segment in paths[-1].split(" > ")):
            continue  # "amounts > 500 USD" compares; menu items are capitalised
        spans.append(match.span())
        if not any(_has(flat, path.lower()) for path in paths):
            problems.append(Unsupported("menu path", paths[-1]))
    return problems, spans


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words)


def _named(word: str, words: set[str], initials: str) -> bool:
    plain = re.sub(r"['’]s$", "", word).lower()
    parts = [p for p in re.split(r"\W", plain) if p]
    if all(p in words or p.rstrip("s") in words or p + "s" in words for p in parts):
        return True
    return word.isupper() and len(word) >= 3 and plain in initials


def name_conflicts(claim: str, passage: str) -> list[Unsupported]:
    """Codes, labels, menu paths and capitalised terms of ``claim`` that ``passage`` lacks."""
    flat = _flat(passage)
    sequence = re.findall(r"[a-z0-9]+", passage.lower())
    words, initials = set(sequence), _initials(sequence)
    problems, spans = _labelled(claim, flat, initials)
    for match in _CAPITALISED.finditer(claim):
        word, at = match.group(0).rstrip("'’-"), match.start()
        before = claim[:at].rstrip(" *\"“'‘[")
        opening = not before or before.endswith(_OPENERS)
        if (opening and not _NAME_NEXT.match(claim, match.end())) or any(
            s <= at < e for s, e in spans
        ):
            continue
        if word != "I" and word not in CURRENCY_CODES and not _named(word, words, initials):
            problems.append(Unsupported("name", word))
    return problems
