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
class _Clause:
    text: str
    words: frozenset[str]  # content stems
    negated: frozenset[str]  # the stems within the scope of a negation
    cue: str  # its first negation ("cannot"), or ""


def _clauses(text: str) -> list[_Clause]:
    clauses = []
    for piece in _CLAUSE.split(text):
        words = WORD.findall(piece.lower())
        negated: set[str] = set()
        cues = [i for i, word in enumerate(words) if _is_negation(word)]
        for i in cues:
            negated.update(content_stems(words[i + 1 :])[:NEGATION_SCOPE])
        if stems := content_stems(words):
            cue = words[cues[0]] if cues else ""
            clauses.append(_Clause(piece.strip(), frozenset(stems), frozenset(negated), cue))
    return clauses


def polarity_conflicts(claim: str, passage: str) -> list[Unsupported]:
    """Claim clauses whose negation differs from the passage clause they align with best: one
    negates the words they share and the other does not ("can" for "cannot")."""
    theirs = _clauses(passage)
    problems = []
    for mine in _clauses(claim):
        shared = {id(c): len(mine.words & c.words) for c in theirs}
        best = max(shared.values(), default=0)
        if best < MIN_ALIGNED:
            continue
        aligned = [c for c in theirs if shared[id(c)] == best]
        if not any(bool(mine.negated & c.words) == bool(c.negated & mine.words) for c in aligned):
            theirs_best = max(aligned, key=lambda c: len(c.words))
            said = snippet(theirs_best.text, 60)
            if mine.negated & theirs_best.words:
                problems.append(Unsupported("negation", mine.cue, f"not in the passage: '{said}'"))
            else:
                note = f"in the passage, not the sentence: '{said}'"
                problems.append(Unsupported("negation", theirs_best.cue, note))
    return problems
