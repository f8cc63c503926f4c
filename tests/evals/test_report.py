"""Writing a report: the three files, report.json's keys, a valid PNG."""

from __future__ import annotations

import json
from pathlib import Path

from evals.report import render_markdown, report_dict, write_report
from evals.runner import EvalReport, Failure, Metrics, Prediction

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_report() -> EvalReport:
    metrics: Metrics = {
        "hit@5": 0.5,
        "hit@10": 1.0,
        "recall@5": 0.5,
        "recall@10": 1.0,
        "mrr@10": 0.75,
        "ndcg@10": 0.123456789,
        "scored_items": 2,
        "forbidden_leaks": 0,
        "latency_p50_ms": 1.5,
        "latency_p95_ms": 3.0,
    }
    return EvalReport(
        dataset="tiny",
        items=3,
        configs={"bm25": metrics, "dense": {**metrics, "ndcg@10": None}, "hybrid": metrics},
        answers={"token_f1": 0.4, "rouge_l": 0.3, "citation_precision": None},
        abstention={
            "precision": 1.0,
            "recall": 0.5,
            "f1": 2 / 3,
            "tp": 1,
            "fp": 0,
            "fn": 1,
            "tn": 1,
            "should_abstain": 2,
        },
        failures=[
            Failure(
                "q2",
                "Charged | twice?",
                ["hybrid: no relevant document in the top 10"],
                ["kb-2"],
                ["kb-9"],
            )
        ],
        settings={"k": 10, "default_config": "hybrid"},
        predictions=[Prediction("q1", "dev", True, 0.8, False, "A.", ["kb-1"], ["kb-1"], [], 5.0)],
        calibration={
            "threshold": 0.35,
            "dev": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 1, "fp": 0, "fn": 0, "tn": 1},
            "test": {
                "precision": None,
                "recall": 0.0,
                "f1": None,
                "tp": 0,
                "fp": 0,
                "fn": 1,
                "tn": 0,
            },
            "dev_items": 2,
            "test_items": 1,
            "current_threshold": 0.4,
            "test_at_current": None,
        },
        answer_quality={"items": 2, "top1_citation": 0.5, "ece": 0.125, "unsafe_reply_drafts": 0},
        reliability=[
            {"lower": 0.7, "upper": 0.8, "count": 1, "confidence": 0.75, "accuracy": 1.0},
            {"lower": 0.8, "upper": 0.9, "count": 3, "confidence": 0.85, "accuracy": 2 / 3},
        ],
    )


def test_write_report(tmp_path: Path) -> None:
    paths = write_report(report_dict(make_report()), tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "reliability.png",
        "report.json",
        "report.md",
        "retrieval.png",
    ]
    data = json.loads(paths["json"].read_text())
    assert set(data) >= {"dataset", "items", "configs", "answers", "abstention", "failures"}
    assert "settings" in data
    assert data["configs"]["bm25"]["ndcg@10"] == 0.1235  # rounded to 4 places
    assert data["configs"]["dense"]["ndcg@10"] is None
    assert data["failures"][0]["item_id"] == "q2"
    assert data["predictions"][0]["confidence"] == 0.8
    assert paths["chart"].read_bytes().startswith(PNG_SIGNATURE)
    assert paths["chart"].stat().st_size > 5000
    assert data["answer_quality"]["ece"] == 0.125
    assert data["reliability"][1]["accuracy"] == 0.6667
    assert paths["reliability"].read_bytes().startswith(PNG_SIGNATURE)
    assert paths["reliability"].stat().st_size > 5000


def test_markdown() -> None:
    text = render_markdown(report_dict(make_report()))
    assert "| config | hit@5 | hit@10 | recall@5 | recall@10 | mrr@10 | ndcg@10 |" in text
    assert "| bm25 | 0.500 | 1.000 | 0.500 | 1.000 | 0.750 | 0.123 |" in text
    assert "| dense | 0.500 | 1.000 | 0.500 | 1.000 | 0.750 | n/a |" in text
    assert "| token_f1 | 0.400 |" in text and "| citation_precision | n/a |" in text
    assert "| f1 | 0.667 |" in text
    assert "Chosen threshold **0.350**" in text
    assert "## Answer quality (test items, full assistant)" in text
    assert "| top1_citation | 0.500 |" in text and "| ece | 0.125 |" in text
    assert "| 0.800-0.900 | 3 | 0.850 | 0.667 |" in text
    assert "## Failed questions (1)" in text
    assert (
        "| q2 | Charged \\| twice? | hybrid: no relevant document in the top 10 | kb-2 | kb-9 |"
        in text
    )
