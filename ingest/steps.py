"""Pipeline steps of one shape, ``nodes = step(nodes)`` (LlamaIndex ``TransformComponent``).

The chunker lives in ``ingest.chunking``; these are the steps around it: links kept only when they
are http(s) (before it), access flags derived from visibility, and the embedding step that hands a
whole batch to the ``Embedder`` at once (so that sentence-transformers can sort it by length, as a
bare ``encode`` would).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import BaseNode, TransformComponent
from pydantic import PrivateAttr

from assistant.access import visibility_flags
from assistant.embedding import Embedder

log = logging.getLogger("kbassist.ingest")


class SafeLinks(TransformComponent):
    """Keeps a document's ``url`` only when it is an absolute http(s) link: a ``javascript:`` or
    ``data:`` URL in front matter must never reach a citation or a customer's reply draft. A link
    that is dropped is logged as a warning naming the document."""

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        for node in nodes:
            url = str(node.metadata.get("url") or "")
            if url and not is_web_link(url):
                log.warning("%s: url %r is not an http(s) link; dropped", node.node_id, url[:80])
                node.metadata["url"] = ""
        return nodes


def is_web_link(url: str) -> bool:
    """Whether ``url`` is an absolute http or https link to a host."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


class AccessFlags(TransformComponent):
    """Adds the ``vis_*`` flag keys that let the store filter by audience before ranking."""

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        for node in nodes:
            flags = visibility_flags(str(node.metadata.get("visibility", "internal")))
            node.metadata.update(flags)
            hidden = list(flags)
            node.excluded_embed_metadata_keys = [*node.excluded_embed_metadata_keys, *hidden]
            node.excluded_llm_metadata_keys = [*node.excluded_llm_metadata_keys, *hidden]
        return nodes


class EmbedStep(BaseEmbedding):
    """LlamaIndex embedding component over one of our ``Embedder`` implementations."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_id, embed_batch_size=2048, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "KbassistEmbedStep"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_documents([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_documents(texts)
