"""Fitting the playbook matcher on dev rows: the evidence weighed, and a threshold in the middle
of a plateau, never on a one-item spike."""

from __future__ import annotations

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
) -> PlaybookRow:
    item = GoldItem.model_validate(
        {"id": f"q{n}", "question": f"question {n}", "split": "dev", "playbook": expected}
    )
    return PlaybookRow(
        item,
        tuple(
            Candidate(d, (s, lead, cues, float(d in linked), margin), ("escalate",))
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


def test_problem_cues_tell_a_situation_from_a_question_on_the_same_topic() -> None:
    # the same similarity and lead: only whether the question reports a problem differs
    rows = [
        row(n, "pb-a", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15), cues=2)
        for n in range(10)
    ]
    rows += [
        row(10 + n, "none", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15))
        for n in range(10)
    ]
    model = fit(rows)
    assert model.weights[2] > 0  # a problem report makes the playbook likelier
    results = [outcome(r, model, model.threshold) for r in rows]
    assert sum(right for right, _ in results) >= 18
    assert not any(wrong for _, wrong in results)


def test_retrieval_support_tells_a_playbook_from_a_close_when_to_use_on_another_topic() -> None:
    # the same similarity, lead and cues: only whether the question's retrieval found the
    # playbook (or an article it links to) differs
    rows = [
        row(n, "pb-a", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15), linked=("pb-a",))
        for n in range(10)
    ]
    rows += [
        row(10 + n, "none", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15))
        for n in range(10)
    ]
    model = fit(rows)
    assert model.weights[3] > 0
    results = [outcome(r, model, model.threshold) for r in rows]
    assert sum(right for right, _ in results) >= 18
    assert not any(wrong for _, wrong in results)


def test_the_margin_over_how_to_knowledge_tells_a_situation_from_a_how_to_question() -> None:
    # the same similarity, lead, cues and support: only how much closer the question is to the
    # playbook's situation than to the closest article differs
    rows = [
        row(n, "pb-a", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15), margin=0.2)
        for n in range(10)
    ]
    rows += [
        row(10 + n, "none", ("pb-a", 0.50 + 0.005 * n, 0.15), ("pb-b", 0.35, -0.15), margin=-0.1)
        for n in range(10)
    ]
    model = fit(rows)
    assert model.weights[4] > 0
    results = [outcome(r, model, model.threshold) for r in rows]
    assert sum(right for right, _ in results) >= 18
    assert not any(wrong for _, wrong in results)


def test_a_lone_right_item_past_the_edge_does_not_move_the_threshold() -> None:
    model = PlaybookModel(weights=(10.0, 0.0, 0.0, 0.0, 0.0), intercept=-5.0, threshold=0.5)

    def scored(n: int, expected: str, score: float) -> PlaybookRow:
        return row(n, expected, ("pb-a", score, 0.2))

    rows = [scored(n, "pb-a", 0.50 + 0.01 * n) for n in range(10)]  # clear matches
    rows += [scored(10 + n, "none", 0.40 + 0.005 * n) for n in range(10)]  # near misses
    rows.append(scored(30, "none", 0.450))
    rows.append(scored(31, "pb-a", 0.452))  # a spike: right just above the near misses
    at, accuracy, wrong = threshold(rows, model)
    spike = model.probability(0.452, 0.2, 0.0, 0.0, 0.0)
    clear = model.probability(0.50, 0.2, 0.0, 0.0, 0.0)
    assert spike < at <= clear  # inside the plateau, not on the spike
    assert wrong <= 0.05 and accuracy >= 10 / len(rows)
