"""Structure-aware chunking: Documents (canonical Markdown) in, section chunks out.

Each chunk is one section (split into overlapping windows when it is long), with its heading path
as ``section``. What differs per source type comes from its chunking policy in the registry
(``ingest.sources.registry``): playbook steps grouped (at most three, numbers kept) with their
actions, a ticket's internal notes made at least ``internal``, plain text cut at paragraphs.
Only ``title`` and ``section`` are embedded with the chunk text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from llama_index.core.schema import BaseNode, NodeRelationship, TextNode, TransformComponent
from pydantic import Field, model_validator

from assistant.access import stricter
from ingest.chunk_text import Section, paragraph_windows, split_sections, windows, word_count
from ingest.model import CHUNK_FIELDS
from ingest.sources.playbook_actions import decode_actions
from ingest.sources.registry import ChunkPolicy, chunking_of

EMBEDDED_KEYS = ("title", "section")
STEPS_PER_CHUNK = 3
_STEP_LINE = re.compile(r"^(\d+)\.\s")


@dataclass
class _Piece:
    section: str
    text: str
    extra: dict[str, Any] = field(default_factory=dict)


# The chunking rules' version, recorded with the chunker's settings (``Ingestor._config``): a
# change to the rules that changes chunks bumps it, so every stored document is re-chunked on
# the next ingest. 2: tables whose rule cells have fewer than three dashes (":--|:--").
RULES = 2


class StructureChunker(TransformComponent):
    """Splits Documents into section chunks (``TextNode``) carrying ``CHUNK_FIELDS``."""

    max_words: int = Field(default=180, gt=0, description="Longest chunk, in words.")
    overlap_words: int = Field(
        default=30, ge=0, description="Words of whole sentences repeated between windows."
    )

    @model_validator(mode="after")
    def _overlap_below_max(self) -> StructureChunker:
        if self.overlap_words >= self.max_words:
            raise ValueError("overlap_words must be smaller than max_words")
        return self

    @classmethod
    def class_name(cls) -> str:
        return "KbassistStructureChunker"

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[TextNode]:
        chunks: list[TextNode] = []
        for node in nodes:
            chunks.extend(self.chunk(node))
        return chunks

    def chunk(self, doc: BaseNode) -> list[TextNode]:
        """The chunks of one document, numbered from 0."""
        meta = doc.metadata
        title = str(meta.get("title") or "")
        policy = chunking_of(str(meta.get("source_type") or ""))
        pieces: list[_Piece] = []
        for section in split_sections(doc.get_content(), title):
            pieces.extend(self._pieces(section, meta, policy))
        if not pieces:
            return []
        source = doc.as_related_node_info()
        base = _base_metadata(doc.node_id, meta, source.hash or "")
        chunks = []
        for index, piece in enumerate(pieces):
            metadata = {**base, "section": piece.section, **piece.extra}
            metadata["content_hash"] = hashlib.sha256(piece.text.encode("utf-8")).hexdigest()
            metadata["chunk_index"] = index
            hidden = [key for key in metadata if key not in EMBEDDED_KEYS]
            chunk = TextNode(
                id_=f"{doc.node_id}::{index}",
                text=piece.text,
                metadata=metadata,
                excluded_embed_metadata_keys=hidden,
                excluded_llm_metadata_keys=list(hidden),
            )
            chunk.relationships[NodeRelationship.SOURCE] = source
            chunks.append(chunk)
        return chunks

    def _pieces(self, section: Section, meta: dict[str, Any], policy: ChunkPolicy) -> list[_Piece]:
        heading = section.heading
        extra: dict[str, Any] = {}
        if policy.has_actions:
            actions = decode_actions(meta.get("actions"))
            if heading in policy.step_sections:
                return self._step_pieces(section, actions)
            rules = [a for a in actions if a.get("step") is None]
            extra = _action_extra("", rules if heading in policy.rule_sections else [])
        if heading in policy.internal_sections:
            extra["visibility"] = stricter(str(meta.get("visibility") or ""), "internal")
        if heading in policy.whole_sections or heading in policy.rule_sections:
            return [_Piece(section.name, section.body.strip(), extra)]
        cut = paragraph_windows if policy.by_paragraph else windows
        return [
            _Piece(section.name, text, dict(extra))
            for text in cut(section.body, self.max_words, self.overlap_words)
        ]

    def _step_pieces(self, section: Section, actions: list[dict[str, Any]]) -> list[_Piece]:
        pieces = []
        for group in _step_groups(section.body, self.max_words):
            numbers = [number for number, _ in group]
            first, last = numbers[0], numbers[-1]
            label = f"Steps {first}-{last}" if last != first else f"Step {first}"
            steps = f"{first}-{last}" if last != first else str(first)
            mine = [a for a in actions if a.get("step") in numbers]
            name = " > ".join((*section.path[:-1], label))
            text = "\n".join(line for _, line in group)
            pieces.append(_Piece(name, text, _action_extra(steps, mine)))
        return pieces


def _step_groups(body: str, max_words: int) -> list[list[tuple[int, str]]]:
    """Numbered step lines in groups of at most three (fewer when they would pass max_words)."""
    steps: list[tuple[int, str]] = []
    for line in body.split("\n"):
        match = _STEP_LINE.match(line.strip())
        if match:
            steps.append((int(match.group(1)), line.strip()))
        elif line.strip() and steps:
            steps[-1] = (steps[-1][0], f"{steps[-1][1]}\n{line.rstrip()}")
        elif line.strip():
            steps.append((0, line.strip()))
    groups: list[list[tuple[int, str]]] = []
    words = 0
    for step in steps:
        size = word_count(step[1])
        if groups and len(groups[-1]) < STEPS_PER_CHUNK and words + size <= max_words:
            groups[-1].append(step)
            words += size
        else:
            groups.append([step])
            words = size
    return groups


def _action_extra(steps: str, actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"steps": steps, "actions": json.dumps(actions)}


def _base_metadata(doc_id: str, meta: dict[str, Any], doc_hash: str) -> dict[str, Any]:
    """Every CHUNK_FIELDS key, as scalars, in that order."""
    base: dict[str, Any] = {}
    for key in CHUNK_FIELDS:
        value = meta.get(key)
        if key == "tags" and isinstance(value, list | tuple):
            value = ",".join(str(tag) for tag in value)
        base[key] = "" if value is None else value if isinstance(value, str) else str(value)
    base.update(doc_id=doc_id, doc_hash=doc_hash, chunk_index=0)
    return base
