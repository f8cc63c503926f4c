"""Threshold calibration on hand-made confidences, and borrowed unanswerable questions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from evals.calibrate import (
    as_unanswerable,
    calibrate,
    candidates,
    choose_shared_threshold,
    choose_threshold,
    scores_at,
)
from evals.gold import GoldItem, GoldSet


@dataclass(frozen=True)
class R:
    split: str
    answerable: bool
    confidence: float


def test_candidates_cover_every_outcome() -> None:
    assert candidates([0.5, 0.2, 0.5]) == [0.2, 0.5, pytest.approx(0.5001)]
    assert candidates([]) == []


def test_best_f1_on_dev() -> None:
    dev = [
        R("dev", True, 0.9),
        R("dev", True, 0.5),
        R("dev", False, 0.2),
        R("dev", False, 0.5),
        R("dev", True, 0.7),
    ]
    # abstain when confidence < t:
    # t=0.2: none abstain (precision undefined); t=0.5: {0.2u} tp1 fn1 -> F1 2/3;
    # t=0.7: {0.2u, 0.5a, 0.5u} tp2 fp1 -> P 2/3 R 1 -> F1 0.8;
    # t=0.9: + 0.7a -> P 1/2 R 1 -> 2/3; t=0.9001: all -> P 2/5 R 1 -> 4/7
    chosen = choose_threshold(dev)
    assert chosen is not None
    threshold, scores = chosen
    assert threshold == 0.7
    assert scores["f1"] == pytest.approx(0.8)
    assert (scores["tp"], scores["fp"], scores["fn"], scores["tn"]) == (2, 1, 0, 2)


def test_ties_go_to_the_lower_threshold() -> None:
    dev = [R("dev", False, 0.1), R("dev", True, 0.3), R("dev", True, 0.4), R("dev", False, 0.5)]
    # t=0.3: {0.1u} tp1 fn1 -> 2/3; t=0.4: tp1 fp1 fn1 -> 1/2; t=0.5: tp1 fp2 fn1 -> 2/5;
    # t=0.5001: all -> tp2 fp2 -> 2/3 (tie with 0.3: the lower one wins)
    chosen = choose_threshold(dev)
    assert chosen is not None and chosen[0] == 0.3
    assert chosen[1]["f1"] == pytest.approx(2 / 3)


def test_chosen_on_dev_reported_on_test() -> None:
    records = [
        R("dev", False, 0.1),
        R("dev", True, 0.3),
        R("dev", True, 0.4),
        R("dev", False, 0.5),
        # test items alone would favour t=0.9; they must not influence the choice
        R("test", False, 0.2),
        R("test", False, 0.8),
        R("test", True, 0.9),
        R("test", True, 0.35),
    ]
    calibration = calibrate(records, current=0.4)
    assert calibration is not None
    assert calibration.threshold == 0.3
    assert (calibration.dev_items, calibration.test_items) == (4, 4)
    # at 0.3 on test: abstain {0.2u} -> tp1 fp0 fn1 -> P 1, R 0.5
    assert (calibration.test["precision"], calibration.test["recall"]) == (1.0, 0.5)
    # at 0.4 on test: abstain {0.2u, 0.35a} -> tp1 fp1 fn1 -> P 0.5, R 0.5
    assert calibration.test_at_current == scores_at(records[4:], 0.4)
    assert calibration.test_at_current is not None
    assert calibration.test_at_current["precision"] == 0.5
    assert calibration.to_dict()["threshold"] == 0.3


def test_nothing_to_calibrate_without_unanswerable_dev_items() -> None:
    assert calibrate([R("dev", True, 0.5), R("test", False, 0.1)]) is None


def test_as_unanswerable() -> None:
    gold = GoldSet(
        name="mtrag",
        items=[
            GoldItem(
                id="q1",
                question="Q?",
                relevant={"d1": 1},
                answer="A.",
                tags=["x"],
                next_actions=["refund"],
                split="dev",
            )
        ],
    )
    (item,) = as_unanswerable(gold)
    assert item.id == "mtrag:q1" and item.question == "Q?" and item.split == "dev"
    assert not item.answerable and item.relevant == {} and item.answer == ""
    assert item.next_actions == [] and item.tags == ["x", "cross:mtrag"]


def _item(n: int, answerable: bool) -> GoldItem:
    return GoldItem(id=f"i{n}", question="q", answerable=answerable, split="dev")


def test_one_threshold_serves_several_sets_by_their_mean_f1() -> None:
    # set a separates at 0.5 (its unanswerable item scores 0.3); set b only at 0.7 (0.6)
    a = [(_item(1, True), 0.8), (_item(2, False), 0.3), (_item(3, True), 0.65)]
    b = [(_item(4, True), 0.9), (_item(5, False), 0.6)]
    # t=0.6: a F1 1, b F1 0 -> 0.5; t=0.65: a 1, b 1 -> 1; t=0.8: a F1 2/3, b 1
    assert choose_shared_threshold({"a": a, "b": b}) == 0.65
    only_answerable = [(_item(6, True), 0.2)]
    assert choose_shared_threshold({"a": a, "c": only_answerable}) == 0.65  # c has no say
    assert choose_shared_threshold({"c": only_answerable}) == 0.5
