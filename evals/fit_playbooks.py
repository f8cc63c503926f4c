"""Fit the playbook matcher's model (``answerers.playbooks.PlaybookModel``) on DEV items only.

Every annotated dev item (a playbook, or ``none``) gives one row per candidate playbook with
its evidence (``PlaybookMatcher.candidates``) and whether it is the expected playbook. A
scikit-learn logistic regression is fitted on those rows; the threshold is then the middle of
a plateau of dev next-action accuracy on which the wrong-playbook rate stays at most
``MAX_WRONG_PLAYBOOK`` throughout, so a one-item spike is not chosen and a small shift in
similarities does not change the outcome much.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.answerers.playbooks import Evidence, PlaybookModel
from evals.answer_metrics import next_actions_correct
from evals.gold import GoldItem

THRESHOLDS = tuple(round(0.1 + 0.01 * n, 2) for n in range(71))  # 0.10 .. 0.80
MAX_WRONG_PLAYBOOK = 0.05
PLATEAU = 3  # grid steps each side: +-0.03


@dataclass(frozen=True)
class Candidate:
    doc_id: str
    evidence: Evidence
    kinds: tuple[str, ...]  # the action kinds its steps would suggest


@dataclass(frozen=True)
class PlaybookRow:
    item: GoldItem
    candidates: tuple[Candidate, ...]


def fit(rows: Sequence[PlaybookRow], c: float = 1.0) -> PlaybookModel:
    """The logistic model on every candidate of the annotated rows, with the plateau threshold."""
    scored = [r for r in rows if r.item.playbook is not None]
    x = [list(k.evidence) for r in scored for k in r.candidates]
    y = [k.doc_id == r.item.expected_playbook() for r in scored for k in r.candidates]
    if len(set(y)) < 2:
        raise ValueError("the annotated dev items need both right and wrong playbook candidates")
    model = LogisticRegression(C=c, max_iter=1000).fit(np.array(x), y)
    w = [round(float(v), 4) for v in model.coef_[0]]
    weights = (w[0], w[1], w[2], w[3], w[4], w[5], w[6])
    fitted = PlaybookModel(weights, round(float(model.intercept_[0]), 4), 0.5)
    return PlaybookModel(fitted.weights, fitted.intercept, threshold(scored, fitted)[0])


def outcome(row: PlaybookRow, model: PlaybookModel, at: float) -> tuple[bool, bool]:
    """(next actions right, wrong playbook) for one row with the model's best candidate kept
    from probability ``at`` up."""
    best = max(
        ((model.probability(*k.evidence), k) for k in row.candidates),
        key=lambda pair: pair[0],
        default=None,
    )
    kept = best[1] if best is not None and best[0] >= at else None
    playbooks = [kept.doc_id] if kept else []
    expected = row.item.expected_playbook()
    right = next_actions_correct(
        expected, row.item.next_actions, playbooks, list(kept.kinds) if kept else []
    )
    return right, bool(playbooks) and playbooks[0] != expected


def threshold(rows: Sequence[PlaybookRow], model: PlaybookModel) -> tuple[float, float, float]:
    """(threshold, dev next-action accuracy, dev wrong-playbook rate) at the plateau's middle."""
    grid = np.array([[outcome(r, model, t) for r in rows] for t in THRESHOLDS], dtype=float)
    accuracy, wrong = grid[:, :, 0].mean(axis=1), grid[:, :, 1].mean(axis=1)
    best: tuple[float, int] | None = None
    for i in range(len(THRESHOLDS)):
        window = slice(max(0, i - PLATEAU), i + PLATEAU + 1)
        if wrong[window].max() > MAX_WRONG_PLAYBOOK:
            continue
        smooth = float(accuracy[window].mean())
        if best is None or smooth > best[0] + 1e-9:
            best = (smooth, i)
    if best is None:
        return (1.0, 0.0, 0.0)  # no safe point: never suggest a playbook
    i = best[1]
    return (THRESHOLDS[i], float(accuracy[i]), float(wrong[i]))
