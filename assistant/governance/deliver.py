"""``kbassist review-due --notify``: each owner's digest as a Slack DM (``assistant.notify``).

Who reads a digest decides what it names: the owner's Slack user (``KBASSIST_SLACK_OWNER_USERS``)
sees what their teams may see (``KBASSIST_SLACK_USER_TEAMS``); the rest is counted. Open
proposals come from the review queue (``assistant.drafts``): fix proposals on the owner's
documents.
"""

from __future__ import annotations

from assistant.drafts.review import DraftStore
from assistant.governance.conflicts import ConflictReport
from assistant.governance.digest import Proposal, build_digests, render
from assistant.governance.review_due import ReviewDueReport
from assistant.notify import NotifyReport, SlackNotifier
from assistant.settings import SlackSettings
from assistant.suggestion_db import SqlSuggestionStore
from assistant.types import Audience


def open_proposals(suggestions: SqlSuggestionStore) -> dict[str, list[Proposal]]:
    """Open proposals in the review queue, by the doc_id of the document they change."""
    found: dict[str, list[Proposal]] = {}
    for draft in DraftStore(suggestions).list(states=("open",), kind="fix"):
        if draft.doc_id:
            visibilities = (*draft.source_visibilities, draft.visibility)
            found.setdefault(draft.doc_id, []).append(
                Proposal(draft.id, draft.doc_id, draft.title, draft.kind, visibilities)
            )
    return found


def send_digests(
    notifier: SlackNotifier,
    slack: SlackSettings,
    review: ReviewDueReport,
    conflicts: ConflictReport,
    proposals: dict[str, list[Proposal]],
    owner: str | None = None,
) -> NotifyReport:
    """DM every owner with something to read (only ``owner``, when given); owners without a
    Slack user are reported."""

    def reader(owner: str) -> Audience:
        user = slack.owner_users.get(owner, "")
        return Audience.agent(*slack.user_teams.get(user, []))

    digests = build_digests(review, conflicts, reader, proposals)
    return notifier.send({d.owner: render(d) for d in digests if owner in (None, d.owner)})
