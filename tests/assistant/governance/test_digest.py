"""An owner's digest: what it lists, what it only counts, and Slack-safe text."""

from __future__ import annotations

from datetime import date

from assistant.governance.conflicts import Conflict, ConflictReport, Side
from assistant.governance.digest import Proposal, build_digests, render
from assistant.governance.review_due import DueDocument, OwnerDue, ReviewDueReport
from assistant.types import Audience


def side(doc_id: str, owner: str, visibility: str, figure: str) -> Side:
    return Side(doc_id, f"<!channel> {doc_id}", "", "", owner, "", visibility, figure, figure)


def due(doc_id: str, owner: str, visibility: str = "public") -> DueDocument:
    return DueDocument(
        doc_id, "Title", "", "article", visibility, owner, date(2026, 1, 1), -3, citations=4
    )


def test_each_owner_reads_their_due_documents_proposals_and_conflicts() -> None:
    review = ReviewDueReport(date(2026, 1, 4), 14, 90)
    review.owners = [OwnerDue("ana", [due("kb-a", "ana"), due("kb-t", "ana", "team:tier2")])]
    conflicts = ConflictReport(
        [
            Conflict(
                "duration",
                side("kb-a", "ana", "public", "14 days"),
                side("kb-b", "bo", "public", "30 days"),
                0.7,
                0.5,
            ),
            Conflict(
                "usd",
                side("kb-a", "ana", "public", "50 USD"),
                side("kb-x", "bo", "team:billing", "100 USD"),
                0.7,
                0.5,
            ),
        ]
    )
    proposals = {
        "kb-a": [Proposal("p1", "kb-a", "Fix kb-a")],
        "kb-zz": [Proposal("p2", "kb-zz", "")],
    }
    readers = {"ana": Audience.agent(), "bo": Audience.agent("billing")}
    digests = {d.owner: d for d in build_digests(review, conflicts, readers.__getitem__, proposals)}
    ana, bo = digests["ana"], digests["bo"]
    assert [d.doc_id for d in ana.due] == ["kb-a"] and [p.id for p in ana.proposals] == ["p1"]
    assert [c.dimension for c in ana.conflicts] == ["duration"]
    assert ana.hidden == 2  # kb-t (tier2) and the conflict with kb-x (billing)
    assert [c.dimension for c in bo.conflicts] == ["duration", "usd"] and bo.hidden == 0
    text = render(ana)
    assert "overdue by 3 days" in text and "cited 4 times" in text and "p1" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text  # never pings anybody
    assert "2 more item(s)" in text and "kb-x" not in text and "kb-t" not in text
