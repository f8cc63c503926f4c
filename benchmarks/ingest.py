"""Ingest throughput: the full pipeline beside bare ``SentenceTransformer.encode`` on the same
chunks, a no-change re-run, and peak memory.

    .venv/bin/python -m benchmarks.ingest                  # ../shared/evaldata/mtrag_cloud_pooled
    .venv/bin/python -m benchmarks.ingest --docs 500       # a generated corpus instead
    .venv/bin/python -m benchmarks.ingest --keep /tmp/bench-mtrag   # keep the store (query.py)

Targets: pipeline >= 0.85x bare encode throughput; a no-change re-run >= 50x faster than the
first ingest; the ONNX int8 backend (KBASSIST_EMBED_BACKEND=onnx) >= 1.3x torch's bare encode,
both printed side by side with the cosine between their vectors (--no-onnx skips it).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

from llama_index.core.schema import MetadataMode

from assistant.compose import Services
from assistant.embedding.onnx import OnnxEmbedder
from assistant.settings import Settings
from ingest.sources import read_sources

EVALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata"
WORDS = [
    "invoice",
    "payment",
    "refund",
    "account",
    "sync",
    "webhook",
    "report",
    "mobile",
    "receipt",
    "password",
    "plan",
]


def generated_corpus(folder: Path, docs: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.jsonl").open("w") as out:
        for i in range(docs):
            text = " ".join(
                " ".join(rng.choices(WORDS, k=rng.randint(8, 18))).capitalize() + "."
                for _ in range(rng.randint(6, 30))
            )
            out.write(json.dumps({"id": f"g{i}", "title": f"Topic {i}", "text": text}) + "\n")
    return folder


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def compare_onnx(
    texts: list[str], torch_s: float, torch_vectors: list[list[float]], data_dir: Path
) -> None:
    """ONNX int8's bare encode beside torch's, and how close its vectors are."""
    onnx = OnnxEmbedder(cache_dir=data_dir / "models" / "onnx")
    started = time.perf_counter()
    onnx.onnx_file()
    print(f"onnx export:       {time.perf_counter() - started:8.1f} s  (once per model)")
    onnx.embed_documents(texts[:64])  # warm
    started = time.perf_counter()
    onnx.embed_documents(texts)
    took = time.perf_counter() - started
    speedup = torch_s / took
    print(
        f"bare encode, onnx: {took:8.1f} s  {len(texts) / took:7.1f} chunks/s  "
        f"{speedup:.2f}x torch   (target >= 1.3)"
    )
    cosines = [
        sum(a * b for a, b in zip(x, y, strict=True))
        for x, y in zip(torch_vectors, onnx.embed_documents(texts[:256]), strict=True)
    ]
    print(
        f"cosine to torch:   mean {sum(cosines) / len(cosines):.4f}  min {min(cosines):.4f}"
        f"  ({len(cosines)} chunks)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=EVALDATA / "mtrag_cloud_pooled")
    parser.add_argument("--docs", type=int, default=0, help="use a generated corpus of N docs")
    parser.add_argument("--keep", type=Path, default=None, help="data dir to keep the store in")
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX int8 comparison")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kbassist-bench-"))
    corpus = args.corpus
    if args.docs or not corpus.exists():
        corpus = generated_corpus(work / "corpus", args.docs or 2000)
    data_dir = args.keep or work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    services = Services(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]

    ingestor = services.ingestor  # the same limits and chunker as the pipeline measured below
    parsed = read_sources([corpus], ingestor.limits)
    chunks = ingestor.chunker(parsed.documents)
    texts = [c.get_content(metadata_mode=MetadataMode.EMBED) for c in chunks]
    print(f"corpus: {corpus} ({len(parsed.documents)} documents, {len(texts)} chunks)")

    embedder = services.embedder
    embedder.embed_documents(texts[:64])  # load and warm the model outside the timings

    started = time.perf_counter()
    embedder.embed_documents(texts)
    bare = time.perf_counter() - started
    print(f"bare encode:       {bare:8.1f} s  {len(texts) / bare:7.1f} chunks/s")
    if not args.no_onnx:
        compare_onnx(texts, bare, embedder.embed_documents(texts[:256]), data_dir)

    started = time.perf_counter()
    first = services.ingestor.sync([corpus])
    full = time.perf_counter() - started
    print(
        f"pipeline ingest:   {full:8.1f} s  {first.chunks / full:7.1f} chunks/s  {first.counts()}"
    )
    ratio = (first.chunks / full) / (len(texts) / bare)
    print(f"pipeline / bare:   {ratio:8.2f}x   (target >= 0.85)")

    started = time.perf_counter()
    again = services.ingestor.sync([corpus])
    rerun = time.perf_counter() - started
    print(
        f"no-change re-run:  {rerun:8.2f} s  {full / rerun:7.1f}x faster   (target >= 50)  "
        f"{again.counts()}"
    )
    print(f"peak memory:       {peak_mb():8.0f} MB (whole process)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
