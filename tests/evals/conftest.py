"""Fixtures for the evaluation tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

SAMPLE_GOLD = REPO / "evals" / "gold" / "sample_kb.yaml"
SAMPLE_THRESHOLDS = REPO / "evals" / "gold" / "sample_kb.thresholds.yaml"


@pytest.fixture(scope="session")
def eval_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for the slow evaluation tests, so the sample KB is embedded once."""
    return tmp_path_factory.mktemp("evaldata")


@pytest.fixture
def sample_gold() -> Path:
    if not SAMPLE_GOLD.is_file():
        pytest.skip("evals/gold/sample_kb.yaml is not written yet")
    return SAMPLE_GOLD
