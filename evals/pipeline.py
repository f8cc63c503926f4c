"""Putting an evaluation together: a gold set, its eval store, the configurations to compare.

``beir_job`` and ``gold_job`` ingest (or find) the store and load the items; ``EvalJob.run`` runs
them through ``evals.runner`` and, when the dev split holds unanswerable items, calibrates the
abstention threshold on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.retrieval import Retriever
from assistant.settings import Settings
from evals.calibrate import as_unanswerable, calibrate
from evals.gold import GoldItem, load_beir, load_gold
from evals.runner import Advance, EvalReport, retrieval_configs, run_eval
from evals.stores import EvalStore, beir_store, kb_store
from ingest.sources import SourceOptions
from ingest.sync import Progress


@dataclass
class EvalJob:
    dataset: str
    items: list[GoldItem]
    store: EvalStore
    source: dict[str, Any] = field(default_factory=dict)
    configs: dict[str, Retriever] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.configs:
            self.configs = retrieval_configs(self.store.services)

    @property
    def steps(self) -> int:
        """Progress steps of ``run``: every item through each configuration and the assistant."""
        return len(self.items) * (len(self.configs) + 1)

    def settings(self) -> dict[str, Any]:
        services = self.store.services
        return {
            **self.source,
            "store": str(self.store.path),
            "embed_model": services.settings.embed_model,
            "answerer": services.answerer.name,
            "confidence_threshold": _threshold(services.answerer),
            "fusion": asdict(services.retriever.config),
            "configs": list(self.configs),
        }

    def run(self, advance: Advance | None = None) -> EvalReport:
        settings = self.settings()
        report = run_eval(
            self.items,
            self.configs,
            self.store.services.assistant,
            dataset=self.dataset,
            settings=settings,
            advance=advance,
        )
        # an abstention shows confidence 0: the threshold is tuned on the classifier's estimate
        estimates = [replace(p, confidence=p.estimate) for p in report.predictions]
        calibration = calibrate(estimates, settings["confidence_threshold"])
        report.calibration = calibration.to_dict() if calibration else None
        return report


def _threshold(answerer: object) -> float | None:
    """The abstention threshold in use; None for an LLM answerer (it abstains on its own)."""
    return answerer.confidence.threshold if isinstance(answerer, ExtractiveAnswerer) else None


def _limited(items: Sequence[GoldItem], limit: int | None) -> list[GoldItem]:
    return list(items[:limit] if limit is not None else items)


def _cross(unanswerable_from: Path | None, limit: int | None) -> list[GoldItem]:
    if unanswerable_from is None:
        return []
    return _limited(as_unanswerable(load_beir(unanswerable_from)), limit)


def beir_job(
    settings: Settings,
    folder: Path,
    *,
    limit: int | None = None,
    unanswerable_from: Path | None = None,
    progress: Progress | None = None,
) -> EvalJob:
    """A BEIR folder's questions against its own corpus, ingested into its cached eval store.

    ``limit`` keeps the first N questions (of each set); ``unanswerable_from`` adds another BEIR
    folder's questions as unanswerable items.
    """
    gold = load_beir(folder)
    items = _limited(gold.items, limit) + _cross(unanswerable_from, limit)
    store = beir_store(settings, folder, progress)
    source = {"source": "beir", "folder": str(Path(folder).resolve())}
    if unanswerable_from is not None:
        source["unanswerable_from"] = str(Path(unanswerable_from).resolve())
    return EvalJob(gold.name, items, store, source)


def gold_job(
    settings: Settings,
    gold_path: Path,
    kb_paths: Sequence[Path],
    *,
    limit: int | None = None,
    unanswerable_from: Path | None = None,
    progress: Progress | None = None,
    source_options: SourceOptions | None = None,
) -> EvalJob:
    """A gold set file against knowledge-base files, ingested into their cached eval store
    (``source_options``: per-source settings, as ``kbassist ingest`` takes them)."""
    gold = load_gold(gold_path)
    items = _limited(gold.items, limit) + _cross(unanswerable_from, limit)
    store = kb_store(settings, kb_paths, progress, source_options)
    source = {
        "source": "gold",
        "gold": str(Path(gold_path).resolve()),
        "kb": [str(Path(p).resolve()) for p in kb_paths],
    }
    if unanswerable_from is not None:
        source["unanswerable_from"] = str(Path(unanswerable_from).resolve())
    return EvalJob(gold.name, items, store, source)
