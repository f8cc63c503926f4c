"""Fusion weights swept on BEIR folders: how far re-weighting the engine's rankings can go.

Each ranking (dense, BM25 over chunks, BM25 over sentence windows) is computed once per question
at the fusion's candidate depth; then every weighting on a small grid, z-score and RRF, is scored
(nDCG@10, document level) on the dev split and on all questions. The grid is chosen on dev, so
the "all" column of the best dev weighting is the honest figure.

    .venv/bin/python -m benchmarks.fusion_sweep                    # emanual_tv and mtrag
    .venv/bin/python -m benchmarks.fusion_sweep --data-dir /tmp/evaldir --top 5

Stores come from ``<data-dir>/evalstores`` (``kbassist eval`` builds them).
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from assistant.access import Audience
from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.hybrid import FusionConfig, fuse
from assistant.settings import Settings
from evals.gold import GoldItem, load_beir
from evals.metrics import mean, ndcg_at_k
from evals.stores import beir_store

EVALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"
GRID = (0.0, 0.25, 0.5, 1.0, 1.5)
Rankings = dict[str, dict[str, list[RetrievedChunk]]]  # item id -> ranker -> chunks


def rankings(settings: Settings, folder: Path) -> tuple[list[GoldItem], Rankings]:
    services = beir_store(settings, folder).services
    items = [item for item in load_beir(folder).items if item.relevant and item.question]
    depth = FusionConfig().candidates
    out: Rankings = {}
    for item in items:
        query = Query(item.question or "", Audience(), k=depth)
        out[item.id] = {name: r.retrieve(query) for name, r in services.retriever.rankers.items()}
    return items, out


def ndcg(items: list[GoldItem], ranked: Rankings, config: FusionConfig, split: str | None) -> float:
    scores = []
    for item in items:
        if split and item.split != split:
            continue
        fused = sorted(fuse(ranked[item.id], config), key=lambda c: c.score, reverse=True)
        scores.append(ndcg_at_k([c.doc_id for c in fused[:10]], item.relevant, 10))
    return mean(scores) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument(
        "--dataset",
        type=Path,
        action="append",
        help="BEIR folder (repeatable; default emanual_tv and mtrag_cloud_pooled)",
    )
    parser.add_argument("--top", type=int, default=3, help="weightings shown per set")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir, _env_file=None)  # type: ignore[call-arg]
    folders = args.dataset or [EVALDATA / "emanual_tv", EVALDATA / "mtrag_cloud_pooled"]
    default = FusionConfig()
    for folder in folders:
        items, ranked = rankings(settings, folder)
        results = []
        for method, bm25, window in itertools.product(("zscore", "rrf"), GRID, GRID):
            weights = {"dense": 1.0, "bm25": bm25, "bm25_window": window}
            config = FusionConfig(weights=weights, method=method)  # type: ignore[arg-type]
            results.append(
                (ndcg(items, ranked, config, "dev"), ndcg(items, ranked, config, None), config)
            )
        results.sort(key=lambda r: r[0], reverse=True)
        print(f"{folder.name}: {len(items)} questions")
        shown = [(ndcg(items, ranked, default, "dev"), ndcg(items, ranked, default, None), default)]
        for dev, everything, config in shown + results[: args.top]:
            label = "default" if config is default else "       "
            text = ", ".join(f"{k} {v:g}" for k, v in config.weights.items())
            print(f"  {label} {config.method:6} {text}: dev {dev:.3f}  all {everything:.3f}")


if __name__ == "__main__":
    main()
