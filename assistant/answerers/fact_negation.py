"""Negation: a claim clause must negate what its best-aligned passage clause does (see ``facts``).

Clauses are split at punctuation and at joints like ", but" or "without"; a negation ("not",
"cannot", "never", "without"...) covers the next few content words of its clause. A claim clause is
aligned with the passage clause it shares most content words with, and refused when one of the two
negates the shared words and the other does not ("can" for "cannot", "changes" for "does not
change").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.answerers.common import STOPWORDS, snippet
from assistant.answerers.fact_names import Unsupported

_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "cannot",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "without",
        "unable",
    ]
)
_CLAUSE = re.compile(
    r"[.;:!?\n]+|,\s*(?=(?:but|and|or|so|while|whereas|although|though|then)\b)"
    r"|\s(?=(?:but|although|though|whereas|unless|without)\b)",
    re.IGNORECASE,
)
WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
NEGATION_SCOPE = 5  # content words after a negation that it covers, within its clause
MIN_ALIGNED = 2  # shared content words before two clauses are compared for polarity


@lru_cache(maxsize=16384)
def _stem(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)] + replacement
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _is_negation(word: str) -> bool:
    return word in _NEGATIONS or word.endswith(("n't", "n’t"))


def content_stems(words: list[str]) -> list[str]:
    return [_stem(w) for w in words if w not in STOPWORDS and len(w) > 1 and not _is_negation(w)]


@dataclass(frozen=True)
class Clause:
    text: str
    words: frozenset[str]  # content stems
    negated: frozenset[str]  # the stems within the scope of a negation
    cue: str  # its first negation ("cannot"), or ""


@lru_cache(maxsize=64)  # the same passages are read for every sentence of an answer
def _clauses(text: str) -> tuple[Clause, ...]:
    clauses = []
    for piece in _CLAUSE.split(text):
        words = WORD.findall(piece.lower())
        negated: set[str] = set()
        cues = [i for i, word in enumerate(words) if _is_negation(word)]
        for i in cues:
            negated.update(content_stems(words[i + 1 :])[:NEGATION_SCOPE])
        if stems := content_stems(words):
            cue = words[cues[0]] if cues else ""
            clauses.append(Clause(piece.strip(), frozenset(stems), frozenset(negated), cue))
    return tuple(clauses)


def aligned(claim: str, passage: str) -> list[tuple[Clause, list[Clause]]]:
    """Each clause of ``claim`` with the passage clauses that share the most content words with
    it (at least ``MIN_ALIGNED``); clauses aligned with none are left out."""
    theirs = _clauses(passage)
    pairs = []
    for mine in _clauses(claim):
        shared = [len(mine.words & c.words) for c in theirs]
        best = max(shared, default=0)
        if best >= MIN_ALIGNED:
            pairs.append((mine, [c for c, n in zip(theirs, shared, strict=True) if n == best]))
    return pairs


def polarity_conflicts(pairs: list[tuple[Clause, list[Clause]]]) -> list[Unsupported]:
    """Claim clauses (``aligned``) whose negation differs from every passage clause they align
    with: one negates the words they share and the other does not ("can" for "cannot")."""
    problems = []
    for mine, partners in pairs:
        if any(bool(mine.negated & c.words) == bool(c.negated & mine.words) for c in partners):
            continue
        theirs = max(partners, key=lambda c: len(c.words))
        said = snippet(theirs.text, 60)
        if mine.negated & theirs.words:
            problems.append(Unsupported("negation", mine.cue, f"not in the passage: '{said}'"))
        else:
            note = f"in the passage, not the sentence: '{said}'"
            problems.append(Unsupported("negation", theirs.cue, note))
    return problems
