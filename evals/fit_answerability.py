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
(``--version 1``: the model in use, ``answerability.v1.json``; ``--version 2``, the default:
the candidate with the playbook features, ``answerability.v2.json``); the abstention threshold
is the one with the best mean abstention F1 over the sets' dev items. The playbook matcher's
model is fitted on the annotated dev items and printed (``evals.fit_playbooks``; it lives in
``answerers.playbooks.PLAYBOOK_MODEL``).
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
    MODEL_FILE,
    V1_FEATURES,
    AnswerabilityModel,
    features,
)
from assistant.answerers.confidence import ConfidenceModel
from assistant.answerers.playbooks import PlaybookMatch, PlaybookMatcher, with_actions
from assistant.assist import Assistant, SuggestResult
from assistant.settings import Settings
from assistant.suggestion import AskRequest
from assistant.types import Audience
from evals import fit_playbooks
from evals.calibrate import choose_shared_threshold
from evals.fit_playbooks import Candidate, PlaybookRow
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
    playbooks: PlaybookRow  # the candidate playbooks with their evidence


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
        candidates = tuple(
            Candidate(doc_id, evidence, _kinds(matcher, result, doc_id, audience))
            for doc_id, evidence in matcher.candidates(
                ranked, result.query, audience, result.retrieved
            )
        )
        evidence = PlaybookMatcher.evidence(ranked) if ranked else None
        rows.append(
            Row(
                job.dataset,
                item,
                features(result.query, passages, stats, playbook=evidence),
                item_checks(item, prediction).correct,
                PlaybookRow(item, candidates),
            )
        )
    return rows


def _kinds(
    matcher: PlaybookMatcher, result: SuggestResult, doc_id: str, audience: Audience
) -> tuple[str, ...]:
    """The action kinds the suggestion would carry were ``doc_id`` the matched playbook."""
    chunks = tuple(c for c in matcher.siblings(doc_id, audience) if c.metadata.get("actions"))
    forced = PlaybookMatch(doc_id, 1.0, 1.0, chunks)
    return tuple(a.kind for a in with_actions(result.suggestion, forced).next_actions)


def fit(
    rows: Sequence[Row], c: float = 1.0, names: tuple[str, ...] = FEATURES
) -> AnswerabilityModel:
    """Answerability (label: the item is answerable) on the standardised features ``names``,
    then Platt scaling of its score against correctness (label: the suggestion was right), each
    set weighted equally."""
    x = np.array([[r.values.get(f, np.nan) for f in names] for r in rows])
    given = ~np.isnan(x)
    fill = np.array(
        [x[given[:, j], j].mean() if given[:, j].any() else 0.0 for j in range(len(names))]
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
        features=names,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--kb", type=Path, nargs="*", default=[])
    parser.add_argument("--dataset", type=Path)
    parser.add_argument("--unanswerable-from", type=Path)
    parser.add_argument(
        "--version",
        type=int,
        choices=(1, 2),
        default=2,
        help="1: the model in use (answerability.v1.json); 2: with the playbook features",
    )
    parser.add_argument("--out", type=Path, help="default: the version's model file")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    args = parser.parse_args(argv)
    settings = Settings(data_dir=args.data_dir)
    jobs: list[EvalJob] = []
    if args.gold:
        jobs.append(gold_job(settings, args.gold, args.kb))
    if args.dataset:
        jobs.append(beir_job(settings, args.dataset, unanswerable_from=args.unanswerable_from))
    rows = [row for job in jobs for row in rows_of(job)]
    names = V1_FEATURES if args.version == 1 else FEATURES
    out = args.out or (MODEL_FILE if args.version == 1 else CANDIDATE_FILE)
    fitted = fit(rows, args.c, names)
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
    out.write_text(json.dumps(model.to_dict(), indent=2) + "\n")
    print(json.dumps({"model": str(out), **model.to_dict()}, indent=2))
    playbook_rows = [r.playbooks for r in rows if r.item.playbook is not None]
    if playbook_rows:
        matcher = fit_playbooks.fit(playbook_rows)
        _, accuracy, rate = fit_playbooks.threshold(playbook_rows, matcher)
        print(f"playbook model {matcher} (dev next-action accuracy {accuracy:.3f}, ", end="")
        print(f"wrong playbook {rate:.3f} on {len(playbook_rows)} items)")


if __name__ == "__main__":
    main()
