"""Fitting the playbook matcher on dev rows: the evidence weighed, and a threshold in the middle
of a plateau, never on a one-item spike."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answerers.playbooks import PlaybookModel
from evals.fit_playbooks import Candidate, PlaybookRow, fit, outcome, threshold
from evals.gold import GoldItem


def row(
    n: int,
    expected: str,
    *candidates: tuple[str, float, float],
    cues: float = 0.0,
    linked: tuple[str, ...] = (),
    margin: float = 0.0,
    cases: float = 0.0,
    words: float = 0.0,
) -> PlaybookRow:
    item = GoldItem.model_validate(
        {"id": f"q{n}", "question": f"question {n}", "split": "dev", "playbook": expected}
    )
    return PlaybookRow(
        item,
        tuple(
            Candidate(d, (s, lead, cues, float(d in linked), margin, cases, words), ("escalate",))
            for d, s, lead in candidates
        ),
    )


def test_the_fitted_model_keeps_clear_matches_and_drops_near_misses() -> None:
    rows = [row(n, "pb-a", ("pb-a", 0.55 + 0.01 * n, 0.2), ("pb-b", 0.35, -0.2)) for n in range(10)]
    rows += [
        row(10 + n, "none", ("pb-a", 0.40 + 0.005 * n, 0.05), ("pb-b", 0.36, -0.05))
        for n in range(10)
    ]
    model = fit(rows)
    assert model.weights[0] > 0 and model.weights[1] > 0  # more similar, more ahead: likelier
    results = [outcome(r, model, model.threshold) for r in rows]
    assert all(right for right, _ in results)
    assert not any(wrong for _, wrong in results)


@pytest.mark.parametrize(
    ("weight", "right", "none"),
    [
        # whether the question reports a problem: a report makes the playbook likelier
        (2, {"cues": 2.0}, {}),
        # whether the question's retrieval found the playbook (or an article it links to)
        (3, {"linked": ("pb-a",)}, {}),
        # how much closer the question is to the playbook's situation than to the closest
        # article: a how-to question on the topic is explained by an article as closely
        (4, {"margin": 0.2}, {"margin": -0.1}),
        # how much closer the question is to the cases customers report than to that article:
        # a question that reads like a customer's report is one
        (5, {"cases": 0.1}, {"cases": -0.2}),
        # how much more of the question's words the playbook holds than the best article: a
        # question about what only the playbook names is the playbook's
        (6, {"words": 0.4}, {"words": -0.1}),
    ],
)
def test_one_piece_of_evidence_alone_tells_the_situation_from_a_question_on_its_topic(
    weight: int, right: dict[str, Any], none: dict[str, Any]
) -> None:
    # the same similarity and lead throughout: only the one piece of evidence differs
    rows = [
        row(n, "pb-a", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15), **right)
        for n in range(10)
    ]
    rows += [
        row(10 + n, "none", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15), **none)
        for n in range(10)
    ]
    model = fit(rows)
    assert model.weights[weight] > 0
    results = [outcome(r, model, model.threshold) for r in rows]
    assert sum(ok for ok, _ in results) >= 18
    assert not any(wrong for _, wrong in results)


def test_a_lone_right_item_past_the_edge_does_not_move_the_threshold() -> None:
    model = PlaybookModel(
        weights=(10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), intercept=-5.0, threshold=0.5
    )

    def scored(n: int, expected: str, score: float) -> PlaybookRow:
        return row(n, expected, ("pb-a", score, 0.2))

    rows = [scored(n, "pb-a", 0.50 + 0.01 * n) for n in range(10)]  # clear matches
    rows += [scored(10 + n, "none", 0.40 + 0.005 * n) for n in range(10)]  # near misses
    rows.append(scored(30, "none", 0.450))
    rows.append(scored(31, "pb-a", 0.452))  # a spike: right just above the near misses
    at, accuracy, wrong = threshold(rows, model)
    spike = model.probability(0.452, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0)
    clear = model.probability(0.50, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert spike < at <= clear  # inside the plateau, not on the spike
    assert wrong <= 0.05 and accuracy >= 10 / len(rows)
