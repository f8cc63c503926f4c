"""Review items from agents' corrections (``corrections.collect``): fix proposals for passages
edited by enough suggestions or flagged wrong/outdated, and article drafts from clustered
overrides of abstained questions."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import yaml

from assistant.drafts.corrections import Corrections, Overridden, PassageEdits, collect
from assistant.drafts.coverage import best_article, cosine
from assistant.drafts.generate import GenerateReport, TicketDrafter
from assistant.drafts.grouping import centroid, cluster_labels
from assistant.drafts.model import Draft, Source, narrowest
from assistant.drafts.review import DraftStore
from assistant.drafts.writer import REVIEW_DAYS, usable
from assistant.embedding import Embedder
from assistant.store import ChunkStore
from assistant.suggestion_db import SqlSuggestionStore
from assistant.text import split_sentences


class ProposalMaker:
    def __init__(
        self,
        store: ChunkStore,
        drafts: DraftStore,
        suggestions: SqlSuggestionStore,
        embedder: Embedder,
        min_suggestions: int = 2,
    ) -> None:
        self.store = store
        self.drafts = drafts
        self.suggestions = suggestions
        self.embedder = embedder
        self.min_suggestions = min_suggestions

    def run(self, report: GenerateReport, tickets: TicketDrafter) -> None:
        self._supersede_changed(report)
        found: Corrections = collect(self.suggestions)
        fixes = self.drafts.list(kind="fix")
        flags = _flags_by_doc(found)
        for (doc_id, section), edits in sorted(found.passages.items()):
            if len(edits.suggestions) < self.min_suggestions:
                continue
            same = [d for d in fixes if _target(d) == (doc_id, section)]
            sources = {s.id for d in same for s in d.sources}
            if edits.suggestions <= sources:
                continue  # nothing new since it was proposed (or reviewed)
            proposal = self._proposal(
                edits, flags.get(doc_id, []), next((d for d in same if d.state == "open"), None)
            )
            if proposal is None:
                continue
            if any(d.id == proposal.id for d in same):
                self.drafts.save(proposal, expect_state="open")
                report.proposals_updated.append(proposal.id)
            else:
                self.drafts.add(proposal)
                report.proposals.append(proposal.id)
        self._from_overrides(found.abstained, report, tickets)

    def _supersede_changed(self, report: GenerateReport) -> None:
        """An open fix proposal whose passage no longer holds the text it would replace (the
        document was edited, re-ingested or removed since) is superseded: approving it would
        patch text that is gone."""
        for draft in self.drafts.list(states=("open",), kind="fix"):
            current = str((draft.details or {}).get("current") or "")
            doc_id, _ = _target(draft)
            chunks = self.store.document_chunks(doc_id, lambda _metadata: True)  # as stored
            text = " ".join(c.text for c in chunks)
            if not current or " ".join(current.split()) in " ".join(text.split()):
                continue
            gone = "is gone" if not text else "no longer holds the text this fix replaces"
            superseded = draft.model_copy(
                update={
                    "state": "superseded",
                    "reason": f"document {doc_id} {gone}",
                    "updated_at": datetime.now(UTC),
                }
            )
            if self.drafts.save(superseded, expect_state="open"):
                report.superseded.append(draft.id)

    def _proposal(
        self, edits: PassageEdits, flags: list[dict[str, Any]], open_one: Draft | None
    ) -> Draft | None:
        citation = edits.citation
        chunks = self.store.get_chunks([citation.chunk_id])
        if not chunks:
            return None  # the passage is gone (re-ingested or deleted)
        chunk = chunks[0]
        visibility = narrowest([str(chunk.metadata.get("visibility", "internal"))]) or "internal"
        versions = edits.versions or [
            {"suggestion_id": f["suggestion_id"], "agent": f["agent"], "text": f["text"]}
            for f in edits.flags
        ]
        current = Counter(edits.originals).most_common(1)[0][0] if edits.originals else ""
        proposed = versions[-1]["text"]
        now = datetime.now(UTC)
        suggestion_ids = sorted(edits.suggestions)
        sources = [Source(kind="suggestion", id=s, visibility=visibility) for s in suggestion_ids]
        sources.append(
            Source(kind="passage", id=chunk.chunk_id, title=citation.title, visibility=visibility)
        )
        draft = open_one or Draft(
            id=uuid.uuid4().hex[:12],
            kind="fix",
            title="",
            markdown="",
            created_at=now,
            updated_at=now,
        )
        return draft.model_copy(
            update={
                "title": f"Fix: {citation.section or citation.title}",
                "markdown": proposed,
                "visibility": visibility,
                "source_visibilities": [visibility],
                "sources": sources,
                "doc_id": citation.doc_id,
                "target": {
                    "doc_id": citation.doc_id,
                    "section": citation.section,
                    "chunk_id": chunk.chunk_id,
                    "title": citation.title,
                },
                "details": {
                    "current": current,
                    "passage": chunk.text,
                    "versions": versions,
                    "proposed": proposed,
                    "flags": flags,
                },
                "updated_at": now,
            }
        )

    def _from_overrides(
        self, overridden: list[Overridden], report: GenerateReport, tickets: TicketDrafter
    ) -> None:
        if len(overridden) < self.min_suggestions:
            return
        vectors = np.asarray(self.embedder.embed_documents([o.question for o in overridden]))
        groups: dict[int, list[int]] = {}
        for row, label in enumerate(cluster_labels(vectors)):
            groups.setdefault(label, []).append(row)
        articles = self.drafts.list(kind="article")
        for rows in groups.values():
            members = [overridden[r] for r in rows]
            if len({m.suggestion_id for m in members}) < self.min_suggestions:
                continue
            centre = centroid([vectors[r] / (np.linalg.norm(vectors[r]) or 1.0) for r in rows])
            if best_article(self.store, centre).similarity >= tickets.covered_at:
                continue
            ids = {m.suggestion_id for m in members}
            if any(
                ids & {s.id for s in d.sources}
                or (d.centroid and cosine(d.centroid, centre) >= tickets.duplicate_at)
                for d in articles
            ):
                continue
            draft = _override_draft(members, centre, tickets)
            self.drafts.add(draft)
            articles.append(draft)
            report.from_overrides.append(draft.id)


def _target(draft: Draft) -> tuple[str, str]:
    target = draft.target or {}
    return str(target.get("doc_id", "")), str(target.get("section", ""))


def _flags_by_doc(found: Corrections) -> dict[str, list[dict[str, Any]]]:
    flags: dict[str, list[dict[str, Any]]] = {}
    for (doc_id, _), edits in found.passages.items():
        flags.setdefault(doc_id, []).extend(edits.flags)
    return flags


def _override_draft(members: list[Overridden], centre: np.ndarray, tickets: TicketDrafter) -> Draft:
    draft_id = uuid.uuid4().hex[:12]
    doc_id = f"kb-draft-{draft_id}"
    title = members[0].question.strip().rstrip("?").strip()[:120] or "Untitled draft"
    today = tickets.today()
    meta = {
        "id": doc_id,
        "title": title,
        "owner": "",
        "updated_at": today.isoformat(),
        "review_by": (today + timedelta(days=REVIEW_DAYS)).isoformat(),
        "visibility": "internal",
        "source_suggestions": [m.suggestion_id for m in members],
    }
    questions = "\n".join(f"- {m.question.strip()} [suggestion-{m.suggestion_id}]" for m in members)
    answers = []
    for m in members:
        kept = [s for s in split_sentences(m.answer) if usable(s)]
        if kept:
            answers.append(" ".join(kept) + f" [suggestion-{m.suggestion_id}]")
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip()
    sources = "\n".join(f"- suggestion-{m.suggestion_id} ({m.agent})" for m in members)
    markdown = "\n\n".join(
        [
            f"---\n{head}\n---",
            f"# {title}",
            "## Question",
            questions,
            "## Answer",
            "\n\n".join(answers),
            "## Source suggestions",
            sources,
        ]
    )
    now = datetime.now(UTC)
    return Draft(
        id=draft_id,
        kind="article",
        title=title,
        markdown=markdown + "\n",
        visibility="internal",
        source_visibilities=["internal"],
        sources=[Source(kind="suggestion", id=m.suggestion_id) for m in members],
        centroid=[round(float(x), 6) for x in centre],
        doc_id=doc_id,
        details={"writer": "overrides"},
        created_at=now,
        updated_at=now,
    )
