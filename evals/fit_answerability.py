"""Fit the answerability classifier and choose the playbook threshold, on DEV items only.

    python -m evals.fit_answerability --data-dir /tmp/fit \\
        --gold evals/gold/sample_kb.yaml --kb examples/kb \\
        --dataset ../shared/evaldata/emanual_tv \\
        --unanswerable-from ../shared/evaldata/mtrag_cloud_pooled

Each dev item is asked once with abstention off; its features (``answerers.answerability``) are
recorded with whether the suggestion was correct (``evals.quality``: answered, right first
citation, enough facts). A scikit-learn logistic regression is fitted on standardised features and
written as JSON (``assistant/answerers/answerability.v1.json``); the abstention threshold is the
one with the best mean abstention F1 over the sets' dev items. The playbook threshold with the best
next-action accuracy on the annotated dev items is printed (it lives in ``answerers.playbooks``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.answerers.answerability import FEATURES, MODEL_FILE, AnswerabilityModel, features
from assistant.answerers.confidence import ConfidenceModel
from assistant.answerers.playbooks import PlaybookMatch, PlaybookMatcher, with_actions
from assistant.assist import Assistant, SuggestResult
from assistant.settings import Settings
from assistant.suggestion import AskRequest
from assistant.types import Audience
from evals.answer_metrics import next_actions_correct
from evals.calibrate import choose_shared_threshold
from evals.gold import GoldItem
from evals.pipeline import EvalJob, beir_job, gold_job
from evals.quality import item_checks
from evals.runner import predict


@dataclass
class Row:
    dataset: str
    item: GoldItem
    values: dict[str, float]
    correct: bool
    playbooks: list[tuple[str, float]]  # playbook "when to use" scores, best first
    kinds: list[str]  # action kinds of the best playbook


class _Recorder:
    """Passes suggestions through, keeping the last result (its retrieval)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.last: SuggestResult | None = None

    def suggest(self, request: AskRequest, audience: Audience) -> SuggestResult:
        self.last = self.assistant.suggest(request, audience)
        return self.last


def rows_of(job: EvalJob) -> list[Row]:
    services = job.store.services
    assistant = services.assistant
    stats = services.answerability.stats
    services.extractive.confidence = ConfidenceModel(threshold=0.0)  # never abstain
    recorder = _Recorder(assistant)
    rows: list[Row] = []
    for item in job.items:
        if item.split != "dev":
            continue
        prediction = predict(recorder, item)
        result = recorder.last
        assert result is not None
        audience = item.audience()
        passages = assistant.passages(result.retrieved, audience)
        matcher = services.playbooks
        ranked = matcher.scores(result.query, audience)
        kinds: list[str] = []
        if ranked:
            best = matcher.match(result.query, audience)
            forced = best or _forced(matcher, result.query, audience)
            kinds = [a.kind for a in with_actions(result.suggestion, forced).next_actions]
        rows.append(
            Row(
                job.dataset,
                item,
                features(result.query, passages, stats),
                item_checks(item, prediction).correct,
                ranked,
                kinds,
            )
        )
    return rows


def _forced(matcher: PlaybookMatcher, question: str, audience: Audience) -> PlaybookMatch | None:
    threshold, matcher.threshold = matcher.threshold, -1.0
    try:
        return matcher.match(question, audience)
    finally:
        matcher.threshold = threshold


def fit(rows: Sequence[Row], c: float = 1.0) -> AnswerabilityModel:
    """Answerability (label: the item is answerable) on standardised features, then Platt
    scaling of its score against correctness (label: the suggestion was right)."""
    x = np.array([[r.values[f] for f in FEATURES] for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    answerable = LogisticRegression(C=c, max_iter=1000)
    answerable.fit((x - mean) / scale, [r.item.answerable for r in rows])
    z = answerable.decision_function((x - mean) / scale).reshape(-1, 1)
    platt = LogisticRegression(C=100.0, max_iter=1000).fit(z, [r.correct for r in rows])
    return AnswerabilityModel(
        tuple(round(float(v), 6) for v in answerable.coef_[0]),
        round(float(answerable.intercept_[0]), 6),
        tuple(round(float(v), 6) for v in mean),
        tuple(round(float(v), 6) for v in scale),
        threshold=0.5,
        platt=(round(float(platt.coef_[0][0]), 6), round(float(platt.intercept_[0]), 6)),
    )


MARGINS = (0.0, 0.02, 0.05, 0.1)
MAX_WRONG_PLAYBOOK = 0.05


def playbook_threshold(rows: Sequence[Row]) -> tuple[float, float, float, float]:
    """(threshold, margin, accuracy, wrong-playbook rate): the "when to use" similarity and lead
    with the best next-action accuracy on annotated items whose wrong-playbook rate stays at most
    ``MAX_WRONG_PLAYBOOK`` (ties to the lower threshold)."""
    scored = [r for r in rows if r.item.playbook is not None]
    best = (1.01, 0.0, -1.0, 0.0)
    if not scored:
        return best
    for t in sorted({round(r.playbooks[0][1], 3) for r in scored if r.playbooks} | {1.01}):
        for m in MARGINS:
            hits, wrong = 0, 0
            for r in scored:
                top, next_ = [*r.playbooks, ("", 0.0), ("", 0.0)][:2]
                matched = bool(r.kinds) and top[1] >= t and top[1] - next_[1] >= m
                playbooks = [top[0]] if matched else []
                expected = r.item.expected_playbook()
                hits += next_actions_correct(
                    expected, r.item.next_actions, playbooks, r.kinds if matched else []
                )
                wrong += bool(playbooks) and playbooks[0] != expected
            accuracy, rate = hits / len(scored), wrong / len(scored)
            if rate <= MAX_WRONG_PLAYBOOK and accuracy > best[2]:
                best = (t, m, accuracy, rate)
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--kb", type=Path, nargs="*", default=[])
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--unanswerable-from", type=Path)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    args = parser.parse_args(argv)
    settings = Settings(data_dir=args.data_dir)
    jobs: list[EvalJob] = []
    if args.gold:
        jobs.append(gold_job(settings, args.gold, args.kb))
    if args.dataset:
        jobs.append(beir_job(settings, args.dataset, unanswerable_from=args.unanswerable_from))
    rows = [row for job in jobs for row in rows_of(job)]
    fitted = fit(rows, args.c)
    probabilities = [fitted.probability(r.values) for r in rows]
    groups = {
        name: [(r.item, p) for r, p in zip(rows, probabilities, strict=True) if r.dataset == name]
        for name in dict.fromkeys(r.dataset for r in rows)
    }
    meta = {
        "fitted_on": {name: len(group) for name, group in groups.items()},
        "labels": "answerable (coefficients); suggestion correct (platt); dev items only",
        "c": args.c,
    }
    threshold = round(choose_shared_threshold(groups), 4)
    model = replace(fitted, threshold=threshold, meta=meta)
    args.out.write_text(json.dumps(model.to_dict(), indent=2) + "\n")
    t, m, accuracy, rate = playbook_threshold(rows)
    print(json.dumps({"model": str(args.out), **model.to_dict()}, indent=2))
    print(f"playbook threshold {t} margin {m} (dev next-action accuracy {accuracy:.3f}, ", end="")
    print(f"wrong playbook {rate:.3f})")


if __name__ == "__main__":
    main()
