"""``kbassist tune``: pairs from the store, training, judging, saving and adopting (or not).

Bad input is refused before anything changes: an empty store, ``max_minutes`` <= 0, a gold set
whose relevant documents are not in the store, a pending interrupted adoption. An interrupted run
(Ctrl+C, a kill) before adoption leaves nothing: the model is saved to a temporary folder and
renamed only when complete, and the store is re-embedded only after training and judging.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.embedding import adopted_model, file_sha256, resolve_model, verify_model_dir
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings
from assistant.store import ChunkStore
from assistant.tuning import models
from assistant.tuning.pairs import (
    DecisionSource,
    Pair,
    Row,
    Search,
    build_pairs,
    counts,
    embed_text,
    with_hard_negatives,
)
from assistant.tuning.pairs import held_out as split_held_out
from assistant.tuning.train import (
    Progress,
    TrainConfig,
    TrainResult,
    dense_scores,
    encode,
    load_model,
    train,
)

MATCH_SHARE = 0.5  # below this share of a gold set's relevant documents in the store: refused


@dataclass(frozen=True)
class EvalItem:
    question: str
    relevant: dict[str, float]


@dataclass
class TuneReport:
    pairs: dict[str, int]
    judged_on: str
    before: dict[str, float]
    after: dict[str, float] = field(default_factory=dict)
    steps: int = 0
    train_s: float = 0.0
    stopped_by: str = ""
    model_dir: str = ""
    sha256: str = ""
    adopted: bool = False
    reason: str = ""
    re_embed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Prepared:
    """What a tune trains on and is judged by (``Tuner.prepare``)."""

    pairs: list[Pair]
    training: list[Pair]
    queries: list[EvalItem]
    judged: str
    rows: list[Row]
    texts: list[str]  # each chunk as it is embedded
    chunk_docs: list[str]
    base: Path  # the current model's folder


class Tuner:
    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        decisions: DecisionSource | None = None,
        search: Search | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.decisions = decisions
        self.search = search  # BM25, for hard negatives
        self.data_dir = settings.data_dir

    def current_model(self) -> tuple[Path, str | None]:
        """The folder and sha256 of the model the store is embedded with now."""
        tuned = adopted_model(self.data_dir, self.settings.embed_model)
        location, sha = tuned or resolve_model(
            self.settings.embed_model, self.settings.embed_model_sha256
        )
        path = Path(location)
        if not path.is_dir():
            raise KbassistError(
                ErrorCode.CONFIG, f"kbassist tune needs a local model folder, not '{location}'"
            )
        if sha:
            verify_model_dir(path, sha)
        return path, sha

    def rows(self) -> list[Row]:
        rows = list(self.store.iter_rows())
        if not rows:
            raise KbassistError(
                ErrorCode.BAD_INPUT,
                f"the store in {self.data_dir} is empty: run `kbassist ingest` first",
            )
        return rows

    def prepare(
        self,
        config: TrainConfig,
        gold_dev: list[EvalItem] | None = None,
        excluded: list[str] | None = None,
    ) -> Prepared:
        """Check the input, build the pairs and what judges the tuned model; changes nothing."""
        if config.max_minutes <= 0 or config.max_steps <= 0:
            raise KbassistError(
                ErrorCode.BAD_INPUT, "--max-minutes and --max-steps must be above 0"
            )
        models.check_adoptable(self.data_dir)
        rows = self.rows()
        doc_ids = {str(meta.get("doc_id", "")) for _, _, meta in rows}
        if gold_dev is not None:
            check_gold_matches(gold_dev, doc_ids)
        decided = self.decisions.decided_passages() if self.decisions else []
        pairs = build_pairs(rows, decided, excluded or [], config.seed, config.cloze)
        if self.search is not None:
            pairs = with_hard_negatives(pairs, self.search)
        if gold_dev:
            training, queries, judged = pairs, gold_dev, "the gold set's dev items"
        else:
            training, held = split_held_out(pairs)
            queries = [EvalItem(p.anchor, {p.doc_id: 1.0}) for p in held]
            judged = "held-out pseudo-queries (10% of documents)"
        if not training or not queries:
            raise KbassistError(
                ErrorCode.BAD_INPUT, "the store has too little text to make training pairs from"
            )
        base, _ = self.current_model()
        return Prepared(
            pairs,
            training,
            queries,
            judged,
            rows,
            [embed_text(text, meta) for _, text, meta in rows],
            [str(meta.get("doc_id", "")) for _, _, meta in rows],
            base,
        )

    def tune(
        self,
        config: TrainConfig,
        gold_dev: list[EvalItem] | None = None,
        excluded: list[str] | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> TuneReport:
        prepared = self.prepare(config, gold_dev, excluded)
        model = load_model(prepared.base, self.settings.embed_threads)
        report = self.baseline(model, prepared)
        result = train(model, prepared.training, config, progress)
        return self.conclude(model, prepared, report, result, dry_run)

    def baseline(self, model: Any, prepared: Prepared) -> TuneReport:
        """The report, with the current model's score on the judging queries."""
        before = _score(model, prepared.queries, prepared.texts, prepared.chunk_docs)
        return TuneReport(counts(prepared.pairs), prepared.judged, before)

    def conclude(
        self,
        model: Any,
        prepared: Prepared,
        report: TuneReport,
        result: TrainResult,
        dry_run: bool = False,
        vectors: Any = None,
    ) -> TuneReport:
        """Judge the trained ``model``, save it with its card, and adopt it if it wins.
        ``vectors``: the chunks' vectors by this model, when they were computed elsewhere."""
        report.steps, report.train_s, report.stopped_by = (
            result.steps,
            round(result.seconds, 1),
            result.stopped_by,
        )
        if vectors is None:
            vectors = encode(model, prepared.texts)
        report.after = _score(model, prepared.queries, prepared.texts, prepared.chunk_docs, vectors)
        target = self._save(model, report, prepared.base, prepared.training)
        report.model_dir, report.sha256 = str(target), file_sha256(target / "model.safetensors")
        better = report.after["ndcg@10"] > report.before["ndcg@10"]
        if not better:
            report.reason = "not adopted: it does not beat the current model"
        elif dry_run:
            report.reason = "not adopted: --dry-run"
        else:
            started = time.perf_counter()
            record = {
                "path": str(target),
                "sha256": report.sha256,
                "base": self.settings.embed_model,
                "previous": models.current(self.data_dir),
            }
            ids = [chunk_id for chunk_id, _, _ in prepared.rows]
            models.adopt(self.data_dir, self.store, record, ids, vectors.tolist())
            report.re_embed_s = round(time.perf_counter() - started, 1)
            report.adopted, report.reason = True, "adopted: it beats the current model"
        models.write_json(
            target / "card.json",
            models.card(report.to_dict(), prepared.base, len(prepared.training)),
        )
        return report

    def rollback(self) -> str:
        """Re-embed the store with the model adopted before the current one (or finish undoing
        an interrupted adoption); returns that model's path."""
        journal = (models.models_dir(self.data_dir) / models.JOURNAL).exists()
        target = models.current(self.data_dir) if journal else models.previous_of(self.data_dir)
        rows = self.rows()
        if target:
            path = Path(target["path"])
            verify_model_dir(path, str(target["sha256"]))
        else:
            location, sha = resolve_model(
                self.settings.embed_model, self.settings.embed_model_sha256
            )
            path = Path(location)
            if sha:
                verify_model_dir(path, sha)
        model = load_model(path, self.settings.embed_threads)
        vectors = encode(model, [embed_text(text, meta) for _, text, meta in rows])
        ids = [chunk_id for chunk_id, _, _ in rows]
        models.adopt(self.data_dir, self.store, target, ids, vectors.tolist())
        return str(path) if target else self.settings.embed_model

    def _save(self, model: Any, report: TuneReport, base: Path, training: list[Pair]) -> Path:
        """Save under ``models/tuned/<time>``: written to a temporary folder, then renamed."""
        root = models.models_dir(self.data_dir) / "tuned"
        root.mkdir(parents=True, exist_ok=True)
        target = root / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        work = Path(tempfile.mkdtemp(dir=root, prefix=".partial-"))
        try:
            model.save(str(work))
            models.write_json(
                work / "card.json", models.card(report.to_dict(), base, len(training))
            )
            work.rename(target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return target


def _score(
    model: Any,
    queries: list[EvalItem],
    texts: list[str],
    chunk_docs: list[str],
    vectors: Any = None,
) -> dict[str, float]:
    chunk_vectors = encode(model, texts) if vectors is None else vectors
    query_vectors = encode(model, [q.question for q in queries])
    return dense_scores(query_vectors, chunk_vectors, chunk_docs, [q.relevant for q in queries])


def check_gold_matches(gold: list[EvalItem], doc_ids: set[str]) -> None:
    relevant = {doc for item in gold for doc in item.relevant}
    if not relevant:
        raise KbassistError(
            ErrorCode.BAD_INPUT, "the gold set's dev items name no relevant documents"
        )
    missing = sorted(relevant - doc_ids)
    if len(missing) > (1 - MATCH_SHARE) * len(relevant):
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"the gold set does not match the store: {len(missing)} of {len(relevant)} relevant "
            f"documents are not in it (e.g. {', '.join(missing[:3])}); tune the store the gold "
            "set was written for",
        )
