"""Scorers for what an agent sees in a suggestion: its first citation, its facts, its next
actions, its reply draft and how well its confidence is calibrated.

Every function here is pure (standard library, plus the source-type registry's flags). The
per-item results are averaged by ``evals.quality``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TypedDict

from assistant.answerers.reply import ReplyTemplate
from ingest.sources.registry import flags_of

__all__ = [
    "Passage",
    "ReliabilityBin",
    "agent_facing_first",
    "citation_order",
    "expected_calibration_error",
    "fact_recall",
    "fact_tokens",
    "next_actions_correct",
    "reliability_bins",
    "top_citation_correct",
    "unsafe_draft_sentences",
    "wrong_playbook",
]

# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        [
            *("zero", "one", "two", "three", "four", "five", "six"),
            *("seven", "eight", "nine", "ten", "eleven", "twelve"),
        ]
    )
}


def _number(token: str) -> str:
    """``1,480`` -> ``1480``; ``310.00`` -> ``310``; ``2.50`` -> ``2.5``; versions stay."""
    if _GROUPED.fullmatch(token):
        token = token.replace(",", "")
    if re.fullmatch(r"\d+\.\d+", token):
        token = token.rstrip("0").rstrip(".")
    return token


def _word(token: str) -> str:
    token = _NUMBER_WORDS.get(token, token)
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]  # "minutes" and "minute" are the same fact
    return token


def fact_tokens(text: str) -> list[str]:
    """Lowercased words and numbers, tolerant of number formats and plurals.

    Punctuation and Markdown marks are dropped; ``1,480`` and ``1480``, ``310.00`` and ``310``,
    ``five`` and ``5``, ``days`` and ``day`` give the same token, and ``5 to 10`` reads as
    ``5-10``.
    """
    tokens = [_number(t) if t[0].isdigit() else _word(t) for t in _TOKEN.findall(text.lower())]
    return [t for n, t in enumerate(tokens) if not (t == "to" and _between_numbers(tokens, n))]


def _between_numbers(tokens: Sequence[str], n: int) -> bool:
    return 0 < n < len(tokens) - 1 and tokens[n - 1][0].isdigit() and tokens[n + 1][0].isdigit()


def _contains(tokens: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(tokens[i : i + n] == list(part) for i in range(len(tokens) - n + 1))


# --------------------------------------------------------------------------- answers


def fact_recall(answer: str, facts: Sequence[str]) -> float | None:
    """Share of ``facts`` the answer states (as a run of ``fact_tokens``); None without facts.

    An empty answer (an abstention) states none of them.
    """
    if isinstance(facts, str):
        raise TypeError("facts must be a sequence of strings, not a str")
    if not facts:
        return None
    tokens = fact_tokens(answer)
    return sum(1 for fact in facts if _contains(tokens, fact_tokens(fact))) / len(facts)


_MARK = re.compile(r"\[(\d+)\]")


def citation_order(answer: str) -> list[int]:
    """The citation numbers of ``[n]`` marks, in the order the answer first uses them."""
    return list(dict.fromkeys(int(n) for n in _MARK.findall(answer)))


def top_citation_correct(top_doc: str | None, expected: Collection[str]) -> float | None:
    """1.0 when the document cited first is an expected one; None when nothing is expected.

    No citation at all (``top_doc`` None, e.g. an abstention) scores 0.0.
    """
    if isinstance(expected, str):
        raise TypeError("expected must be a collection of doc ids, not a str")
    if not expected:
        return None
    return 1.0 if top_doc is not None and top_doc in expected else 0.0


def agent_facing_first(answer: str, source_types: Mapping[int, str]) -> float | None:
    """1.0 when the answer's first cited sentence comes from an agent-facing source.

    ``source_types`` maps citation numbers to source types; agent-facing is the registry's
    flag (articles and playbooks, not tickets). None for an empty answer; 0.0 when the answer
    cites nothing or its first mark names no citation.
    """
    if not answer.strip():
        return None
    order = citation_order(answer)
    if not order or order[0] not in source_types:
        return 0.0
    return 1.0 if flags_of(source_types[order[0]]).agent_facing else 0.0


# ---------------------------------------------------------------------- next actions


def wrong_playbook(expected: str | None, playbooks: Collection[str]) -> bool:
    """True when an action comes from a playbook other than ``expected`` (None: no playbook
    fits, so any action is wrong)."""
    if isinstance(playbooks, str):
        raise TypeError("playbooks must be a collection of playbook ids, not a str")
    return any(p != expected for p in playbooks)


def next_actions_correct(
    expected: str | None,
    expected_kinds: Collection[str],
    playbooks: Collection[str],
    kinds: Collection[str],
) -> bool:
    """The right playbook, or rightly none.

    ``expected`` None: correct when no action is suggested. Otherwise correct when actions are
    suggested, all from ``expected``, and every expected kind is among them.
    """
    if isinstance(expected_kinds, str) or isinstance(kinds, str):
        raise TypeError("kinds must be collections of action kinds, not a str")
    if expected is None:
        return not playbooks
    if not playbooks or wrong_playbook(expected, playbooks):
        return False
    return set(expected_kinds) <= set(kinds)


# ----------------------------------------------------------------------- reply drafts

MIN_DRAFT_TOKENS = 5  # shorter draft sentences (greetings, sign-offs) are not attributed
SOURCE_OVERLAP = 0.7  # share of a sentence's word pairs a passage must hold to be its source
_DRAFT_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Passage:
    """A passage a suggestion was built from: its text and whether a customer may read it."""

    text: str
    public: bool
    stale: bool = False

    @property
    def safe(self) -> bool:
        return self.public and not self.stale


def _pairs(tokens: Sequence[str]) -> set[tuple[str, str]]:
    return set(pairwise(tokens))


def unsafe_draft_sentences(draft: str, passages: Sequence[Passage]) -> list[str]:
    """The reply-draft sentences whose source is a non-public or stale passage.

    A sentence's source is the passage that holds the largest share (at least
    ``SOURCE_OVERLAP``) of its consecutive word pairs; on a tie a safe passage wins, so a
    sentence that a public, fresh passage also states is not counted. Sentences under
    ``MIN_DRAFT_TOKENS`` words are skipped.
    """
    held = [(_pairs(fact_tokens(p.text)), p.safe) for p in passages]
    unsafe: list[str] = []
    for sentence in (s.strip() for s in _DRAFT_SENTENCE.split(draft)):
        tokens = fact_tokens(sentence)
        if len(tokens) < MIN_DRAFT_TOKENS:
            continue
        pairs = _pairs(tokens)
        best: tuple[float, bool] = (0.0, True)
        for passage_pairs, safe in held:
            share = len(pairs & passage_pairs) / len(pairs)
            best = max(best, (share, safe))
        if best[0] >= SOURCE_OVERLAP and not best[1]:
            unsafe.append(sentence)
    return unsafe


# ------------------------------------------------------------------------ calibration


class ReliabilityBin(TypedDict):
    """One confidence bin: its bounds, how many suggestions fell in it, their mean confidence
    and the share of them that were correct."""

    lower: float
    upper: float
    count: int
    confidence: float
    accuracy: float


def draft_body(draft: str, template: ReplyTemplate | None = None) -> str:
    """What a reply draft tells the customer: the draft without the template's opening and
    closing and without its "More details:" line of links (scored against the reference)."""
    frame = template or ReplyTemplate()
    text = draft.strip()
    text = text.removeprefix(frame.opening.strip()).removesuffix(frame.closing.strip())
    kept = [p for p in text.split("\n\n") if p.strip() and not p.startswith("More details: ")]
    return "\n\n".join(p.strip() for p in kept)


def _bin_of(confidence: float, bins: int) -> int:
    # (lower, upper] bins, the first one closed at 0, as sklearn's calibration_curve bins them
    return sum(1 for edge in range(1, bins) if confidence > edge / bins)


def reliability_bins(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1] of ``(confidence, correct)`` pairs; empty bins are left out."""
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    grouped: dict[int, list[tuple[float, bool]]] = {}
    for confidence, correct in pairs:
        if math.isnan(confidence) or not 0.0 <= confidence <= 1.0:
            raise ValueError(f"confidence must be in [0, 1], got {confidence}")
        grouped.setdefault(_bin_of(confidence, bins), []).append((confidence, correct))
    return [
        {
            "lower": n / bins,
            "upper": (n + 1) / bins,
            "count": len(rows),
            "confidence": math.fsum(c for c, _ in rows) / len(rows),
            "accuracy": sum(1 for _, ok in rows if ok) / len(rows),
        }
        for n, rows in sorted(grouped.items())
    ]


def expected_calibration_error(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> float | None:
    """ECE: the count-weighted mean gap between confidence and accuracy over equal-width bins.

    None without any pair.
    """
    table = reliability_bins(pairs, bins)
    total = sum(b["count"] for b in table)
    if not total:
        return None
    return math.fsum(b["count"] / total * abs(b["accuracy"] - b["confidence"]) for b in table)
