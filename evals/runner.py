"""The evaluation runner: gold items through each retrieval configuration and the assistant.

``run_eval`` is pure apart from the clock: it takes items, named retrievers and the assistant, and
returns an ``EvalReport``; building stores and writing files live elsewhere. Retrieval is scored
at DOCUMENT level (a document is found when any of its chunks is retrieved), macro-averaged over
the items with at least one relevant document.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.assist import Suggester, standalone_query
from assistant.retrieval import Query, Retriever
from assistant.retrieval.hybrid import FusionConfig, HybridRetriever
from evals.answer_metrics import draft_body
from evals.gold import GoldItem
from evals.metrics import (
    abstention_scores,
    citation_precision,
    hit_at_k,
    latency_summary,
    mean,
    mrr_at_k,
    ndcg_at_k,
    next_action_accuracy,
    recall_at_k,
    rouge_l,
    token_f1,
)
from evals.quality import item_problems, observe, quality_metrics

if TYPE_CHECKING:
    from assistant.compose import Services

DEFAULT_CONFIG = "hybrid"
RETRIEVAL_METRICS = ("hit@5", "hit@10", "recall@5", "recall@10", "mrr@10", "ndcg@10")
Metrics = dict[str, float | int | None]
Advance = Callable[[int], None]
_CITATION_MARK = re.compile(r"\s*\[\d+\]")


def _only(services: Services, config: FusionConfig) -> Retriever:
    """The engine's rankers fused with other weights: every configuration is compared at
    document level, with the same candidate depth."""
    return HybridRetriever(services.retriever.rankers, config, hydrate=services.store.hydrate)


def extra_configs(services: Services) -> dict[str, Retriever]:
    """Further configurations: BM25 over sentence windows alone, and plain RRF of dense + BM25."""
    return {
        "bm25_window": _only(services, FusionConfig(weights={"bm25_window": 1.0})),
        "rrf_dense_bm25": _only(
            services, FusionConfig(weights={"dense": 1.0, "bm25": 1.0}, method="rrf")
        ),
    }


def retrieval_configs(services: Services) -> dict[str, Retriever]:
    """``bm25``, ``dense`` and ``hybrid`` (the default), plus ``extra_configs(services)``."""
    configs: dict[str, Retriever] = {
        "bm25": _only(services, FusionConfig(weights={"bm25": 1.0})),
        "dense": _only(services, FusionConfig(weights={"dense": 1.0})),
        "hybrid": services.retriever,
    }
    configs.update(extra_configs(services))
    return configs


def query_text(item: GoldItem) -> str:
    """The retrieval query the assistant would build for this item."""
    return standalone_query(item.request())


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Ranked:
    """One item's document ranking from one configuration."""

    item_id: str
    docs: list[str]  # de-duplicated doc ids, best first
    latency_ms: float


@dataclass(frozen=True)
class Prediction:
    """One assistant suggestion, reduced to what is scored (and re-scored offline)."""

    item_id: str
    split: str
    answerable: bool
    confidence: float
    abstained: bool
    answer: str
    cited: list[str]
    retrieved: list[str]
    actions: list[str]
    latency_ms: float
    top_cited: str | None = None  # the document of the answer's first citation mark
    first_source_type: str | None = None
    action_playbooks: list[str] = field(default_factory=list)
    unsafe_draft: list[str] = field(default_factory=list)  # sentences from internal/stale text
    answerability: float | None = None  # the classifier's estimate, abstentions included
    draft: str = ""  # the reply draft

    @property
    def estimate(self) -> float:
        """What an abstention threshold compares: the answerability estimate where the answerer
        gives one (an abstention's confidence is 0), else the confidence."""
        return self.confidence if self.answerability is None else self.answerability


@dataclass
class Failure:
    item_id: str
    question: str
    problems: list[str] = field(default_factory=list)
    relevant: list[str] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)  # top 5 of the default configuration


@dataclass
class EvalReport:
    dataset: str
    items: int
    configs: dict[str, Metrics]
    answers: Metrics
    abstention: Metrics
    failures: list[Failure]
    settings: dict[str, Any]
    predictions: list[Prediction]
    forbidden_leaks: int = 0  # items where any configuration or the assistant showed one
    calibration: dict[str, Any] | None = None
    answer_quality: Metrics = field(default_factory=dict)  # test items (evals.quality)
    reliability: list[dict[str, Any]] = field(default_factory=list)  # confidence bins


# ----------------------------------------------------------------------------- scoring


def score_ranking(docs: Sequence[str], relevant: Mapping[str, float]) -> dict[str, float]:
    return {
        "hit@5": hit_at_k(docs, relevant, 5),
        "hit@10": hit_at_k(docs, relevant, 10),
        "recall@5": recall_at_k(docs, relevant, 5),
        "recall@10": recall_at_k(docs, relevant, 10),
        "mrr@10": mrr_at_k(docs, relevant, 10),
        "ndcg@10": ndcg_at_k(docs, relevant, 10),
    }


def leaked(item: GoldItem, docs: Sequence[str]) -> list[str]:
    return sorted(set(item.forbidden) & set(docs))


def retrieval_metrics(items: Sequence[GoldItem], ranked: Sequence[Ranked]) -> Metrics:
    """Macro averages over items with a relevant doc, forbidden leaks, latency p50/p95."""
    scored = [
        score_ranking(r.docs, item.relevant_docs())
        for item, r in zip(items, ranked, strict=True)
        if item.relevant_docs()
    ]
    out: Metrics = {m: mean(s[m] for s in scored) for m in RETRIEVAL_METRICS}
    out["scored_items"] = len(scored)
    out["docs_per_query"] = mean(len(r.docs) for r in ranked)  # chunk rankers may repeat a doc
    out["forbidden_leaks"] = sum(
        1 for item, r in zip(items, ranked, strict=True) if leaked(item, r.docs)
    )
    out.update(_latency(r.latency_ms for r in ranked))
    return out


def _latency(values: Any) -> Metrics:
    data = list(values)
    if not data:
        return {"latency_p50_ms": None, "latency_p95_ms": None}
    summary = latency_summary(data)
    return {"latency_p50_ms": summary["p50"], "latency_p95_ms": summary["p95"]}


def scored_answer(prediction: Prediction) -> str:
    """The answer as scored: empty when abstained, citation marks like ``[1]`` removed."""
    return "" if prediction.abstained else _CITATION_MARK.sub("", prediction.answer)


def answer_metrics(items: Sequence[GoldItem], predictions: Sequence[Prediction]) -> Metrics:
    pairs = list(zip(items, predictions, strict=True))
    with_reference = [(i, p) for i, p in pairs if i.answerable and i.answer.strip()]
    return {
        "token_f1": mean(token_f1(scored_answer(p), i.answer) for i, p in with_reference),
        "rouge_l": mean(rouge_l(scored_answer(p), i.answer) for i, p in with_reference),
        "answer_items": len(with_reference),
        # what the customer would read: the reply draft's body against the reference answer
        "draft_token_f1": mean(
            token_f1("" if p.abstained else draft_body(p.draft), i.answer)
            for i, p in with_reference
        ),
        # answerable items only, like token_f1: citing anything for an unanswerable question is
        # an abstention failure, scored under "abstention"
        "citation_precision": mean(
            citation_precision(p.cited, i.relevant_docs()) for i, p in pairs if i.answerable
        ),
        "cited_items": sum(1 for i, p in pairs if i.answerable and p.cited),
        "next_action_accuracy": mean(
            next_action_accuracy(i.next_actions, p.actions) for i, p in pairs
        ),
        "action_items": sum(1 for i, _ in pairs if i.next_actions),
        "forbidden_leaks": sum(1 for i, p in pairs if leaked(i, p.cited + p.retrieved)),
        **_latency(p.latency_ms for p in predictions),
    }


def abstention_metrics(items: Sequence[GoldItem], predictions: Sequence[Prediction]) -> Metrics:
    pairs = [(not i.answerable, p.abstained) for i, p in zip(items, predictions, strict=True)]
    s = abstention_scores(pairs)
    return {
        "precision": s["precision"],
        "recall": s["recall"],
        "f1": s["f1"],
        "tp": s["tp"],
        "fp": s["fp"],
        "fn": s["fn"],
        "tn": s["tn"],
        "should_abstain": sum(1 for should, _ in pairs if should),
    }


# ----------------------------------------------------------------------------- running


def rank(retriever: Retriever, item: GoldItem, k: int) -> Ranked:
    query = Query(query_text(item), item.audience(), k=k)
    started = time.perf_counter()
    chunks = retriever.retrieve(query)
    latency = (time.perf_counter() - started) * 1000
    return Ranked(item.id, list(dict.fromkeys(c.doc_id for c in chunks)), latency)


def predict(assistant: Suggester, item: GoldItem) -> Prediction:
    result = assistant.suggest(item.request(), item.audience())
    s = result.suggestion
    seen = observe(s, result.retrieved)
    return Prediction(
        item_id=item.id,
        split=item.split,
        answerable=item.answerable,
        confidence=s.confidence,
        abstained=s.abstained,
        answer=s.answer,
        cited=list(dict.fromkeys(c.doc_id for c in s.citations)),
        retrieved=list(dict.fromkeys(c.doc_id for c in result.retrieved)),
        actions=list(dict.fromkeys(a.kind for a in s.next_actions)),
        latency_ms=result.latency_ms,
        top_cited=seen.top_cited,
        first_source_type=seen.first_source_type,
        action_playbooks=seen.action_playbooks,
        unsafe_draft=seen.unsafe_draft,
        answerability=s.answerability,
        draft=s.reply_draft,
    )


def _failures(
    items: Sequence[GoldItem],
    ranked: Mapping[str, Sequence[Ranked]],
    predictions: Sequence[Prediction],
    default: str,
    k: int,
) -> list[Failure]:
    failures: list[Failure] = []
    by_item = {p.item_id: p for p in predictions}
    for n, item in enumerate(items):
        relevant = item.relevant_docs()
        top = ranked[default][n].docs if default in ranked else []
        failure = Failure(item.id, item.text(), [], sorted(relevant), top[:5])
        if relevant and not set(top[:k]) & set(relevant):
            failure.problems.append(f"{default}: no relevant document in the top {k}")
        for name, rows in ranked.items():
            if forbidden := leaked(item, rows[n].docs):
                failure.problems.append(
                    f"{name}: forbidden document retrieved: {', '.join(forbidden)}"
                )
        prediction = by_item.get(item.id)
        if prediction is not None:
            failure.problems.extend(_answer_problems(item, prediction))
        if failure.problems:
            failures.append(failure)
    return failures


def _answer_problems(item: GoldItem, p: Prediction) -> list[str]:
    problems: list[str] = []
    if item.answerable and p.abstained:
        problems.append(
            f"assistant: abstained on an answerable question (answerability {p.estimate})"
        )
    if not item.answerable and not p.abstained:
        problems.append(f"assistant: answered an unanswerable question (confidence {p.confidence})")
    missing = [kind for kind in item.next_actions if kind not in p.actions]
    if missing:
        got = ", ".join(p.actions) or "none"
        problems.append(f"assistant: missing next action {', '.join(missing)} (got {got})")
    shown = leaked(item, p.cited + p.retrieved)
    if shown:
        problems.append(f"assistant: forbidden document retrieved or cited: {', '.join(shown)}")
    return problems + item_problems(item, p)


def run_eval(
    items: Sequence[GoldItem],
    retrievers: Mapping[str, Retriever],
    assistant: Suggester | None,
    *,
    dataset: str,
    default: str = DEFAULT_CONFIG,
    k: int = 10,
    settings: Mapping[str, Any] | None = None,
    advance: Advance | None = None,
) -> EvalReport:
    """Every item through every retriever (top ``k``) and, when given, the assistant.

    ``advance(n)`` is called after each step: ``len(items) * (len(retrievers) + 1)`` in all when
    an assistant is given. Before timing, each retriever (and the assistant) answers the first
    item once, so lazy model loading does not land in the latency figures.
    """
    step = advance or (lambda n: None)
    ranked: dict[str, list[Ranked]] = {}
    for name, retriever in retrievers.items():
        if items:
            rank(retriever, items[0], k)  # warm-up, not timed
        ranked[name] = []
        for item in items:
            ranked[name].append(rank(retriever, item, k))
            step(1)
    predictions: list[Prediction] = []
    if assistant is not None:
        if items:
            predict(assistant, items[0])  # warm-up, not timed
        for item in items:
            predictions.append(predict(assistant, item))
            step(1)
    quality, reliability = quality_metrics(items, predictions) if predictions else ({}, [])
    return EvalReport(
        dataset=dataset,
        items=len(items),
        configs={name: retrieval_metrics(items, rows) for name, rows in ranked.items()},
        answers=answer_metrics(items, predictions) if predictions else {},
        abstention=abstention_metrics(items, predictions) if predictions else {},
        failures=_failures(items, ranked, predictions, default, k),
        settings={"k": k, "default_config": default, **(settings or {})},
        predictions=predictions,
        forbidden_leaks=_leaky_items(items, ranked, predictions),
        answer_quality=quality,
        reliability=[dict(b) for b in reliability],
    )


def _leaky_items(
    items: Sequence[GoldItem],
    ranked: Mapping[str, Sequence[Ranked]],
    predictions: Sequence[Prediction],
) -> int:
    shown: dict[str, set[str]] = {item.id: set() for item in items}
    for rows in ranked.values():
        for row in rows:
            shown[row.item_id].update(row.docs)
    for p in predictions:
        shown[p.item_id].update(p.cited + p.retrieved)
    return sum(1 for item in items if leaked(item, sorted(shown[item.id])))
