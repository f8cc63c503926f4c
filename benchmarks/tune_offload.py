"""``kbassist tune`` with its training step run on another machine (an accelerator): what more
training buys, when the CPU here fits only a few minutes of it.

    # here: the pairs kbassist tune would train on, and the judging items, into a folder
    .venv/bin/python -m benchmarks.tune_offload export --dataset ../shared/evaldata/emanual_tv \\
        --data-dir /tmp/tune --out .offload/emanual_tv
    .venv/bin/python -m benchmarks.tune_offload base --out .offload/base
    # there (torch and sentence-transformers only): the same training loop, a few settings, the
    # best on the judging items kept (its weights in fp16, in parts of 15 MB)
    python3 -m benchmarks.tune_offload train --work .offload/emanual_tv --base .offload/base \\
        --grid 32:1,32:4,128:4 --device cuda --out $OUT/emanual_tv
    # here: rebuild the same pairs (checked by digest), judge the trained model as kbassist tune
    # does, adopt it if it wins, and score retrieval before and after
    .venv/bin/python -m benchmarks.tune_offload adopt --dataset ../shared/evaldata/emanual_tv \\
        --data-dir /tmp/tune --trained <the files back>

Nothing of the set's questions is trained on (``Tuner.prepare`` drops them); its dev split
judges, as in ``kbassist tune --dataset``. Only ``train`` runs there, so its imports stay light.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import lzma
import shutil
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

PART = 15 * 1024 * 1024  # files back from the accelerator machine are at most 16 MiB each
CONFIG_FILES = (
    "modules.json",
    "config.json",
    "config_sentence_transformers.json",
    "sentence_bert_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "1_Pooling/config.json",
)


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows).encode()


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> str:
    """Write ``rows`` compressed; returns the sha256 of the uncompressed lines."""
    data = _jsonl(rows)
    path.write_bytes(lzma.compress(data))
    return hashlib.sha256(data).hexdigest()


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lzma.decompress(path.read_bytes()).splitlines()]


def _pair_rows(pairs: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "anchor": p.anchor,
            "positive": p.positive,
            "negative": p.negative,
            "doc_id": p.doc_id,
            "kind": p.kind,
        }
        for p in pairs
    ]


def _split(data: bytes, folder: Path, name: str) -> None:
    for n, start in enumerate(range(0, len(data), PART)):
        (folder / f"{name}.{n:03d}").write_bytes(data[start : start + PART])


def _join(folder: Path, name: str) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob(f"{name}.[0-9][0-9][0-9]")))


def _copy_config(config_from: Path, into: Path) -> None:
    """A model folder's configuration and tokenizer files, copied."""
    for name in CONFIG_FILES:
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(config_from / name, into / name)


def _model_folder(config_from: Path, weights: bytes, into: Path) -> Path:
    """A model folder: ``config_from``'s configuration and tokenizer, ``weights`` (safetensors,
    any float type) as float32."""
    from safetensors.torch import load, save_file

    into.mkdir(parents=True, exist_ok=True)
    _copy_config(config_from, into)
    tensors = {
        k: (v.float() if v.is_floating_point() else v).contiguous()
        for k, v in load(weights).items()
    }
    save_file(tensors, str(into / "model.safetensors"), metadata={"format": "pt"})
    return into


def _fp16(weights: dict[str, Any]) -> bytes:
    from safetensors.torch import save

    return save(
        {
            k: (v.half() if v.is_floating_point() else v).detach().cpu().contiguous()
            for k, v in weights.items()
        }
    )


# -- here ------------------------------------------------------------------------------------


def _prepared(dataset: Path, data_dir: Path, cloze: int) -> tuple[Any, Any, Any, list[Any]]:
    from assistant.settings import Settings
    from assistant.tuning.pairs import bm25_search
    from assistant.tuning.train import TrainConfig
    from assistant.tuning.tune import EvalItem, Tuner
    from evals.gold import load_beir
    from evals.stores import beir_store

    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    store = beir_store(settings, dataset)
    gold = load_beir(dataset)
    items = [i for i in gold.items if i.relevant and i.question]
    dev = [EvalItem(i.question or "", dict(i.relevant)) for i in items if i.split == "dev"]
    questions = [i.question for i in gold.items if i.question]
    services = store.services
    tuner = Tuner(services.settings, services.store, search=bm25_search(services.lexical))
    return store, tuner, tuner.prepare(TrainConfig(cloze=cloze), dev, questions), items


def export(args: argparse.Namespace) -> None:
    _, _, prepared, _ = _prepared(args.dataset, args.data_dir, args.cloze)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    digest = _write_jsonl(out / "pairs.jsonl.xz", _pair_rows(prepared.training))
    _write_jsonl(
        out / "chunks.jsonl.xz",
        [{"text": t, "doc": d} for t, d in zip(prepared.texts, prepared.chunk_docs, strict=True)],
    )
    _write_jsonl(
        out / "queries.jsonl.xz",
        [{"question": q.question, "relevant": q.relevant} for q in prepared.queries],
    )
    meta = {
        "cloze": args.cloze,
        "pairs": len(prepared.training),
        "pairs_sha256": digest,
        "chunks": len(prepared.texts),
        "judged_on": prepared.judged,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    print(json.dumps(meta))


def base(args: argparse.Namespace) -> None:
    """The bundled model's weights in fp16 (the working tree that travels is limited) and its
    configuration."""
    from assistant.embedding import resolve_model
    from assistant.settings import BUNDLED_MODEL

    location, _ = resolve_model(BUNDLED_MODEL, None)
    folder, out = Path(location), args.out
    out.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import load_file

    _split(_fp16(load_file(str(folder / "model.safetensors"))), out, "weights")
    _copy_config(folder, out)
    print(f"wrote {out}")


def adopt(args: argparse.Namespace) -> None:
    from assistant.compose import Services
    from assistant.tuning.train import TrainResult, encode, load_model
    from benchmarks.tune import scores

    trained: Path = args.trained
    log = json.loads((trained / "train.json").read_text())
    if not log.get("best"):
        raise SystemExit("nothing to adopt: no setting beat the current model there")
    store, tuner, prepared, items = _prepared(args.dataset, args.data_dir, log["best"]["cloze"])
    digest = hashlib.sha256(_jsonl(_pair_rows(prepared.training))).hexdigest()
    if digest != log["best"]["pairs_sha256"]:
        raise SystemExit("the pairs trained on are not the ones this store gives: export again")
    before = scores(store.services, items)
    print(f"before: {json.dumps(before)}")
    report = tuner.baseline(load_model(prepared.base), prepared)
    with tempfile.TemporaryDirectory() as work:
        folder = _model_folder(prepared.base, _join(trained, "weights"), Path(work) / "model")
        model = load_model(folder)
        best = log["best"]
        result = TrainResult(best["steps"], best["seconds"], best["stopped_by"], best["loss"])
        vectors = None
        if (trained / "vectors.000").exists():
            import numpy as np

            vectors = np.load(io.BytesIO(lzma.decompress(_join(trained, "vectors"))))
            check = encode(model, prepared.texts[:200])
            cosine = (check * vectors[:200]).sum(axis=1)
            print(f"vectors from there: cosine to here's, min {cosine.min():.6f}")
        report = tuner.conclude(model, prepared, report, result, args.dry_run, vectors)
    print(
        f"tune: pairs {report.pairs}, {report.steps} steps in {report.train_s:.0f} s there "
        f"(batch {best['batch']}, {best['epochs']} epochs); dense on dev {report.before} -> "
        f"{report.after}; {report.reason}; re-embedding {report.re_embed_s:.0f} s here"
    )
    if report.adopted:
        print(f"after:  {json.dumps(scores(Services(store.services.settings), items))}")


# -- there -----------------------------------------------------------------------------------


def train_there(args: argparse.Namespace) -> None:
    """Each setting of ``--grid`` on each exported pair set of ``--work`` (comma-separated; one
    store, so one set of chunks and judging items), from the base model; the best on the judging
    items is kept."""
    import numpy as np
    import torch

    from assistant.tuning.train import TrainConfig, dense_scores, encode, load_model, train

    works, out = [Path(w) for w in args.work.split(",")], Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chunks = _read_jsonl(works[0] / "chunks.jsonl.xz")
    queries = _read_jsonl(works[0] / "queries.jsonl.xz")
    with tempfile.TemporaryDirectory() as tmp:
        base_dir = _model_folder(
            Path(args.base), _join(Path(args.base), "weights"), Path(tmp) / "base"
        )

        def judged(model: Any) -> dict[str, float]:
            return dense_scores(
                encode(model, [q["question"] for q in queries]),
                encode(model, [c["text"] for c in chunks]),
                [c["doc"] for c in chunks],
                [q["relevant"] for q in queries],
            )

        model = load_model(base_dir, device=args.device)
        log: dict[str, Any] = {
            "device": torch.cuda.get_device_name() if args.device == "cuda" else args.device,
            "before": judged(model),
            "runs": [],
        }
        print(json.dumps(log), flush=True)
        best_score, best_weights = log["before"]["ndcg@10"], None
        for work in works:
            rows = _read_jsonl(work / "pairs.jsonl.xz")
            pairs = [SimpleNamespace(**r) for r in rows]
            meta = json.loads((work / "meta.json").read_text())
            for spec in args.grid.split(","):
                batch, epochs = int(spec.split(":")[0]), float(spec.split(":")[1])
                model = load_model(base_dir, device=args.device)
                config = TrainConfig(
                    max_steps=10**6, epochs=epochs, max_minutes=args.max_minutes, batch_size=batch
                )
                result = train(model, pairs, config)
                run: dict[str, Any] = {
                    "pairs_from": work.name,
                    "cloze": meta.get("cloze", 1),
                    "pairs": len(pairs),
                    "pairs_sha256": meta["pairs_sha256"],
                    "batch": batch,
                    "epochs": epochs,
                    "steps": result.steps,
                    "seconds": round(result.seconds, 1),
                    "stopped_by": result.stopped_by,
                    "loss": round(result.last_loss, 4),
                    "after": judged(model),
                }
                log["runs"].append(run)
                print(json.dumps(run), flush=True)
                if run["after"]["ndcg@10"] > best_score:
                    best_score, log["best"] = run["after"]["ndcg@10"], run
                    module: Any = model[0]
                    best_weights = _fp16(module.auto_model.state_dict())
                    _split(best_weights, out, "weights")  # kept at once: a run cut short has it
                (out / "train.json").write_text(json.dumps(log, indent=2))
        if best_weights is None:
            print("no setting beat the base model", flush=True)
        else:
            rounded = load_model(
                _model_folder(Path(args.base), best_weights, Path(tmp) / "t"), device=args.device
            )
            log["best_fp16"] = judged(rounded)  # what comes back is fp16: judged as it is
            if args.vectors:  # the store's re-embedding, done there
                vectors = encode(rounded, [c["text"] for c in chunks]).astype(np.float32)
                buffer = io.BytesIO()
                np.save(buffer, vectors)
                _split(lzma.compress(buffer.getvalue()), out, "vectors")
        (out / "train.json").write_text(json.dumps(log, indent=2))
        print(json.dumps({k: log.get(k) for k in ("best", "best_fp16")}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export")
    p.add_argument("--dataset", type=Path, required=True)
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--cloze", type=int, default=1, help="inverse-cloze pairs per passage")
    p.set_defaults(run=export)
    p = sub.add_parser("base")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=base)
    p = sub.add_parser("train")
    p.add_argument("--work", required=True)
    p.add_argument("--base", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--grid", default="32:1", help="batch:epochs, comma-separated")
    p.add_argument("--device", default="cuda")
    p.add_argument("--max-minutes", type=float, default=3.0)
    p.add_argument("--vectors", action="store_true", help="also the chunks' vectors")
    p.set_defaults(run=train_there)
    p = sub.add_parser("adopt")
    p.add_argument("--dataset", type=Path, required=True)
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--trained", type=Path, required=True)
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(run=adopt)
    args = parser.parse_args()
    started = time.perf_counter()
    args.run(args)
    print(f"{args.command}: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
