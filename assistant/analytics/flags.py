"""Content flags for document owners: the documents agents' decisions say need a look.

A document is flagged when, in the window:
- ``rated_wrong``: its citations were rated wrong at least ``wrong_ratings`` times;
- ``overridden``: it was cited at least ``min_cited`` times and the answers citing it were
  overridden at least ``override_rate`` of those times;
- ``stale_cited``: it was cited while past its review date, and its review date (as the knowledge
  base holds it now) has not been moved on since;
- ``contradictory``: it was cited on both sides of opposite decisions (in an accepted and in an
  overridden answer, or rated helpful and wrong).

Flags are grouped by the document's ``owner``; documents the viewer may not see are counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.analytics.documents import DocumentReport, DocumentStats
from assistant.errors import ErrorCode, KbassistError

NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class FlagRules:
    wrong_ratings: int = 2
    override_rate: float = 0.3
    min_cited: int = 3

    def __post_init__(self) -> None:
        if self.wrong_ratings < 1:
            raise KbassistError(ErrorCode.BAD_INPUT, "wrong_ratings: must be at least 1")
        if not 0.0 < self.override_rate <= 1.0:
            raise KbassistError(ErrorCode.BAD_INPUT, "override_rate: must be above 0 and at most 1")
        if self.min_cited < 1:
            raise KbassistError(ErrorCode.BAD_INPUT, "min_cited: must be at least 1")


@dataclass(frozen=True)
class Flag:
    kind: str  # rated_wrong, overridden, stale_cited, contradictory
    detail: str


@dataclass
class FlaggedDocument:
    doc_id: str
    title: str
    source_type: str
    review_by: str
    flags: list[Flag]
    counts: dict[str, int]


@dataclass
class FlagsReport:
    window: dict[str, str]
    rules: FlagRules
    owners: dict[str, list[FlaggedDocument]] = field(default_factory=dict)
    restricted_flagged: int = 0  # flagged documents the viewer may not see

    def to_dict(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "rules": asdict(self.rules),
            "owners": [
                {"owner": owner, "documents": [asdict(d) for d in documents]}
                for owner, documents in sorted(self.owners.items())
            ],
            "flagged_total": sum(len(d) for d in self.owners.values()),
            "restricted_flagged": self.restricted_flagged,
        }

    def digests(self) -> dict[str, str]:
        """Each owner's flags as a Slack mrkdwn digest (for ``assistant.notify``)."""
        return {owner: digest(owner, documents) for owner, documents in self.owners.items()}


def flags(
    documents: DocumentReport,
    rules: FlagRules = FlagRules(),
    owner: str | None = None,
    today: date | None = None,
) -> FlagsReport:
    """The flags of a per-document report, by owner (only ``owner``'s when given)."""
    today = today or date.today()
    report = FlagsReport(documents.scope.window.to_dict(), rules)
    for stats in documents.hidden:
        if document_flags(stats, rules, today):
            report.restricted_flagged += 1
    for stats in documents.documents:
        found = document_flags(stats, rules, today)
        name = stats.owner or NO_OWNER
        if not found or (owner is not None and name != owner):
            continue
        counts = {k: v for k, v in asdict(stats).items() if isinstance(v, int) and k != "in_kb"}
        flagged = FlaggedDocument(
            stats.doc_id, stats.title, stats.source_type, stats.review_by, found, counts
        )
        report.owners.setdefault(name, []).append(flagged)
    for listed in report.owners.values():
        listed.sort(key=lambda d: (-len(d.flags), d.doc_id))
    return report


def document_flags(stats: DocumentStats, rules: FlagRules, today: date) -> list[Flag]:
    found: list[Flag] = []
    if stats.rated_wrong >= rules.wrong_ratings:
        found.append(Flag("rated_wrong", f"citations rated wrong {stats.rated_wrong} times"))
    if (
        stats.cited >= rules.min_cited
        and stats.cited_overridden / stats.cited >= rules.override_rate
    ):
        share = stats.cited_overridden / stats.cited
        found.append(
            Flag(
                "overridden",
                f"{share:.0%} of the answers citing it were overridden "
                f"({stats.cited_overridden} of {stats.cited})",
            )
        )
    moved_on = bool(stats.review_by) and stats.review_by >= today.isoformat()
    if stats.stale_cited and stats.in_kb and not moved_on:
        when = f"review was due {stats.review_by}" if stats.review_by else "stale"
        found.append(Flag("stale_cited", f"{when}, yet cited {stats.stale_cited} times"))
    if (stats.cited_accepted and stats.cited_overridden) or (
        stats.rated_helpful and stats.rated_wrong
    ):
        found.append(
            Flag(
                "contradictory",
                f"cited in {stats.cited_accepted} accepted and {stats.cited_overridden} overridden "
                f"answers; rated helpful {stats.rated_helpful}, wrong {stats.rated_wrong} times",
            )
        )
    return found


def digest(owner: str, documents: list[FlaggedDocument]) -> str:
    lines = [f"*kbassist: {len(documents)} of your documents need a look* ({owner})"]
    for document in documents:
        lines.append(f"• *{_plain(document.title or document.doc_id)}* (`{document.doc_id}`)")
        lines += [f"    – {flag.detail}" for flag in document.flags]
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Text shown inert in mrkdwn: no mentions, links or formatting of its own."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*", "")
