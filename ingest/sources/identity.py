"""Where a document is: the identity keys of its metadata, and stored paths made absolute.

A document's ``source_path`` is its source root, resolved, plus its path under the root. Stores
written before that kept the path as it was spelled on the command line (relative to wherever
``kbassist ingest`` ran); ``locate_source`` places such a path again, from the folder it was
found relative to when its document was relocated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from chromadb.api.models.Collection import Collection
from chromadb.api.types import Metadata, Where
from llama_index.core.schema import Document
from llama_index.core.storage.docstore.types import BaseDocumentStore

IDENTITY_KEYS = ("source_path",)  # fields that say where a document is, not what it says
_BATCH = 500


def without_identity(metadata: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in metadata.items() if key not in IDENTITY_KEYS}


def moved_from(docstore: BaseDocumentStore, doc: Document, known: str | None) -> str | None:
    """The stored ``source_path`` when ``doc`` differs from its stored self (hash ``known``)
    only in its identity keys; None when it is new, unchanged or changed."""
    if known is None or known == doc.hash:
        return None
    stored = docstore.get_document(doc.id_, raise_error=False)
    if stored is None or stored.get_content() != doc.get_content():
        return None
    if without_identity(stored.metadata) != without_identity(doc.metadata):
        return None
    return str(stored.metadata.get("source_path", ""))


def record_moves(
    docstore: BaseDocumentStore, collection: Collection, moved: list[tuple[Document, str]]
) -> set[Path]:
    """Rewrite the identity keys of moved documents (``(document, old source_path)``): their
    docstore entries and each chunk's ``doc_hash``; metadata only, nothing is embedded. Returns
    the folders that old relative paths were relative to."""
    bases: set[Path] = set()
    for doc, old in moved:
        docstore.add_documents([doc], allow_update=True)
        docstore.set_document_hash(doc.id_, doc.hash)
        new = Path(str(doc.metadata.get("source_path", "")))
        old_parts = Path(old).parts
        if old and not Path(old).is_absolute() and new.parts[-len(old_parts) :] == old_parts:
            bases.add(Path(*new.parts[: -len(old_parts)]))
    if moved:
        rewrite_doc_hashes(collection, {doc.id_: doc.hash for doc, _ in moved})
    return bases


def resolved_source(source: str) -> str:
    return str(Path(source).resolve()) if source else ""


def locate_source(source: str, bases: set[Path]) -> str:
    """A stored ``source_path``, absolute: an older store kept it as spelled (relative to the
    folder ``kbassist ingest`` ran in); ``bases`` are the folders inferred for it."""
    if not source or Path(source).is_absolute() or source.startswith("upload:"):
        return source
    if len(bases) == 1:
        return str(next(iter(bases)) / source)
    return resolved_source(source)


def under_any(source: str, roots: Sequence[Path]) -> bool:
    if not source or source.startswith("upload:"):
        return False
    path = Path(source).resolve()
    for root in roots:
        resolved = root.resolve()
        if path == resolved or resolved in path.parents:
            return True
    return False


def rewrite_doc_hashes(collection: Collection, hashes: dict[str, str]) -> None:
    """Set the ``doc_hash`` of every chunk of these documents (metadata only, in place)."""
    doc_ids = list(hashes)
    for start in range(0, len(doc_ids), _BATCH):
        batch: list[str | int | float | bool] = list(doc_ids[start : start + _BATCH])
        where = cast(Where, {"doc_id": {"$in": batch}})
        got = collection.get(where=where, include=["metadatas"])
        ids: list[str] = []
        metadatas: list[Metadata] = []
        for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            doc_id = str(meta.get("doc_id", ""))
            ids.append(chunk_id)
            metadatas.append(_with_doc_hash(dict(meta), doc_id, hashes[doc_id]))
        for at in range(0, len(ids), _BATCH):
            collection.update(ids=ids[at : at + _BATCH], metadatas=metadatas[at : at + _BATCH])


def _with_doc_hash(meta: dict[str, Any], doc_id: str, doc_hash: str) -> Metadata:
    meta["doc_hash"] = doc_hash
    content = meta.get("_node_content")
    if isinstance(content, str):  # the node as LlamaIndex's Chroma store keeps it
        node = json.loads(content)
        if isinstance(node.get("metadata"), dict):
            node["metadata"]["doc_hash"] = doc_hash
        for related in (node.get("relationships") or {}).values():
            if isinstance(related, dict) and related.get("node_id") == doc_id:
                related["hash"] = doc_hash
        meta["_node_content"] = json.dumps(node)
    return meta
