"""Whether the knowledge base answers a question: a small logistic regression over features of the
question and the retrieved passages, and its probability shown as the confidence.

Features (``features``): the best dense similarity and its margin over the next document; the
best BM25 score, normalised by what the question's words could score, and its margin; the
IDF-weighted share of the question's content words that the top passages contain; the share of
the question's IDF mass that occurs nowhere in the knowledge base, and whether its key entity
(the rarest content word) occurs nowhere; and the playbook evidence, the similarity of the
question to the best playbook's *when to use* and its lead over the next playbook (an answer
backed by a clearly matching playbook is answerable). Document frequencies come from the BM25
index (``TermStats``, injected by the composition root); the playbook evidence from the
Assistant's ``PlaybookMatcher``. A feature left out (no playbook evidence given) counts as its
dev mean, so it moves the score neither way.

The coefficients are fitted on DEV items only (``python -m evals.fit_answerability``) and stored
as JSON beside this module (``answerability.v1.json``, in use; ``answerability.v2.json``, version
2, adds the playbook features); at runtime the model is a dot product and
a sigmoid, so neither scikit-learn nor a pickle is needed to answer.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import Stemmer

from assistant.answerers.common import STOPWORDS
from assistant.errors import ErrorCode, KbassistError
from assistant.retrieval import RetrievedChunk

MODEL_FILE = Path(__file__).with_name("answerability.v1.json")  # the model in use
# Fitted with the playbook evidence; in use once the extractive answerer passes
# ``AnswerContext.playbook`` to ``score`` (until then that evidence would count as its mean).
CANDIDATE_FILE = Path(__file__).with_name("answerability.v2.json")
VERSIONS = (1, 2)
V1_FEATURES = (
    "dense_top",
    "dense_margin",
    "bm25_top",
    "bm25_margin",
    "coverage",
    "unknown_share",
    "key_unknown",
)
FEATURES = (*V1_FEATURES, "playbook_score", "playbook_lead")
# (similarity of the best playbook's "when to use", its lead over the next playbook's)
PlaybookEvidence = tuple[float, float]
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default token pattern
_STEMMER = Stemmer.Stemmer("english")  # the BM25 index's stemmer
_K1 = 1.5  # bm25s's default: a term's BM25 score is below idf * (k1 + 1)


class TermStats(Protocol):
    """Document frequencies of stemmed terms in the knowledge base (the BM25 index's)."""

    def corpus_size(self) -> int: ...

    def document_frequency(self, terms: Sequence[str]) -> list[int]: ...


def question_terms(text: str) -> list[str]:
    """The question's content words, stemmed as the BM25 index stems them, in order, unique."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS]
    return list(dict.fromkeys(_STEMMER.stemWords(words)))


def idf(df: int, n: int) -> float:
    """Lucene's IDF, as bm25s computes it."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _frequencies(terms: Sequence[str], stats: TermStats | None) -> tuple[list[int], int]:
    """(each term's document frequency, the corpus size); every term once in one document
    without frequencies."""
    n = stats.corpus_size() if stats is not None else 0
    dfs = stats.document_frequency(terms) if stats is not None and n else [1] * len(terms)
    return list(dfs), n


def term_weights(terms: Sequence[str], stats: TermStats | None) -> dict[str, float]:
    """Each term's IDF in the knowledge base; every term weighs the same without frequencies."""
    return _weights(terms, *_frequencies(terms, stats))


def _weights(terms: Sequence[str], dfs: Sequence[int], n: int) -> dict[str, float]:
    return {t: idf(df, max(n, 1)) for t, df in zip(terms, dfs, strict=True)}


def coverage(weights: dict[str, float], found: set[str]) -> float:
    """The share of the weighted terms' mass (``term_weights``) that ``found`` holds; 0.0 for a
    question without content words."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _top_two(values: list[float]) -> tuple[float, float]:
    ordered = [*sorted(values, reverse=True), 0.0, 0.0]
    return ordered[0], ordered[0] - ordered[1]


def features(
    question: str,
    passages: Sequence[RetrievedChunk],
    stats: TermStats | None,
    top: int = 3,
    playbook: PlaybookEvidence | None = None,
) -> dict[str, float]:
    """The classifier's inputs for a question and the passages retrieved for it (best first);
    the playbook features only when ``playbook`` evidence is given."""
    terms = question_terms(question)
    dfs, n = _frequencies(terms, stats)
    weights = _weights(terms, dfs, n)
    total = sum(weights.values()) or 1.0
    per_doc: dict[str, RetrievedChunk] = {}
    for p in passages:
        per_doc.setdefault(p.doc_id, p)
    docs = list(per_doc.values())
    dense_top, dense_margin = _top_two([p.signals.get("dense", 0.0) for p in docs])
    bm25_top, bm25_margin = _top_two([p.signals.get("bm25", 0.0) for p in docs])
    found: set[str] = set()
    for p in docs[:top]:
        found.update(question_terms(f"{p.title} {p.text}"))
    unknown = [t for t, df in zip(terms, dfs, strict=True) if df == 0]
    key = max(terms, key=lambda t: weights[t], default=None)
    scale = (_K1 + 1) * total
    evidence = (
        {"playbook_score": playbook[0], "playbook_lead": playbook[1]}
        if playbook is not None
        else {}
    )
    return {
        **evidence,
        "dense_top": dense_top,
        "dense_margin": dense_margin,
        "bm25_top": bm25_top / scale,
        "bm25_margin": bm25_margin / scale,
        "coverage": coverage(weights, found),
        "unknown_share": sum(weights[t] for t in unknown) / total if terms else 0.0,
        "key_unknown": 1.0 if key is not None and key in unknown else 0.0,
    }


@dataclass(frozen=True)
class AnswerabilityModel:
    """A logistic regression over standardised ``FEATURES`` (is the question answerable?), its
    score then mapped by Platt scaling to P(the suggestion is right): the shown confidence."""

    coefficients: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float  # abstain below this confidence (chosen on dev items)
    platt: tuple[float, float] = (1.0, 0.0)  # confidence = sigmoid(a * score + b)
    features: tuple[str, ...] = FEATURES
    stats: TermStats | None = field(default=None, compare=False, repr=False)
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def logit(self, values: dict[str, float]) -> float:
        """The answerability score (log-odds that the question is answerable); a feature
        missing from ``values`` counts as its mean."""
        z = self.intercept
        for name, w, mu, sd in zip(
            self.features, self.coefficients, self.mean, self.scale, strict=True
        ):
            z += w * (values.get(name, mu) - mu) / (sd or 1.0)
        return z

    def probability(self, values: dict[str, float]) -> float:
        """The calibrated confidence: P(the suggestion is right)."""
        a, b = self.platt
        return _sigmoid(a * self.logit(values) + b)

    def score(
        self,
        question: str,
        passages: list[RetrievedChunk],
        playbook: PlaybookEvidence | None = None,
    ) -> float:
        if not passages:
            return 0.0
        values = features(question, passages, self.stats, playbook=playbook)
        return round(self.probability(values), 4)

    def abstains(self, confidence: float) -> bool:
        return confidence < self.threshold

    def with_stats(self, stats: TermStats | None) -> AnswerabilityModel:
        return replace(self, stats=stats)

    def with_threshold(self, threshold: float) -> AnswerabilityModel:
        return replace(self, threshold=threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 2 if set(self.features) - set(V1_FEATURES) else 1,
            "features": list(self.features),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "platt": list(self.platt),
            **({"meta": self.meta} if self.meta else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "model") -> AnswerabilityModel:
        try:
            version = data.get("version")
            if version not in VERSIONS:
                raise ValueError(f"version must be one of {VERSIONS}, got {version!r}")
            names = tuple(str(f) for f in data["features"])
            known = FEATURES if version == 2 else V1_FEATURES
            unknown = set(names) - set(known)
            if unknown:
                raise ValueError(f"features: unknown {', '.join(sorted(unknown))}")
            columns = [tuple(float(v) for v in data[k]) for k in ("coefficients", "mean", "scale")]
            if any(len(c) != len(names) for c in columns):
                raise ValueError("coefficients, mean and scale need one value per feature")
            platt = tuple(float(v) for v in data.get("platt", (1.0, 0.0)))
            if len(platt) != 2:
                raise ValueError("platt needs two values (a, b)")
            return cls(
                coefficients=columns[0],
                intercept=float(data["intercept"]),
                mean=columns[1],
                scale=columns[2],
                threshold=float(data["threshold"]),
                platt=(platt[0], platt[1]),
                features=names,
                meta=dict(data.get("meta") or {}),
            )
        except KeyError as exc:
            raise KbassistError(ErrorCode.CONFIG, f"{source}: missing field {exc}") from exc
        except (TypeError, ValueError) as exc:
            raise KbassistError(ErrorCode.CONFIG, f"{source}: {exc}") from exc

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AnswerabilityModel:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise KbassistError(ErrorCode.CONFIG, f"{path}: cannot read: {exc}") from exc
        return cls.from_dict(data, str(path))
