"""Calibrating the abstention threshold offline, from the confidences the assistant reported.

A suggestion abstains when its confidence is below the threshold (``ConfidenceModel.abstains``),
so any threshold can be scored from recorded confidences without asking again. The threshold is
chosen on DEV items only (best abstention F1, ties to the lower threshold) and reported on TEST.

Gold sets rarely hold enough unanswerable questions; ``as_unanswerable`` borrows another
collection's questions (e.g. IBM Cloud questions asked of a TV manual), which the store cannot
answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from evals.gold import GoldItem, GoldSet
from evals.metrics import AbstentionScores, abstention_scores


class Confident(Protocol):
    @property
    def split(self) -> str: ...
    @property
    def answerable(self) -> bool: ...
    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class Calibration:
    threshold: float
    dev: AbstentionScores  # at the chosen threshold
    test: AbstentionScores  # at the chosen threshold
    dev_items: int
    test_items: int
    current_threshold: float | None = None
    test_at_current: AbstentionScores | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def scores_at(records: Iterable[Confident], threshold: float) -> AbstentionScores:
    """Abstention scores if every suggestion below ``threshold`` had abstained."""
    return abstention_scores((not r.answerable, r.confidence < threshold) for r in records)


def candidates(confidences: Iterable[float]) -> list[float]:
    """Every threshold that changes the outcome: each distinct confidence (abstain below it),
    and one just above the highest (abstain on everything)."""
    values = sorted(set(confidences))
    return [*values, values[-1] + 1e-4] if values else []


def choose_threshold(records: Sequence[Confident]) -> tuple[float, AbstentionScores] | None:
    """The threshold with the best abstention F1 on ``records``; ties go to the lower one.

    None when no record should abstain (F1 is undefined at every threshold).
    """
    if not any(not r.answerable for r in records):
        return None
    best: tuple[float, AbstentionScores] | None = None
    for threshold in candidates(r.confidence for r in records):
        scores = scores_at(records, threshold)
        f1 = scores["f1"] if scores["f1"] is not None else -1.0
        if best is None or f1 > (best[1]["f1"] if best[1]["f1"] is not None else -1.0):
            best = (threshold, scores)
    return best


def calibrate(records: Sequence[Confident], current: float | None = None) -> Calibration | None:
    """Choose the threshold on the dev records, score it (and ``current``) on the test records."""
    dev = [r for r in records if r.split == "dev"]
    test = [r for r in records if r.split == "test"]
    chosen = choose_threshold(dev)
    if chosen is None:
        return None
    threshold, dev_scores = chosen
    return Calibration(
        threshold=round(threshold, 4),
        dev=dev_scores,
        test=scores_at(test, threshold),
        dev_items=len(dev),
        test_items=len(test),
        current_threshold=current,
        test_at_current=scores_at(test, current) if current is not None else None,
    )


def as_unanswerable(gold: GoldSet, prefix: str | None = None) -> list[GoldItem]:
    """``gold``'s questions as unanswerable items, to ask against ANOTHER collection's store.

    Ids become ``<prefix>:<id>`` (prefix: the set's name); relevant documents, reference answer
    and expected actions are dropped; the split is kept and the item tagged ``cross:<prefix>``.
    """
    label = prefix or gold.name
    return [
        GoldItem.model_validate(
            {
                **item.model_dump(),
                "id": f"{label}:{item.id}",
                "relevant": {},
                "forbidden": [],
                "answer": "",
                "next_actions": [],
                "answerable": False,
                "tags": [*item.tags, f"cross:{label}"],
            }
        )
        for item in gold.items
    ]


def choose_shared_threshold(groups: Mapping[str, Sequence[tuple[GoldItem, float]]]) -> float:
    """One threshold for several sets' dev items ``(item, confidence)``: the best mean
    abstention F1 over the sets that hold an unanswerable item (ties to the lower threshold);
    0.5 when none does."""
    scored = [g for g in groups.values() if any(not item.answerable for item, _ in g)]
    if not scored:
        return 0.5
    best: tuple[float, float] | None = None
    for threshold in candidates(p for g in scored for _, p in g):
        f1s = [
            abstention_scores((not item.answerable, p < threshold) for item, p in g)["f1"] or 0.0
            for g in scored
        ]
        mean_f1 = sum(f1s) / len(f1s)
        if best is None or mean_f1 > best[1]:
            best = (threshold, mean_f1)
    return best[0] if best else 0.5
