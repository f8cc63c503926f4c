"""``kbassist eval`` through click's CliRunner: argument errors, a tiny BEIR set, the sample KB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from integrations.cli import cli
from tests.conftest import REPO, SAMPLE_KB
from tests.evals.test_beir import write_beir

REPORT_KEYS = {"dataset", "items", "configs", "answers", "abstention", "failures", "settings"}
METRICS = {
    "hit@5",
    "hit@10",
    "recall@5",
    "recall@10",
    "mrr@10",
    "ndcg@10",
    "forbidden_leaks",
    "latency_p50_ms",
    "latency_p95_ms",
}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either --dataset FOLDER or --gold FILE"),
        (["--gold", "pyproject.toml"], "--gold needs the knowledge base"),
        (["--dataset", "examples", "--gold", "pyproject.toml"], "give either --dataset"),
        (["--dataset", "examples", "--kb", "examples/kb"], "--kb goes with --gold"),
        (["--dataset", "no/such/folder"], "does not exist"),
        (["--dataset", "examples", "--limit", "0"], "--limit"),
    ],
)
def test_usage_errors(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "eval", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_bad_gold_file_is_a_user_error(tmp_path: Path) -> None:
    gold = tmp_path / "g.yaml"
    gold.write_text("items:\n  - id: q1\n    question: Q?\n    split: train\n")
    result = CliRunner().invoke(
        cli,
        ["--data-dir", str(tmp_path / "d"), "eval", "--gold", str(gold), "--kb", str(SAMPLE_KB)],
    )
    assert result.exit_code == 2
    assert "item 1 (id q1): field 'split'" in result.output


@pytest.mark.slow
def test_tiny_beir_set(tmp_path: Path) -> None:
    folder = write_beir(tmp_path / "tv_set")
    out = tmp_path / "out"
    args = ["--data-dir", str(tmp_path / "d"), "eval", "--dataset", str(folder), "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= REPORT_KEYS and data["dataset"] == "tv_set" and data["items"] == 4
    assert set(data["configs"]) >= {"bm25", "dense", "hybrid", "bm25_window"}
    for metrics in data["configs"].values():
        assert set(metrics) >= METRICS and metrics["scored_items"] == 2
    assert data["configs"]["hybrid"]["hit@10"] == 1.0  # three documents: all are in the top 10
    assert json.loads((out / "report.json").read_text()) == data
    assert (out / "retrieval.png").read_bytes().startswith(b"\x89PNG")
    assert "Evaluating" in result.stderr
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "Ingesting" not in again.stderr or "3/3" not in again.stderr
    assert "tv_set: 4 items" in again.stdout and "wrote" in again.stdout


@pytest.mark.slow
def test_sample_gold_set_end_to_end(
    sample_gold: Path, eval_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(eval_data_dir),
            "eval",
            "--gold",
            "evals/gold/sample_kb.yaml",
            "--kb",
            "examples/kb",
            "--json",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= REPORT_KEYS and data["dataset"] == "sample_kb"
    assert {"bm25", "dense", "hybrid"} <= set(data["configs"])
    assert data["answers"]["token_f1"] is not None
    assert data["forbidden_leaks"] == 0
    quality = data["answer_quality"]  # the gold set's annotations are read and scored
    assert quality["fact_items"] > 0 and quality["playbook_items"] > 0
    assert quality["off_topic_items"] > 0 and quality["in_domain_unanswerable"] >= 20
    assert quality["ece"] is not None and data["reliability"]
    assert (tmp_path / "out" / "reliability.png").read_bytes().startswith(b"\x89PNG")
