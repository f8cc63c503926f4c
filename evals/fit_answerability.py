"""Fit the answerability classifier and choose the playbook threshold, on DEV items only.

    python -m evals.fit_answerability --data-dir /tmp/fit \\
        --gold evals/gold/sample_kb.yaml --kb examples/kb \\
        --dataset ../shared/evaldata/emanual_tv \\
        --unanswerable-from ../shared/evaldata/mtrag_cloud_pooled

Each dev item is asked once with abstention off; its features (``answerers.answerability``) are
recorded with whether the suggestion was correct (``evals.quality``: answered, right first
citation, enough facts), the playbook evidence (``PlaybookMatcher.evidence``) among them; a set
without playbooks gets the others' mean there, as the model reads a missing feature. A
scikit-learn logistic regression is fitted on standardised features and written as JSON
(``assistant/answerers/answerability.v2.json`` by default); the abstention threshold is the one
with the best mean abstention F1 over the sets' dev items. The playbook threshold and margin are
printed (they live in ``answerers.playbooks``): the point of a plateau of next-action accuracy
on the annotated dev items, not a one-item spike (``playbook_threshold``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.answerers.answerability import (
    CANDIDATE_FILE,
    FEATURES,
    AnswerabilityModel,
    features,
)
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
        evidence = PlaybookMatcher.evidence(ranked) if ranked else None
        rows.append(
            Row(
                job.dataset,
                item,
                features(result.query, passages, stats, playbook=evidence),
                item_checks(item, prediction).correct,
                ranked,
                kinds,
            )
        )
    return rows


def _forced(matcher: PlaybookMatcher, question: str, audience: Audience) -> PlaybookMatch | None:
    threshold, margin = matcher.threshold, matcher.margin
    matcher.threshold, matcher.margin = -1.0, -1.0
    try:
        return matcher.match(question, audience)
    finally:
        matcher.threshold, matcher.margin = threshold, margin


def fit(rows: Sequence[Row], c: float = 1.0) -> AnswerabilityModel:
    """Answerability (label: the item is answerable) on standardised features, then Platt
    scaling of its score against correctness (label: the suggestion was right), each set
    weighted equally."""
    x = np.array([[r.values.get(f, np.nan) for f in FEATURES] for r in rows])
    given = ~np.isnan(x)
    fill = np.array(
        [x[given[:, j], j].mean() if given[:, j].any() else 0.0 for j in range(len(FEATURES))]
    )
    x = np.where(given, x, fill)  # a missing feature is its mean, as the model reads it
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    answerable = LogisticRegression(C=c, max_iter=1000)
    answerable.fit((x - mean) / scale, [r.item.answerable for r in rows])
    z = answerable.decision_function((x - mean) / scale).reshape(-1, 1)
    # each set weighs the same in the calibration: the product meets unseen knowledge bases,
    # whose answers are right as often as a small set's, not as a large set's
    sizes = {name: sum(1 for r in rows if r.dataset == name) for name in {r.dataset for r in rows}}
    weights = [len(rows) / (len(sizes) * sizes[r.dataset]) for r in rows]
    platt = LogisticRegression(C=100.0, max_iter=1000)
    platt.fit(z, [r.correct for r in rows], sample_weight=weights)
    return AnswerabilityModel(
        tuple(round(float(v), 6) for v in answerable.coef_[0]),
        round(float(answerable.intercept_[0]), 6),
        tuple(round(float(v), 6) for v in mean),
        tuple(round(float(v), 6) for v in scale),
        threshold=0.5,
        platt=(round(float(platt.coef_[0][0]), 6), round(float(platt.intercept_[0]), 6)),
    )


THRESHOLDS = tuple(round(0.25 + 0.005 * n, 3) for n in range(81))  # 0.25 .. 0.65
MARGINS = tuple(round(0.01 * n, 2) for n in range(21))  # 0 .. 0.2
MAX_WRONG_PLAYBOOK = 0.05
PLATEAU = 3  # grid steps each side: +-0.015 in threshold and +-0.03 in margin


def _playbook_grid(scored: Sequence[Row]) -> tuple[np.ndarray, np.ndarray]:
    """Next-action accuracy and wrong-playbook rate at every (threshold, margin) of the grid."""
    accuracy = np.zeros((len(THRESHOLDS), len(MARGINS)))
    wrong = np.zeros_like(accuracy)
    for r in scored:
        top, next_ = [*r.playbooks, ("", 0.0), ("", 0.0)][:2]
        expected = r.item.expected_playbook()
        for i, t in enumerate(THRESHOLDS):
            for j, m in enumerate(MARGINS):
                matched = bool(r.kinds) and top[1] >= t and top[1] - next_[1] >= m
                playbooks = [top[0]] if matched else []
                kinds = r.kinds if matched else []
                accuracy[i, j] += next_actions_correct(
                    expected, r.item.next_actions, playbooks, kinds
                )
                wrong[i, j] += bool(playbooks) and playbooks[0] != expected
    return accuracy / len(scored), wrong / len(scored)


def playbook_threshold(rows: Sequence[Row]) -> tuple[float, float, float, float]:
    """(threshold, margin, accuracy, wrong-playbook rate) on the annotated dev items.

    The point chosen is the one whose neighbourhood (``PLATEAU`` grid steps each way) has the
    best mean next-action accuracy, among points whose whole neighbourhood keeps the
    wrong-playbook rate at most ``MAX_WRONG_PLAYBOOK``: the middle of a plateau, so a one-item
    spike is not chosen and a small shift in similarities does not change the outcome much.
    """
    scored = [r for r in rows if r.item.playbook is not None]
    if not scored:
        return (1.01, 0.0, -1.0, 0.0)
    accuracy, wrong = _playbook_grid(scored)
    best: tuple[float, int, int] | None = None
    for i in range(len(THRESHOLDS)):
        for j in range(len(MARGINS)):
            window = np.s_[
                max(0, i - PLATEAU) : i + PLATEAU + 1, max(0, j - PLATEAU) : j + PLATEAU + 1
            ]
            if wrong[window].max() > MAX_WRONG_PLAYBOOK:
                continue
            smooth = float(accuracy[window].mean())
            if best is None or smooth > best[0] + 1e-9:
                best = (smooth, i, j)
    if best is None:
        return (1.01, 0.0, -1.0, 0.0)
    _, i, j = best
    return (THRESHOLDS[i], MARGINS[j], float(accuracy[i, j]), float(wrong[i, j]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--kb", type=Path, nargs="*", default=[])
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--unanswerable-from", type=Path)
    parser.add_argument("--out", type=Path, default=CANDIDATE_FILE)
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
