"""Evaluation stores: a corpus ingested once into its own data dir, found again by content hash.

``<data_dir>/evalstores/<name>-<hash12>-c<words>-<overlap>/`` holds the Chroma store (or names
the collection ``eval-<that name>`` on a Chroma server), the docstore and the BM25 indexes, built
by the project's ``Ingestor`` so that evaluation sees the same chunks as production. A marker
file written after a complete ingest lets the next run skip ingestion altogether.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.compose import Services
from assistant.embedding import file_sha256
from assistant.errors import ErrorCode, KbassistError
from assistant.settings import Settings
from ingest.chunking import RULES
from ingest.sources import SourceOptions, ignored
from ingest.sync import Progress, SyncReport

MARKER = "evalstore.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class EvalStore:
    services: Services
    name: str  # <name>-<hash12>
    path: Path
    ingested: SyncReport | None  # None when the cached store was reused


def file_hash(path: Path) -> str:
    """sha256 of one file, 12 hex digits."""
    return file_sha256(path)[:12]


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and not any(ignored(part) and part.stem != "_index" for part in _parts(p, root))
    )


def _parts(path: Path, root: Path) -> list[Path]:
    """``path`` and each folder between it and ``root`` (what a source walk would skip on)."""
    rel = path.relative_to(root)
    return [root.joinpath(*rel.parts[: n + 1]) for n in range(len(rel.parts))]


def tree_hash(paths: Sequence[Path]) -> str:
    """sha256 over the relative names and contents of every file a source walk would read."""
    digest = hashlib.sha256()
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise KbassistError(ErrorCode.BAD_INPUT, f"{root}: no such file or folder")
        for path in _files(root):
            rel = path.name if root.is_file() else path.relative_to(root).as_posix()
            digest.update(f"{root.name}/{rel}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()[:12]


def eval_settings(settings: Settings, name: str, digest: str) -> Settings:
    """The settings of an eval store: its own data dir (so its own Chroma path and BM25 index),
    one per corpus and chunking, since a cached store is reused without re-ingesting."""
    chunking = f"c{settings.chunk_max_words}-{settings.chunk_overlap_words}"
    slug = f"{_UNSAFE.sub('-', name).strip('-.') or 'set'}-{digest}-{chunking}"
    update: dict[str, object] = {"data_dir": settings.data_dir / "evalstores" / slug}
    if settings.chroma_url:
        update["chroma_collection"] = f"eval-{slug}"
    return settings.model_copy(update=update)


def open_store(
    settings: Settings,
    name: str,
    digest: str,
    sources: Sequence[Path],
    progress: Progress | None = None,
    options: SourceOptions | None = None,
) -> EvalStore:
    """The eval store for ``sources`` (already hashed to ``digest``, with ``options``),
    ingesting it when new."""
    own = eval_settings(settings, name, digest)
    services = Services(own)
    marker = own.data_dir / MARKER
    built = json.loads(marker.read_text()) if marker.is_file() else None
    # a store chunked under older chunking rules is synced again, which re-chunks it
    if built is not None and built.get("chunk_rules", 1) == RULES:
        if built.get("embed_model") != own.embed_model:
            raise KbassistError(
                ErrorCode.CONFIG,
                f"the eval store {own.data_dir} was embedded with {built.get('embed_model')}, "
                f"not {own.embed_model}; delete that folder to rebuild it",
            )
        services.ingestor.refresh_indexes()  # derived indexes the cached store may predate
        return EvalStore(services, own.data_dir.name, own.data_dir, None)
    report = services.ingestor.sync(list(sources), progress=progress, options=options)
    if report.added + report.updated + report.unchanged == 0:
        problems = "; ".join(str(issue) for issue in report.issues[:3]) or "no documents"
        raise KbassistError(
            ErrorCode.BAD_INPUT, f"nothing could be ingested from {name}: {problems}"
        )
    record = {
        "name": name,
        "hash": digest,
        "sources": [str(Path(s).resolve()) for s in sources],
        "embed_model": own.embed_model,
        "chunk_rules": RULES,
        "documents": report.added + report.updated + report.unchanged,
        "failed": report.failed,
    }
    marker.write_text(json.dumps(record, indent=2))
    return EvalStore(services, own.data_dir.name, own.data_dir, report)


def beir_store(settings: Settings, folder: Path, progress: Progress | None = None) -> EvalStore:
    """The eval store of a BEIR folder's ``corpus.jsonl``, keyed by that file's hash."""
    folder = Path(folder)
    corpus = folder / "corpus.jsonl"
    if not corpus.is_file():
        raise KbassistError(ErrorCode.BAD_INPUT, f"{folder}: no corpus.jsonl")
    return open_store(settings, folder.resolve().name, file_hash(corpus), [folder], progress)


def kb_store(
    settings: Settings,
    paths: Sequence[Path],
    progress: Progress | None = None,
    options: SourceOptions | None = None,
) -> EvalStore:
    """The eval store of knowledge-base files, keyed by a hash of every file under ``paths``
    and of the per-source ``options``."""
    if not paths:
        raise KbassistError(ErrorCode.BAD_INPUT, "name at least one knowledge-base path")
    name = Path(paths[0]).resolve().name
    digest = tree_hash(paths)
    if options is not None:
        digest = hashlib.sha256(f"{digest}{options!r}".encode()).hexdigest()[:12]
    return open_store(settings, name, digest, list(paths), progress, options)
