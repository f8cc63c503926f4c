"""Cost as the knowledge base grows: stores of synthetic chunks (text from a Zipf vocabulary,
clustered unit vectors, realistic metadata and visibility flags), no embedding model involved.

    .venv/bin/python -m benchmarks.scale --sizes 10000,100000 --out /tmp/kbassist-scale
    .venv/bin/python -m benchmarks.scale --sizes 1000000 --out /tmp/kbassist-scale  # hours here

Per size: retrieval p50/p95 (dense, BM25, fused) for three audiences (an agent of one team; a
customer, public only; an agent filtering one product of 50), the BM25 build time and resident-
memory growth of both indexes, the serving process's RSS (store and indexes loaded, not the
embedding model), and an incremental ingest of 100 new documents. Writes
``results.json`` and, with matplotlib, ``scale.png`` in --out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

from assistant.access import visibility_flags
from assistant.compose import Services
from assistant.retrieval import Query
from assistant.settings import Settings
from assistant.store import bump_generation
from assistant.types import Audience, Filters
from evals.metrics import percentile

DIM, TOPICS, PRODUCTS, QUERIES = 384, 200, 50, 200
AUDIENCES: dict[str, tuple[Audience, Filters]] = {
    "agent": (Audience.agent("tier1"), Filters()),
    "public": (Audience.customer(), Filters()),
    "product": (Audience.agent("tier1"), Filters(products=("p7",))),
}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class SyntheticEmbedder:
    """Query vectors chosen by the benchmark; document vectors near a topic centre."""

    model_id = "synthetic-384"

    def __init__(self, centres: np.ndarray, rng: np.random.Generator) -> None:
        self.centres, self.rng, self.queries = centres, rng, dict[str, list[float]]()

    def embed_query(self, text: str) -> list[float]:
        return self.queries[text]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        topics = self.rng.integers(0, TOPICS, len(texts))
        return [unit(self.centres[t] + 0.5 * self.rng.normal(size=DIM)).tolist() for t in topics]


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def visibility(i: int) -> str:
    return "public" if i % 4 == 0 else f"team:tier{i % 5 + 1}" if i % 20 == 1 else "internal"


def nodes(start: int, n: int, words: np.ndarray, embedder: SyntheticEmbedder) -> list[TextNode]:
    rng, out = embedder.rng, []
    vectors = embedder.embed_documents([""] * n)
    for k, i in enumerate(range(start, start + n)):
        doc_id, text = f"syn-{i // 4}", " ".join(rng.choice(words, 60, p=ZIPF))
        meta: dict[str, Any] = {
            "doc_id": doc_id,
            "title": f"Synthetic {i // 4}",
            "section": f"Part {i % 4}",
            "source_type": "article",
            "product": f"p{(i // 4) % PRODUCTS}",
            "visibility": visibility(i // 4),
            "chunk_index": i % 4,
            "content_hash": f"{i:x}",
            "doc_hash": f"{i // 4:x}",
            **visibility_flags(visibility(i // 4)),
        }
        node = TextNode(id_=f"{doc_id}::{i % 4}", text=text, metadata=meta, embedding=vectors[k])
        node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=doc_id)
        out.append(node)
    return out


VOCAB = np.array([f"w{n:x}" for n in range(20_000)])
ZIPF = 1.0 / np.arange(1, len(VOCAB) + 1)
ZIPF = ZIPF / ZIPF.sum()


def timed(fn: Callable[[Query], object], queries: list[Query]) -> dict[str, float]:
    ms = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        ms.append((time.perf_counter() - started) * 1000)
    return {"p50": round(percentile(ms, 50), 2), "p95": round(percentile(ms, 95), 2)}


def measure(size: int, root: Path, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    centres = np.array([unit(rng.normal(size=DIM)) for _ in range(TOPICS)])
    embedder = SyntheticEmbedder(centres, rng)
    data = root / str(size)
    shutil.rmtree(data, ignore_errors=True)
    services = Services(Settings(data_dir=data, _env_file=None))  # type: ignore[call-arg]
    services.embedder = embedder
    started = time.perf_counter()
    for start in range(0, size, 5000):
        services.store.vector_store.add(nodes(start, min(5000, size - start), VOCAB, embedder))
    fill_s = time.perf_counter() - started
    bump_generation(data)
    build: dict[str, Any] = {}
    for name, index in (("bm25", services.lexical), ("bm25_window", services.window_lexical)):
        before, started = rss_mb(), time.perf_counter()
        index.rebuild(services.store)
        index.loaded()
        build[name] = {
            "s": round(time.perf_counter() - started, 1),
            "rss_mb": round(rss_mb() - before),
        }
    sample = services.store.collection.get(
        ids=[f"syn-{d}::0" for d in rng.choice(size // 4, min(QUERIES, size // 4), replace=False)],
        include=["documents", "embeddings"],
    )
    queries: dict[str, list[Query]] = {name: [] for name in AUDIENCES}
    vectors: Any = sample["embeddings"]
    for text, vector in zip(sample["documents"] or [], vectors, strict=True):
        question = " ".join(rng.choice(str(text).split(), 6))
        embedder.queries[question] = unit(np.asarray(vector) + 0.3 * rng.normal(size=DIM)).tolist()
        for name, (audience, filters) in AUDIENCES.items():
            queries[name].append(Query(question, audience, filters, k=10))
    services.dense.cache_size = 0
    for q in queries["agent"][:20]:  # warm-up: HNSW and indexes loaded, masks cached
        services.retriever.retrieve(q)
    latency = {
        f"{ranker}/{name}": timed(fn, queries[name])
        for name in AUDIENCES
        for ranker, fn in (
            ("dense", services.dense.retrieve),
            ("bm25", services.lexical.retrieve),
            ("fused", services.retriever.retrieve),
        )
    }
    serving_rss = rss_mb()
    folder = root / f"{size}-incremental"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for d in range(100):
        body = " ".join(rng.choice(VOCAB, 120, p=ZIPF))
        (folder / f"new-{d}.md").write_text(f"---\nid: new-{d}\ntitle: New {d}\n---\n{body}\n")
    started = time.perf_counter()
    report = services.ingestor.sync([folder])
    ingest_s = time.perf_counter() - started
    assert report.added == 100 and report.ok, report.issues
    return {
        "chunks": services.store.count(),
        "fill_s": round(fill_s, 1),
        "bm25_build": build,
        "latency_ms": latency,
        "serving_rss_mb": round(serving_rss),
        "incremental_100_docs_s": round(ingest_s, 1),
    }


def plot(results: list[dict[str, Any]], out: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: no PNG"
    sizes = [r["chunks"] for r in results]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for key in results[0]["latency_ms"]:
        axes[0].plot(sizes, [r["latency_ms"][key]["p95"] for r in results], marker="o", label=key)
    axes[0].set(title="retrieval p95 (ms)", xscale="log", yscale="log")
    axes[0].legend(fontsize=7)
    axes[1].plot(sizes, [r["serving_rss_mb"] for r in results], marker="o", label="serving RSS")
    axes[1].set(title="memory (MB)", xscale="log")
    axes[2].plot(sizes, [r["incremental_100_docs_s"] for r in results], marker="o", label="ingest")
    axes[2].plot(sizes, [r["bm25_build"]["bm25"]["s"] for r in results], marker="o", label="bm25")
    axes[2].set(title="seconds: 100-doc ingest, BM25 build", xscale="log")
    axes[2].legend(fontsize=7)
    for axis in axes:
        axis.set_xlabel("chunks")
    fig.tight_layout()
    fig.savefig(out / "scale.png", dpi=100)
    return str(out / "scale.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--out", type=Path, default=Path("/tmp/kbassist-scale"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = measure(size, args.out, args.seed)
        print(json.dumps(result), flush=True)
        results.append(result)
        (args.out / "results.json").write_text(json.dumps(results, indent=1))
    print(plot(results, args.out))


if __name__ == "__main__":
    main()
