"""Incremental sync: parse sources, then embed only what changed, through LlamaIndex's pipeline.

The ``IngestionPipeline`` runs with a persisted docstore keyed by document content hash
(``DocstoreStrategy.UPSERTS``): an unchanged document is skipped, a changed one has all of its old
chunks deleted before its new ones are added. Work goes in slabs; before each slab a journal names
the documents in flight, so a run killed part-way is repaired at the start of the next run (their
chunks and docstore entries are dropped and they are ingested again), and every document ends up
either with all of its chunks or not at all.

A document's identity is its id (explicit, or made from its path under its source root) and its
``source_path`` is its root, resolved, plus that path (``ingest.sources``). A stored document
whose text and fields are unchanged but whose ``source_path`` differs (the folder was moved, or
the store predates resolved paths and was ingested under another spelling) is relocated: the
docstore entry and each chunk's ``doc_hash`` are rewritten, nothing is embedded again.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.ingestion import DocstoreStrategy, IngestionPipeline
from llama_index.core.schema import Document, TransformComponent
from llama_index.core.storage.docstore import SimpleDocumentStore

from assistant.embedding import Embedder
from assistant.errors import room_checked
from assistant.store import ChunkStore, DerivedIndex, Progress, bump_generation
from ingest.chunking import RULES, StructureChunker
from ingest.model import IngestIssue
from ingest.sources import Limits, SourceOptions, read_sources
from ingest.sources.identity import (
    locate_source,
    moved_from,
    record_moves,
    resolved_source,
    under_any,
)
from ingest.steps import AccessFlags, EmbedStep, SafeLinks

CONFIG_FILE = "ingest-config.json"
# A run that found no room: its journal names the slab it left half-done (see _recover)
_NO_ROOM_OUTCOME = "the ingest stopped part-way and the next run repairs what it left unfinished"
_RECONFIGURED = "reconfigured:"  # prefix of a document hash: due for re-chunking
COUNT_KEYS = ("added", "updated", "unchanged", "deleted", "skipped", "failed")
# A progress callback for each stage of work after the documents (rebuilding a derived index)
Stages = Callable[[str], Progress]


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    failed: int = 0
    chunks: int = 0
    issues: list[IngestIssue] = field(default_factory=list)
    skips: list[IngestIssue] = field(default_factory=list)  # each skipped file, with the reason
    relocated: int = 0  # unchanged documents whose identity keys were rewritten (no embedding)
    # the chunking or embedding settings changed since the last ingest: every document is due
    reconfigured: bool = False

    def counts(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in COUNT_KEYS}

    @property
    def ok(self) -> bool:
        return self.failed == 0


class DocStoreFile:
    """A LlamaIndex ``SimpleDocumentStore`` persisted atomically to one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.docstore = (
            SimpleDocumentStore.from_persist_path(str(path))
            if path.exists()
            else SimpleDocumentStore()
        )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        try:
            self.docstore.persist(str(tmp))
        except OSError:
            tmp.unlink(missing_ok=True)  # a partial copy (disk full): give its space back
            raise
        os.replace(tmp, self.path)

    def forget(self, doc_id: str) -> None:
        self.docstore.delete_document(doc_id, raise_error=False)
        self.docstore.delete_ref_doc(doc_id, raise_error=False)


class Ingestor:
    """Brings the store in line with the given sources."""

    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        data_dir: Path,
        limits: Limits | None = None,
        chunker: TransformComponent | None = None,
        slab_size: int = 256,
        indexes: Sequence[DerivedIndex] = (),
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.data_dir = data_dir
        self.limits = limits or Limits()
        self.chunker = chunker or StructureChunker()
        self.slab_size = slab_size
        self.journal = data_dir / "ingest.journal"
        self.indexes = list(indexes)  # derived from the store, rebuilt when it changes

    def sync(
        self,
        paths: Sequence[Path],
        prune: bool = False,
        progress: Progress | None = None,
        options: SourceOptions | None = None,
        stages: Stages | None = None,
    ) -> SyncReport:
        """Bring the store in line with ``paths`` (``options``: per-source settings given by
        hand, over each root's ``kbassist.yaml``). ``progress`` hears of the documents, and
        ``stages`` gives a progress callback for each derived index rebuilt after them."""
        parsed = read_sources(list(paths), self.limits, options)
        report = SyncReport(skipped=parsed.skipped, issues=list(parsed.issues))
        report.skips = list(parsed.skips)
        report.failed = len(parsed.issues)
        with self._locked() as docs:
            recovered = self._recover(docs)
            report.reconfigured = self._reconfigure(docs)
            bases = self._upsert(docs, parsed.documents, report, progress)
            if prune:
                bad_sources = {resolved_source(issue.source) for issue in parsed.issues}
                seen = {doc.id_ for doc in parsed.documents}
                gone = []
                for doc_id, source in self._sources(docs).items():
                    where = locate_source(source, bases)
                    if doc_id not in seen and where not in bad_sources and under_any(where, paths):
                        gone.append(doc_id)
                self._delete(docs, gone)
                report.deleted = len(gone)
            self._refresh_indexes(recovered or _changed(report), stages)
        return report

    def ingest_documents(self, documents: list[Document]) -> SyncReport:
        """Upsert already-parsed documents (e.g. one uploaded through the API)."""
        report = SyncReport()
        with self._locked() as docs:
            recovered = self._recover(docs)
            report.reconfigured = self._reconfigure(docs)
            self._upsert(docs, documents, report, None)
            self._refresh_indexes(recovered or _changed(report))
        return report

    def refresh_indexes(self) -> None:
        """Build any derived index that is missing or older than the store (e.g. after an
        upgrade added one)."""
        with self._locked():
            self._refresh_indexes(False)

    def document_types(self) -> dict[str, str]:
        """doc_id -> source_type of every document in the store."""
        with self._locked() as docs:
            return {
                doc_id: str(node.metadata.get("source_type", ""))
                for doc_id, node in docs.docstore.docs.items()
            }

    # -- internals -------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[DocStoreFile]:
        """The docstore, under the ingest lock; a write that finds no room (disk, quota or
        file-size limit full) becomes one clear error."""
        with room_checked(self.data_dir, _NO_ROOM_OUTCOME):
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with (self.data_dir / "ingest.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    yield DocStoreFile(self.data_dir / "docstore.json")
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def _pipeline(self, docs: DocStoreFile) -> IngestionPipeline:
        return IngestionPipeline(
            transformations=[SafeLinks(), self.chunker, AccessFlags(), EmbedStep(self.embedder)],
            docstore=docs.docstore,
            vector_store=self.store.vector_store,
            docstore_strategy=DocstoreStrategy.UPSERTS,
            disable_cache=True,
        )

    def _upsert(
        self,
        docs: DocStoreFile,
        documents: list[Document],
        report: SyncReport,
        progress: Progress | None,
    ) -> set[Path]:
        """Embed what is new or changed; relocate what only moved. Returns the folders that
        relative ``source_path``s of an older store were relative to (for pruning)."""
        todo: list[Document] = []
        moved: list[tuple[Document, str]] = []
        done, total = 0, len(documents)
        for doc in documents:
            known = docs.docstore.get_document_hash(doc.id_)
            reconfigured = known is not None and known.startswith(_RECONFIGURED)
            old = None if reconfigured else moved_from(docs.docstore, doc, known)
            if known == doc.hash or old is not None:
                report.unchanged += 1
                done += 1
                if old is not None:
                    moved.append((doc, old))
                continue
            todo.append(doc)
            if known is None:
                report.added += 1
            else:
                report.updated += 1
        bases = record_moves(docs.docstore, self.store.collection, moved)
        if moved:
            docs.save()
        report.relocated = len(moved)
        if progress:
            progress(done, total)
        pipeline = self._pipeline(docs) if todo else None
        # At most ~8 slabs a run: each ends by persisting the docstore, which grows with the KB.
        slab_size = max(self.slab_size, -(-len(todo) // 8))
        for start in range(0, len(todo), slab_size):
            slab = todo[start : start + slab_size]
            if start == 0:  # the store is about to change: indexes of the old one are stale
                bump_generation(self.data_dir)  # (even if this run is killed before its end)
            self.journal.write_text(json.dumps([d.id_ for d in slab]))
            assert pipeline is not None
            nodes = pipeline.run(documents=slab)
            report.chunks += len(nodes)
            docs.save()
            self.journal.unlink()
            done += len(slab)
            if progress:
                progress(done, total)
        return bases

    def _refresh_indexes(self, changed: bool, stages: Stages | None = None) -> None:
        """Rebuild the derived indexes when the store changed (or a rebuild was missed)."""
        if changed:
            bump_generation(self.data_dir)
        for index in self.indexes:
            if changed or not index.is_current():
                index.rebuild(self.store, stages(index.label) if stages else None)

    def _config(self) -> str:
        """What chunks depend on besides the documents: the chunker, its rules' version and the
        embedding model."""
        config = {
            "chunker": self.chunker.to_dict(),
            "chunk_rules": RULES,
            "embed_model": self.embedder.model_id,
        }
        return json.dumps(config, sort_keys=True)

    def _reconfigure(self, docs: DocStoreFile) -> bool:
        """When the chunking or embedding settings differ from those the store was built with
        (or were never recorded), mark every known document as changed, so each is re-chunked
        and re-embedded when next ingested; True when that happened. The marks are saved before
        the new settings are recorded, so an interrupted run still finishes the job later."""
        path = self.data_dir / CONFIG_FILE
        config = self._config()
        if path.exists() and path.read_text() == config:
            return False
        # (hash -> id collapses documents with equal content, hence the union with the docs)
        doc_ids = set(docs.docstore.get_all_document_hashes().values()) | set(docs.docstore.docs)
        for doc_id in doc_ids:
            doc_hash = docs.docstore.get_document_hash(doc_id) or ""
            if not doc_hash.startswith(_RECONFIGURED):
                docs.docstore.set_document_hash(doc_id, _RECONFIGURED + doc_hash)
        if doc_ids:
            docs.save()
        path.write_text(config)
        return bool(doc_ids)

    def _recover(self, docs: DocStoreFile) -> bool:
        """Undo the half-done slab of a run that was killed; True when there was one."""
        if not self.journal.exists():
            return False
        try:
            in_flight = [str(x) for x in json.loads(self.journal.read_text() or "[]")]
        except json.JSONDecodeError:
            in_flight = []
        self._delete(docs, in_flight)
        self.journal.unlink()
        return True

    def _delete(self, docs: DocStoreFile, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        bump_generation(self.data_dir)  # as in _upsert: a kill after this leaves indexes stale
        self.store.delete_documents(doc_ids)
        for doc_id in doc_ids:
            docs.forget(doc_id)
        docs.save()

    @staticmethod
    def _sources(docs: DocStoreFile) -> dict[str, str]:
        return {
            doc_id: str(node.metadata.get("source_path", ""))
            for doc_id, node in docs.docstore.docs.items()
        }


def _changed(report: SyncReport) -> bool:
    return report.added + report.updated + report.deleted > 0
