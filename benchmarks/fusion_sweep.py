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

from assistant.retrieval import Query, RetrievedChunk
from assistant.retrieval.hybrid import FusionConfig, HybridRetriever
from assistant.settings import Settings
from evals.gold import GoldItem, load_beir
from evals.metrics import mean
from evals.runner import query_text, score_ranking
from evals.stores import beir_store

EVALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"
GRID = (0.0, 0.25, 0.5, 1.0, 1.5)
Asked = list[tuple[GoldItem, Query, dict[str, list[RetrievedChunk]]]]  # each item's rankings


def rankings(settings: Settings, folder: Path) -> tuple[HybridRetriever, Asked]:
    """The store's retriever, and every question's rankings (asked once, as the eval runner
    asks them), to be fused again under each weighting."""
    retriever = beir_store(settings, folder).services.retriever
    asked: Asked = []
    for item in load_beir(folder).items:
        if item.relevant and item.question:
            query = Query(query_text(item), item.audience(), k=10)
            asked.append((item, query, retriever.rankings(query)))
    return retriever, asked


def ndcg(retriever: HybridRetriever, asked: Asked, config: FusionConfig) -> tuple[float, float]:
    """nDCG@10 of one weighting over the dev items and over all items."""
    fusion = HybridRetriever(retriever.rankers, config, today=retriever.today)
    scored = []
    for item, query, ranked in asked:
        docs = [c.doc_id for c in fusion.fuse(query, ranked)]
        scored.append((item.split, score_ranking(docs, item.relevant)["ndcg@10"]))
    dev = mean(value for split, value in scored if split == "dev")
    return dev or 0.0, mean(value for _, value in scored) or 0.0


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
        retriever, asked = rankings(settings, folder)
        results = []
        for method, bm25, window in itertools.product(("zscore", "rrf"), GRID, GRID):
            weights = {"dense": 1.0, "bm25": bm25, "bm25_window": window}
            config = FusionConfig(weights=weights, method=method)  # type: ignore[arg-type]
            results.append((*ndcg(retriever, asked, config), config))
        results.sort(key=lambda r: r[0], reverse=True)
        print(f"{folder.name}: {len(asked)} questions")
        shown = [(*ndcg(retriever, asked, default), default)]
        for dev, everything, config in shown + results[: args.top]:
            label = "default" if config is default else "       "
            text = ", ".join(f"{k} {v:g}" for k, v in config.weights.items())
            print(f"  {label} {config.method:6} {text}: dev {dev:.3f}  all {everything:.3f}")


if __name__ == "__main__":
    main()
