"""Each owner's governance digest: their documents due for review, open proposals on them and
the conflicts their documents are part of, as one Slack message (mrkdwn).

A digest only names what its reader may see: a conflict whose other document is restricted to
teams the reader is not in is counted, not shown (``Audience.can_see`` on the side's
visibility flags).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.access import visibility_flags
from assistant.formatting import slack_escape, slack_link, to_mrkdwn
from assistant.governance.conflicts import Conflict, ConflictReport
from assistant.governance.review_due import DueDocument, ReviewDueReport
from assistant.types import Audience


@dataclass(frozen=True)
class Proposal:
    """An open draft or fix proposal on one of the owner's documents."""

    id: str
    doc_id: str
    title: str
    kind: str = "fix"
    visibilities: tuple[str, ...] = ("internal",)  # its own and its sources': all must be seen


@dataclass
class OwnerDigest:
    owner: str
    due: list[DueDocument] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    hidden: int = 0  # items the reader may not see (counted only)

    def __bool__(self) -> bool:
        return bool(self.due or self.proposals or self.conflicts)


def _visible(audience: Audience, visibility: str) -> bool:
    return audience.can_see(dict(visibility_flags(visibility)))


def build_digests(
    review: ReviewDueReport,
    conflicts: ConflictReport,
    audience_of: Callable[[str], Audience],
    proposals: Mapping[str, Sequence[Proposal]] | None = None,
) -> list[OwnerDigest]:
    """One digest per owner with anything to read, in the review report's order (the most cited
    owner first). ``audience_of(owner)``: what that owner's reader may see; ``proposals``: open
    proposals by doc_id."""
    docs: dict[str, str] = {}  # doc_id -> owner, of every document the reports name
    order: list[str] = []
    for group in review.owners:
        order.append(group.owner)
        docs.update({d.doc_id: group.owner for d in group.documents})
    for conflict in conflicts.conflicts:
        for side in (conflict.first, conflict.second):
            if side.owner:
                docs.setdefault(side.doc_id, side.owner)
                if side.owner not in order:
                    order.append(side.owner)
    digests = {owner: OwnerDigest(owner) for owner in order}
    for group in review.owners:
        reader = audience_of(group.owner)
        for document in group.documents:
            if _visible(reader, document.visibility):
                digests[group.owner].due.append(document)
            else:
                digests[group.owner].hidden += 1
    for doc_id, items in (proposals or {}).items():
        owner = docs.get(doc_id)
        if owner is None:
            continue
        reader = audience_of(owner)
        for item in items:
            if all(_visible(reader, v) for v in item.visibilities):
                digests[owner].proposals.append(item)
            else:
                digests[owner].hidden += 1
    for conflict in conflicts.conflicts:
        for owner in dict.fromkeys(s.owner for s in (conflict.first, conflict.second) if s.owner):
            reader = audience_of(owner)
            sides = (conflict.first, conflict.second)
            if all(_visible(reader, s.visibility) for s in sides):
                digests[owner].conflicts.append(conflict)
            else:
                digests[owner].hidden += 1
    return [d for d in digests.values() if d or d.hidden]


def _when(document: DueDocument) -> str:
    if document.days_left < 0:
        return f"overdue by {-document.days_left} days"
    return "due today" if document.days_left == 0 else f"due in {document.days_left} days"


def _link(doc_id: str, title: str, url: str = "") -> str:
    return slack_link(url, f"{doc_id} {title}".strip())


def render(digest: OwnerDigest) -> str:
    """The digest as Slack mrkdwn (knowledge-base text escaped: no mention reaches Slack)."""
    lines = [f"*Knowledge-base digest for {slack_escape(digest.owner)}*"]
    if digest.due:
        lines.append(f"*Due for review* ({len(digest.due)}, the most cited first):")
        for d in digest.due:
            lines.append(
                f"• {_link(d.doc_id, d.title, d.url)}: review_by {d.review_by.isoformat()}, "
                f"{_when(d)}, cited {d.citations} times lately"
            )
    if digest.proposals:
        lines.append(f"*Open proposals on your documents* ({len(digest.proposals)}):")
        for p in digest.proposals:
            name = _link(p.doc_id, p.title)
            lines.append(f"• {slack_escape(p.kind)} {slack_escape(p.id)} on {name}")
    if digest.conflicts:
        lines.append(f"*Conflicting figures* ({len(digest.conflicts)}):")
        for c in digest.conflicts:
            a, b = c.first, c.second
            lines.append(
                f"• {_link(a.doc_id, a.title, a.url)} says {slack_escape(a.figure)}, "
                f"{_link(b.doc_id, b.title, b.url)} says {slack_escape(b.figure)}: "
                f"“{to_mrkdwn(a.sentence)}” / “{to_mrkdwn(b.sentence)}”"
            )
    if digest.hidden:
        lines.append(f"_{digest.hidden} more item(s) involve documents restricted to other teams._")
    return "\n".join(lines)
