"""Choosing the playbook threshold on dev rows: the middle of a plateau, never a one-item spike."""

from __future__ import annotations

from evals.fit_answerability import Row, playbook_threshold
from evals.gold import GoldItem


def row(n: int, expected: str, top: str, score: float, lead: float) -> Row:
    item = GoldItem.model_validate(
        {"id": f"q{n}", "question": f"question {n}", "split": "dev", "playbook": expected}
    )
    return Row("set", item, {}, True, [(top, score), ("pb-next", score - lead)], ["escalate"])


def test_a_lone_right_item_past_the_edge_does_not_move_the_threshold() -> None:
    rows = [row(n, "pb-a", "pb-a", 0.50 + 0.01 * n, 0.2) for n in range(10)]  # clear matches
    rows += [row(10 + n, "none", "pb-a", 0.40 + 0.005 * n, 0.2) for n in range(10)]  # near misses
    rows.append(row(30, "none", "pb-a", 0.450, 0.2))
    rows.append(row(31, "pb-a", "pb-a", 0.452, 0.2))  # a spike: right just above near misses
    threshold, _margin, accuracy, wrong = playbook_threshold(rows)
    assert 0.452 < threshold <= 0.50  # inside the plateau, not on the spike
    assert wrong <= 0.05 and accuracy >= 10 / len(rows)
