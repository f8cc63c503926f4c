"""Evaluation metrics for kbassist: retrieval, answer quality, citations, abstention, latency.

Every function here is pure and uses only the standard library.

Retrieval metrics work at DOCUMENT level. ``ranked`` lists doc ids in rank order and may
repeat an id when several chunks of one document were retrieved; repeats are dropped,
keeping the first occurrence, before scoring. ``relevant`` is either a collection of doc
ids (each counts as grade 1) or a mapping of doc id to graded relevance, where a grade
> 0 means relevant. ``k`` must be >= 1; a ``k`` larger than the de-duplicated list simply
looks at the whole list.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TypeAlias, TypedDict

__all__ = [
    "AbstentionScores",
    "LatencySummary",
    "Relevance",
    "abstention_scores",
    "citation_precision",
    "hit_at_k",
    "latency_summary",
    "mean",
    "mrr_at_k",
    "ndcg_at_k",
    "next_action_accuracy",
    "normalize_answer",
    "percentile",
    "precision_at_k",
    "recall_at_k",
    "rouge_l",
    "token_f1",
]

Relevance: TypeAlias = Mapping[str, float] | Collection[str]
"""Gold relevance: a set of doc ids (grade 1 each) or a mapping doc id -> grade."""


# --------------------------------------------------------------------------- helpers


def _grades(relevant: Relevance) -> dict[str, float]:
    """Return ``{doc_id: grade}`` for the relevant docs only (grade > 0)."""
    if isinstance(relevant, str):
        raise TypeError("relevant must be a collection of doc ids or a mapping, not a str")
    if isinstance(relevant, Mapping):
        return {doc: float(g) for doc, g in relevant.items() if g > 0}
    return {doc: 1.0 for doc in relevant}


def _dedupe(items: Iterable[str]) -> list[str]:
    """Drop repeated items, keeping the first occurrence and the order."""
    return list(dict.fromkeys(items))


def _top_k(ranked: Sequence[str], k: int) -> list[str]:
    """De-duplicate ``ranked`` and keep the first ``k`` docs; ``k`` must be >= 1."""
    if isinstance(ranked, str):
        raise TypeError("ranked must be a sequence of doc ids, not a str")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    return _dedupe(ranked)[:k]


def _f1(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0.0 when both are 0)."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


# ------------------------------------------------------------------------- retrieval


def hit_at_k(ranked: Sequence[str], relevant: Relevance, k: int) -> float:
    """1.0 if any relevant doc is in the top ``k`` (after de-duplication), else 0.0."""
    grades = _grades(relevant)
    return 1.0 if any(doc in grades for doc in _top_k(ranked, k)) else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Relevance, k: int) -> float:
    """Share of all relevant docs found in the top ``k``; 0.0 when nothing is relevant."""
    grades = _grades(relevant)
    if not grades:
        return 0.0
    found = sum(1 for doc in _top_k(ranked, k) if doc in grades)
    return found / len(grades)


def precision_at_k(ranked: Sequence[str], relevant: Relevance, k: int) -> float:
    """Relevant docs in the top ``k`` divided by ``k`` (not by the list length)."""
    grades = _grades(relevant)
    found = sum(1 for doc in _top_k(ranked, k) if doc in grades)
    return found / k


def mrr_at_k(ranked: Sequence[str], relevant: Relevance, k: int) -> float:
    """Reciprocal rank of the first relevant doc in the top ``k``, else 0.0."""
    grades = _grades(relevant)
    for rank, doc in enumerate(_top_k(ranked, k), start=1):
        if doc in grades:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Relevance, k: int) -> float:
    """Graded nDCG@k with linear gain: DCG = sum(grade / log2(rank + 1)).

    The ideal DCG uses the grades of all relevant docs, sorted descending and truncated
    at ``k``. Returns 0.0 when there are no relevant docs.
    """
    grades = _grades(relevant)
    if not grades:
        return 0.0
    dcg = sum(
        grades.get(doc, 0.0) / math.log2(rank + 1)
        for rank, doc in enumerate(_top_k(ranked, k), start=1)
    )
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg


# -------------------------------------------------------------------- answer quality

_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(s: str) -> str:
    """SQuAD normalisation: lowercase, drop ASCII punctuation and a/an/the, collapse spaces."""
    s = s.lower()
    s = "".join(ch for ch in s if ch not in _PUNCTUATION)
    s = _ARTICLES.sub(" ", s)
    return " ".join(s.split())


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1 on normalised tokens; both empty = 1.0, exactly one empty = 0.0."""
    pred = normalize_answer(prediction).split()
    ref = normalize_answer(reference).split()
    if not pred or not ref:
        return 1.0 if pred == ref else 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    return _f1(common / len(pred), common / len(ref))


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists."""
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 (beta = 1) from the LCS of normalised tokens; empties as in token_f1."""
    pred = normalize_answer(prediction).split()
    ref = normalize_answer(reference).split()
    if not pred or not ref:
        return 1.0 if pred == ref else 0.0
    lcs = _lcs_length(pred, ref)
    if lcs == 0:
        return 0.0
    return _f1(lcs / len(pred), lcs / len(ref))


# ------------------------------------------------------------------------- citations


def citation_precision(cited_doc_ids: Iterable[str], relevant: Relevance) -> float | None:
    """Share of distinct cited docs that are relevant (grade > 0); None if nothing cited."""
    if isinstance(cited_doc_ids, str):
        raise TypeError("cited_doc_ids must be an iterable of doc ids, not a str")
    cited = _dedupe(cited_doc_ids)
    if not cited:
        return None
    grades = _grades(relevant)
    return sum(1 for doc in cited if doc in grades) / len(cited)


# ------------------------------------------------------------------------ abstention


class AbstentionScores(TypedDict):
    """Abstention as the positive class: precision/recall/f1 (None if undefined) + counts."""

    precision: float | None
    recall: float | None
    f1: float | None
    tp: int
    fp: int
    fn: int
    tn: int


def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> AbstentionScores:
    """Score ``(should_abstain, did_abstain)`` pairs with abstaining as the positive class.

    precision = tp / (tp + fp), None when no abstentions were made;
    recall = tp / (tp + fn), None when no case should have abstained;
    f1 is None when either is None, and 0.0 when both are 0.
    """
    tp = fp = fn = tn = 0
    for should, did in pairs:
        if should and did:
            tp += 1
        elif did:
            fp += 1
        elif should:
            fn += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = _f1(precision, recall) if precision is not None and recall is not None else None
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }


# ---------------------------------------------------------------------- next actions


def next_action_accuracy(expected: Collection[str], predicted: Collection[str]) -> float | None:
    """All-or-nothing check of next-action kinds.

    Returns None when ``expected`` is empty (not applicable, whatever was predicted);
    otherwise 1.0 if every expected kind is among the predicted kinds, else 0.0. Extra
    predicted kinds are not penalised.
    """
    if isinstance(expected, str) or isinstance(predicted, str):
        raise TypeError("expected and predicted must be collections of kinds, not a str")
    if not expected:
        return None
    return 1.0 if set(expected) <= set(predicted) else 0.0


# --------------------------------------------------------------------------- latency


def percentile(values: Iterable[float], p: float) -> float:
    """The ``p``-th percentile (0-100), interpolating linearly like numpy's default.

    Raises ValueError on empty input, NaN values or ``p`` outside [0, 100].
    """
    data = sorted(float(v) for v in values)
    if not data:
        raise ValueError("percentile of empty data")
    if any(math.isnan(v) for v in data):
        raise ValueError("percentile of data containing NaN")
    if not 0 <= p <= 100:
        raise ValueError(f"p must be in [0, 100], got {p}")
    pos = (len(data) - 1) * p / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    frac = pos - lo
    return data[lo] + (data[hi] - data[lo]) * frac


class LatencySummary(TypedDict):
    """Latency summary in milliseconds, plus the sample count."""

    p50: float
    p95: float
    mean: float
    max: float
    n: int


def latency_summary(ms_values: Iterable[float]) -> LatencySummary:
    """p50, p95, mean, max and n of latencies in ms; raises ValueError on empty input."""
    data = [float(v) for v in ms_values]
    if not data:
        raise ValueError("latency_summary of empty data")
    return {
        "p50": percentile(data, 50),
        "p95": percentile(data, 95),
        "mean": math.fsum(data) / len(data),
        "max": max(data),
        "n": len(data),
    }


# --------------------------------------------------------------------------- average


def mean(values: Iterable[float | None]) -> float | None:
    """Arithmetic mean ignoring None; None when no values remain."""
    kept = [float(v) for v in values if v is not None]
    if not kept:
        return None
    return math.fsum(kept) / len(kept)
