"""The CI quality gate: the sample gold set's figures against evals/gold/sample_kb.thresholds.yaml.

Thresholds sit a little below measured values; a change that drops any figure under its
threshold, or lets a forbidden document through, fails here with every missed figure listed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.gate import check_thresholds, load_thresholds
from evals.pipeline import gold_job
from evals.report import report_dict
from tests.conftest import SAMPLE_KB
from tests.evals.conftest import SAMPLE_THRESHOLDS


@pytest.mark.slow
def test_sample_gold_set_meets_its_thresholds(sample_gold: Path, eval_data_dir: Path) -> None:
    if not SAMPLE_THRESHOLDS.is_file():
        pytest.skip("evals/gold/sample_kb.thresholds.yaml is not written yet")
    thresholds = load_thresholds(SAMPLE_THRESHOLDS)
    settings = Settings(data_dir=eval_data_dir, _env_file=None)  # type: ignore[call-arg]
    report = report_dict(gold_job(settings, sample_gold, [SAMPLE_KB]).run())
    missed = check_thresholds(report, thresholds)
    assert not missed, "sample_kb figures under their thresholds:\n  " + "\n  ".join(missed)
