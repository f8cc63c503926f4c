"""What a suggestion and a decision are stored with besides their JSON, for SQL aggregates.

Pure functions of the records: ``assistant.suggestion_db`` writes their results on every save and
decision, and migration 0005 back-fills older rows from their JSON with the same functions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from assistant.records import SuggestionRecord
from assistant.suggestion import Suggestion

OUTCOMES = ("accept", "edit", "override")  # a decision that settles a suggestion (latest wins)


def team_key(teams: Iterable[str]) -> str:
    """The asker's teams as one group key: sorted, comma-joined ("" for no team)."""
    return ",".join(sorted(set(teams)))


def suggestion_columns(record: SuggestionRecord, teams: Iterable[str]) -> dict[str, Any]:
    """The denormalised columns of a suggestion row."""
    suggestion = record.suggestion
    lead = _lead(record)
    request = record.request
    product = (request.ticket.product if request.ticket else None) or (
        request.products[0] if len(request.products) == 1 else None
    )
    return {
        "team": team_key(teams),
        "abstained": suggestion.abstained,
        "confidence": suggestion.confidence,
        "llm_fallback": suggestion.fallback_reason is not None,
        "answerer": suggestion.answerer[:32],
        "lead_doc_id": lead.get("doc_id"),
        "source_type": lead.get("source_type", ""),
        "product": (product or lead.get("product") or "")[:200],
        "lead_visibility": lead.get("visibility", ""),
        "rated_helpful": 0,
        "rated_wrong": 0,
    }


def document_rows(record: SuggestionRecord, teams: Iterable[str]) -> list[dict[str, Any]]:
    """One row per document the suggestion retrieved or cited: its retrieval rank (None for a
    document only cited, such as a playbook's sibling step), whether it was cited, cited while
    stale, or led the answer, and its metadata at the time; with the suggestion's time and
    team, so that the per-document figures of a window read this table alone."""
    cited = {c.doc_id for c in record.suggestion.citations}
    stale = {c.doc_id for c in record.suggestion.citations if c.stale}
    lead = _lead(record).get("doc_id")
    rows: dict[str, dict[str, Any]] = {}
    for rank, ref in enumerate(record.retrieved, start=1):
        if ref.doc_id not in rows:
            rows[ref.doc_id] = _doc_row(record, ref.doc_id, rank, ref.model_dump())
    for citation in record.suggestion.citations:
        if citation.doc_id not in rows:
            meta = {"source_type": citation.source_type}
            rows[citation.doc_id] = _doc_row(record, citation.doc_id, None, meta)
    team = team_key(teams)
    for doc_id, row in rows.items():
        row.update(cited=doc_id in cited, stale=doc_id in stale, lead=doc_id == lead)
        row.update(created_at=record.created_at, team=team, outcome=None)
    return list(rows.values())


def edit_share(original: str, edited: str | None) -> float | None:
    """The share of ``original`` an edit changed, from 0 (same words) to 1 (all rewritten):
    one minus difflib's similarity ratio over words."""
    if edited is None:
        return None
    before, after = original.split(), edited.split()
    if not before and not after:
        return 0.0
    return round(1.0 - difflib.SequenceMatcher(None, before, after).ratio(), 4)


def decision_columns(
    action: str,
    text: str | None,
    reply_text: str | None,
    citation_index: int | None,
    suggestion: Suggestion,
) -> dict[str, Any]:
    """A decision's ``edit_share`` (an edit: of the answer, or of the reply draft when only it
    was edited) and ``doc_id`` (a citation rating: the rated citation's document)."""
    share = None
    if action == "edit":
        share = (
            edit_share(suggestion.answer, text)
            if text is not None
            else edit_share(suggestion.reply_draft, reply_text)
        )
    doc_id = None
    if citation_index is not None and 1 <= citation_index <= len(suggestion.citations):
        doc_id = suggestion.citations[citation_index - 1].doc_id
    return {"edit_share": share, "doc_id": doc_id}


def _lead(record: SuggestionRecord) -> dict[str, Any]:
    """The document that leads the answer: its first citation's, else the top retrieved one."""
    citations = record.suggestion.citations
    refs = {r.doc_id: r for r in reversed(record.retrieved)}
    if citations:
        first = min(citations, key=lambda c: c.index)
        ref = refs.get(first.doc_id)
        meta = ref.model_dump() if ref else {}
        return {**meta, "doc_id": first.doc_id, "source_type": first.source_type}
    return record.retrieved[0].model_dump() if record.retrieved else {}


def _doc_row(
    record: SuggestionRecord, doc_id: str, rank: int | None, meta: dict[str, Any]
) -> dict[str, Any]:
    return {
        "suggestion_id": record.id,
        "doc_id": doc_id[:512],
        "rank": rank,
        "source_type": str(meta.get("source_type") or "")[:64],
        "product": str(meta.get("product") or "")[:200],
        "owner": str(meta.get("owner") or "")[:200],
        "visibility": str(meta.get("visibility") or "")[:300],
    }
