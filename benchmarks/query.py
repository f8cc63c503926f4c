"""Query latency on a store of >= 10,000 chunks: ``ask`` (extractive) and retrieval alone, beside
the raw limit, a bare query embedding plus a bare Chroma query.

    .venv/bin/python -m benchmarks.query --data-dir /tmp/bench-mtrag   # a store from ingest.py
    .venv/bin/python -m benchmarks.query                                # ingests mtrag first

Targets: ask p50 <= 2x (embedding + Chroma query) p50, and ask p95 <= 100 ms. ``ask`` is also
measured with sentences weighed by meaning (``KBASSIST_SENTENCE_MEANING=true``, off by default),
each question's sentences embedded as if seen for the first time, and with the sentence
vectors computed at ingest (``answerers.sentence_index``; built first when the store lacks them).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path

from assistant.access import Audience
from assistant.answerers.selection import Selector
from assistant.answerers.sentence_index import SentenceIndex
from assistant.compose import Services
from assistant.embedding.similarity import SentenceSimilarity
from assistant.retrieval import Query
from assistant.settings import Settings
from assistant.suggestion import AskRequest
from evals.metrics import percentile

EVALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"


def timed(fn: Callable[[str], object], questions: list[str]) -> list[float]:
    out = []
    for question in questions:
        started = time.perf_counter()
        fn(question)
        out.append((time.perf_counter() - started) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    return f"{name:<34} p50 {percentile(ms, 50):7.1f} ms   p95 {percentile(ms, 95):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-mtrag"))
    parser.add_argument("--corpus", type=Path, default=EVALDATA / "mtrag_cloud_pooled")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    services = Services(Settings(data_dir=args.data_dir, _env_file=None))  # type: ignore[call-arg]
    if services.store.count() < 10_000:
        print(f"ingesting {args.corpus} into {args.data_dir} (takes a while) ...")
        services.ingestor.sync([args.corpus])
    services.ingestor.refresh_indexes()  # derived BM25 indexes, built once if missing
    chunks = services.store.count()
    questions = [
        json.loads(line)["text"] for line in (args.corpus / "queries.jsonl").open() if line.strip()
    ]
    questions = questions * args.rounds
    audience = Audience.agent("tier1")
    embedder, store = services.embedder, services.store

    def bare(question: str) -> object:  # the raw limit: no filter, no fusion, no answer
        return store.query(embedder.embed_query(question), 10)

    # Every measure pays for its question's embedding, as a question never asked before does:
    # the remembered query vectors are dropped first (within one ask, the playbook matcher's
    # search reuses the vector retrieval just made, as it does in service).
    def retrieve(question: str) -> object:
        services.dense.forget()
        return services.retriever.retrieve(Query(question, audience, k=6))

    def ask(question: str) -> object:
        services.dense.forget()
        return services.assistant.suggest(AskRequest(question=question), audience)

    for fn in (bare, retrieve, ask):  # warm caches, the model and the BM25 index
        timed(fn, questions[:20])
    print(f"store: {args.data_dir} ({chunks} chunks), {len(questions)} questions per measure")
    raw = timed(bare, questions)
    ret = timed(retrieve, questions)
    asked = timed(ask, questions)
    print(line("embedding + Chroma query (raw)", raw))
    print(line("retrieval (dense + BM25 fused)", ret))
    print(line("ask (extractive)", asked))
    answerer = services.extractive
    plain = answerer.selector
    answerer.selector = Selector.with_meaning(SentenceSimilarity(embedder, size=0))  # no cache
    meaning = timed(ask, questions)
    # the same with the sentence vectors computed at ingest (built here first if missing), looked
    # up in their file with no cache in front: what KBASSIST_SENTENCE_MEANING=true costs
    precomputed = services.sentences  # as in service, but with no cache
    precomputed.size = 0
    vectors = precomputed.known
    assert vectors is not None
    index = SentenceIndex(precomputed, args.data_dir)
    if not index.is_current():
        started = time.perf_counter()
        count = index.rebuild(services.store)
        took = time.perf_counter() - started
        print(f"sentence vectors: {count} embedded in {took:.0f} s ({count / took:.0f}/s)")
    answerer.selector = Selector.with_meaning(precomputed)
    known = timed(ask, questions)
    answerer.selector = plain
    print(line("ask, sentences weighed by meaning", meaning))
    print(line("ask, meaning, vectors from ingest", known))
    print(f"sentence vectors: {vectors.count()} in {vectors.path}")
    ratio = percentile(asked, 50) / percentile(raw, 50)
    print(f"ask p50 / raw p50: {ratio:.2f}x (target <= 2); ask p95 target <= 100 ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB (whole process)")


if __name__ == "__main__":
    main()
