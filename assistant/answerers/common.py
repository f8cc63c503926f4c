"""Pieces every answerer shares: sentences, citations, playbook next actions, support checks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Citation, NextAction
from ingest.sources.playbook_actions import decode_actions
from ingest.sources.registry import flags_of

_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
STOPWORDS = frozenset(
    """
    a an and are as at be but by can do does for from has have how i if in into is it
    its me my no not of on or our please so that the their then there these they this to
    was we what when where which who why will with you your yes
    """.split()  # noqa: SIM905
)
ACTION_KINDS = {"escalate", "refund", "request_info", "link", "form", "macro"}


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning, lower-cased. A hyphenated word also gives its
    parts and its parts joined ("read-only": read-only, read, only, readonly; "e-mail": email),
    so that it meets the same words written apart or together."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        words.append(word)
        if "-" in word:
            parts = word.split("-")
            words += [*parts, "".join(parts)]
    return [w for w in words if w not in STOPWORDS and len(w) > 1]


def is_public(chunk: RetrievedChunk) -> bool:
    return chunk.metadata.get("visibility") == "public"


def snippet(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def citation_for(index: int, chunk: RetrievedChunk, quote: str | None = None) -> Citation:
    meta = chunk.metadata
    return Citation(
        index=index,
        doc_id=chunk.doc_id,
        title=str(meta.get("title", "")),
        url=str(meta.get("url", "")),
        section=str(meta.get("section", "")),
        source_type=str(meta.get("source_type", "")),
        chunk_id=chunk.chunk_id,
        snippet=snippet(quote or chunk.text),
        stale=chunk.stale,
    )


def actions_of(chunk: RetrievedChunk) -> list[dict[str, object]]:
    """The actions a step chunk carries (its ``actions`` metadata, a JSON list), for the source
    types whose steps are followed (playbooks)."""
    if not flags_of(chunk.source_type).expand_steps:
        return []
    return decode_actions(chunk.metadata.get("actions"))


def next_actions(cited: Iterable[tuple[int, RetrievedChunk]], limit: int = 5) -> list[NextAction]:
    """Next actions from the playbook step chunks among the cited passages, in step order."""
    actions: list[NextAction] = []
    seen: set[tuple[str, str]] = set()
    for index, chunk in cited:
        for raw in actions_of(chunk):
            kind = str(raw.get("kind", "other"))
            label = str(raw.get("label") or kind.replace("_", " ").capitalize())
            key = (chunk.doc_id, label)
            if key in seen:
                continue
            seen.add(key)
            step = raw.get("step")
            details = {k: v for k, v in raw.items() if k not in ("kind", "label", "step")}
            actions.append(
                NextAction(
                    label=label,
                    kind=kind if kind in ACTION_KINDS else "other",  # type: ignore[arg-type]
                    playbook_id=chunk.doc_id,
                    step=step if isinstance(step, int) else None,
                    citation=index,
                    details=details,
                )
            )
            if len(actions) >= limit:
                return actions
    return actions
