"""``Tuner``: bad input leaves the model and store untouched; a tuned model is saved with its
sha256 and card, adopted only when it wins, loaded with the hash check, and rolled back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.compose import Services
from assistant.embedding import make_embedder
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import BUNDLED_MODEL, Settings
from assistant.tuning import models, tune
from assistant.tuning.train import TrainConfig
from assistant.tuning.tune import EvalItem, Tuner
from tests.conftest import write_tiny_kb

pytestmark = pytest.mark.slow
FAST = TrainConfig(max_steps=2, batch_size=4, max_minutes=5)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    services.ingestor.sync([write_tiny_kb(tmp_path / "kb")])
    yield services


def vectors(services: Services) -> dict[str, list[float]]:
    got: Any = services.store.collection.get(include=["embeddings"])
    return {i: list(map(float, v)) for i, v in zip(got["ids"], got["embeddings"], strict=True)}


def tuner(services: Services) -> Tuner:
    return Tuner(services.settings, services.store)


def test_an_empty_store_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "empty", _env_file=None)  # type: ignore[call-arg]
    services = Services(settings)
    with pytest.raises(KbassistError) as info:
        tuner(services).tune(FAST)
    assert info.value.code is ErrorCode.BAD_INPUT and "empty" in info.value.detail
    assert not (settings.data_dir / "models").exists()


@pytest.mark.parametrize("bad", [{"max_minutes": 0}, {"max_steps": 0}])
def test_no_time_or_steps_is_refused(services: Services, bad: dict[str, Any]) -> None:
    config = TrainConfig(**{"batch_size": 4, **bad})
    with pytest.raises(KbassistError) as info:
        tuner(services).tune(config)
    assert "--max-minutes and --max-steps must be above 0" in info.value.detail
    assert not (services.settings.data_dir / "models").exists()


def test_a_gold_set_of_another_store_is_refused(services: Services) -> None:
    other = [EvalItem("how do I pair the remote", {"section_1": 1.0, "section_2": 1.0})]
    before = vectors(services)
    with pytest.raises(KbassistError) as info:
        tuner(services).tune(FAST, gold_dev=other)
    assert "does not match the store: 2 of 2 relevant documents" in info.value.detail
    assert vectors(services) == before


def test_an_interrupted_tune_leaves_nothing_behind(services: Services) -> None:
    before = vectors(services)

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tuner(services).tune(FAST, progress=interrupt)
    models_dir = services.settings.data_dir / "models"
    assert not (models_dir / "current.json").exists()
    assert not list(models_dir.glob("tuned/*"))  # not even a partial folder
    assert vectors(services) == before


def test_a_model_that_does_not_win_is_kept_but_not_adopted(services: Services) -> None:
    before = vectors(services)
    report = tuner(services).tune(FAST, dry_run=True)
    assert report.steps >= 1 and not report.adopted
    card = json.loads((Path(report.model_dir) / "card.json").read_text())
    assert card["sha256"] == report.sha256 and card["pairs"] == report.pairs
    assert card["before"] == report.before and card["steps"] == report.steps
    assert not (services.settings.data_dir / "models" / "current.json").exists()
    assert vectors(services) == before


def test_a_winning_model_is_adopted_checked_and_rolled_back(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = vectors(services)
    scores = iter([{"ndcg@10": 0.5, "mrr@10": 0.5}, {"ndcg@10": 0.6, "mrr@10": 0.6}])
    monkeypatch.setattr(tune, "_score", lambda *args, **kwargs: next(scores))
    report = tuner(services).tune(TrainConfig(max_steps=3, batch_size=4, learning_rate=1e-3))
    assert report.adopted and report.reason.startswith("adopted")
    data_dir = services.settings.data_dir
    assert models.current(data_dir) == {
        "path": report.model_dir,
        "sha256": report.sha256,
        "base": BUNDLED_MODEL,
        "previous": None,
    }
    tuned = vectors(services)
    moved = [np.dot(original[i], tuned[i]) for i in original]
    assert min(moved) < 0.9999  # re-embedded with the tuned model
    config = json.loads((data_dir / "ingest-config.json").read_text())
    assert config["embed_model"] == report.model_dir  # the next ingest does not re-embed
    assert make_embedder(services.settings).model_id == report.model_dir

    weights = Path(report.model_dir) / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8] + b"\0" * 8)
    with pytest.raises(KbassistError) as info:
        make_embedder(services.settings).embed_query("hello")
    assert "altered" in info.value.detail

    assert tuner(services).rollback() == BUNDLED_MODEL
    assert models.current(data_dir) is None
    back = vectors(services)
    assert min(np.dot(original[i], back[i]) for i in original) > 0.9999
    with pytest.raises(KbassistError) as again:
        tuner(services).rollback()
    assert "no tuned model has been adopted" in again.value.detail


def test_an_interrupted_adoption_is_refused_until_rolled_back(services: Services) -> None:
    data_dir = services.settings.data_dir
    models.write_json(data_dir / "models" / "adopting.json", {"to": None})
    with pytest.raises(KbassistError) as info:
        make_embedder(services.settings)
    assert "kbassist tune --rollback" in info.value.detail
    with pytest.raises(KbassistError):
        tuner(services).tune(FAST)
    tuner(services).rollback()
    assert not (data_dir / "models" / "adopting.json").exists()
    assert make_embedder(services.settings).model_id == BUNDLED_MODEL
