"""check_thresholds: minimums, maximums, and figures that were not measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import KbassistError
from evals.gate import check_thresholds, load_thresholds

REPORT = {
    "forbidden_leaks": 0,
    "configs": {"hybrid": {"ndcg@10": 0.72, "recall@10": 0.9, "latency_p95_ms": 80.0}},
    "answers": {"token_f1": 0.41, "next_action_accuracy": None},
    "abstention": {"f1": 0.5},
}


def test_all_met() -> None:
    thresholds = {
        "configs": {"hybrid": {"ndcg@10": 0.7, "latency_p95_ms": 100}},
        "answers": {"token_f1": 0.4},
        "abstention": {"f1": 0.5},
        "forbidden_leaks": 0,
    }
    assert check_thresholds(REPORT, thresholds) == []


def test_each_miss_is_listed() -> None:
    thresholds = {
        "configs": {"hybrid": {"ndcg@10": 0.75, "latency_p95_ms": 50}, "bm25": {"ndcg@10": 0.1}},
        "answers": {"token_f1": 0.45, "next_action_accuracy": 0.5},
        "forbidden_leaks": 0,
    }
    report = {**REPORT, "forbidden_leaks": 2}
    assert check_thresholds(report, thresholds) == [
        "configs.hybrid.ndcg@10: 0.72 < 0.75",
        "configs.hybrid.latency_p95_ms: 80 > 50 (maximum)",
        "configs.bm25: configuration not in the report",
        "answers.token_f1: 0.41 < 0.45",
        "answers.next_action_accuracy: not measured (threshold 0.5)",
        "forbidden_leaks: 2 > 0 (maximum)",
    ]


def test_load_thresholds(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("configs: {hybrid: {ndcg@10: 0.7}}\nforbidden_leaks: 0\n")
    assert load_thresholds(path) == {"configs": {"hybrid": {"ndcg@10": 0.7}}, "forbidden_leaks": 0}
    path.write_text("config: {}\n")
    with pytest.raises(KbassistError, match="unknown key"):
        load_thresholds(path)


def test_answer_quality_figures_where_lower_is_better_are_maximums() -> None:
    thresholds = {"answer_quality": {"ece": 0.2, "unsafe_reply_drafts": 0, "top1_citation": 0.7}}
    good = {"answer_quality": {"ece": 0.15, "unsafe_reply_drafts": 0, "top1_citation": 0.75}}
    bad = {"answer_quality": {"ece": 0.25, "unsafe_reply_drafts": 1, "top1_citation": 0.65}}
    assert check_thresholds(good, thresholds) == []
    problems = check_thresholds(bad, thresholds)
    assert len(problems) == 3
    assert any("ece" in p and "(maximum)" in p for p in problems)
    assert any("unsafe_reply_drafts" in p and "(maximum)" in p for p in problems)
