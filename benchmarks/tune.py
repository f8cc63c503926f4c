"""``kbassist tune`` measured on a BEIR set: retrieval before and after tuning on its corpus alone.

    .venv/bin/python -m benchmarks.tune --dataset ../shared/evaldata/emanual_tv --max-minutes 10

The set's corpus is ingested into an eval store under a fresh data dir (``--data-dir`` to keep
one), the default ``dense`` and ``hybrid`` retrieval are scored on every question and on the test
split (nDCG@10, as ``kbassist eval`` reports it), the model is tuned on pairs from the corpus
(its questions are never trained on; its dev split judges adoption), and retrieval is scored
again. Tuning and re-embedding times are printed. ``--rollback`` restores the bundled model after.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from assistant.compose import Services
from assistant.settings import Settings
from assistant.tuning.pairs import bm25_search
from assistant.tuning.train import TrainConfig
from assistant.tuning.tune import EvalItem, Tuner
from evals.gold import GoldItem, load_beir
from evals.metrics import ndcg_at_k
from evals.runner import rank, retrieval_configs
from evals.stores import beir_store


def scores(services: Services, items: list[GoldItem]) -> dict[str, dict[str, float]]:
    configs = retrieval_configs(services)
    out: dict[str, dict[str, float]] = {}
    for name in ("dense", "hybrid"):
        got = {i.id: ndcg_at_k(rank(configs[name], i, 10).docs, i.relevant, 10) for i in items}
        test = [got[i.id] for i in items if i.split == "test"]
        out[name] = {
            "all": round(sum(got.values()) / len(got), 4),
            "test": round(sum(test) / max(1, len(test)), 4),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--max-minutes", type=float, default=10.0)
    parser.add_argument("--max-steps", type=int, default=2000)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rollback", action="store_true", help="restore the model afterwards")
    args = parser.parse_args()

    work = args.data_dir or Path(tempfile.mkdtemp(prefix="kbassist-tune-"))
    settings = Settings(data_dir=work, _env_file=None)  # type: ignore[call-arg]
    started = time.perf_counter()
    store = beir_store(settings, args.dataset)
    print(f"eval store: {store.path} ({time.perf_counter() - started:.0f} s)")
    gold = load_beir(args.dataset)
    items = [i for i in gold.items if i.relevant and i.question]
    before = scores(store.services, items)
    print(f"before: {json.dumps(before)}")

    dev = [EvalItem(i.question or "", dict(i.relevant)) for i in items if i.split == "dev"]
    questions = [i.question for i in gold.items if i.question]
    config = TrainConfig(
        max_steps=args.max_steps,
        max_minutes=args.max_minutes,
        epochs=args.epochs,
        batch_size=args.batch_size,
    )
    services = store.services
    tuner = Tuner(services.settings, services.store, search=bm25_search(services.lexical))
    report = tuner.tune(config, dev, questions)
    print(
        f"tune: pairs {report.pairs}, {report.steps} steps in {report.train_s:.0f} s "
        f"(stopped by {report.stopped_by}); dense on dev {report.before} -> {report.after}; "
        f"{report.reason}; re-embedding {report.re_embed_s:.0f} s"
    )
    if report.adopted:
        after = scores(Services(store.services.settings), items)
        print(f"after:  {json.dumps(after)}")
        if args.rollback:
            Tuner(store.services.settings, Services(store.services.settings).store).rollback()
    if args.data_dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
