"""``kbassist review-due`` and ``kbassist conflicts``: keeping the knowledge base fresh and
consistent (``assistant.governance``)."""

from __future__ import annotations

import json
from datetime import timedelta

import click

from assistant.compose import Services
from assistant.governance.conflicts import ConflictReport, find_conflicts
from assistant.governance.deliver import open_proposals, send_digests
from assistant.governance.review_due import ReviewDueReport, parse_days, review_due
from assistant.notify import NotifyReport, SlackNotifier
from assistant.types import Audience

_TEAM = click.option(
    "--team",
    "teams",
    multiple=True,
    envvar="KBASSIST_TEAM",
    help="Your team(s); documents restricted to other teams are counted, never shown.",
)
_EMPTY = "the store holds no documents yet (run kbassist ingest first)"


@click.command("review-due")
@click.option("--owner", default=None, help="Only this owner's documents.")
@click.option(
    "--within",
    default="14d",
    show_default=True,
    help="Also list documents due this soon (14d, 2w).",
)
@click.option(
    "--cited-within",
    default="90d",
    show_default=True,
    help="How far back citations count when ordering (90d, 12w).",
)
@_TEAM
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--notify", is_flag=True, help="DM each owner their digest on Slack.")
@click.pass_obj
def review_due_command(
    services: Services,
    owner: str | None,
    within: str,
    cited_within: str,
    teams: tuple[str, ...],
    as_json: bool,
    notify: bool,
) -> None:
    """Documents past or near their review_by date, grouped by owner, the most cited first.

    Examples:

      kbassist review-due --within 30d

      kbassist review-due --owner billing-team --json

      kbassist review-due --notify
    """
    within_days = parse_days(within, "--within")
    cited_days = parse_days(cited_within, "--cited-within")
    # Slack must be configured before anything is read (a CONFIG error names the variable)
    notifier = SlackNotifier.from_settings(services.settings.slack) if notify else None
    audience = Audience.agent(*teams)
    report = review_due(
        services.store,
        services.suggestion_store,
        audience,
        within_days=within_days,
        cited_days=cited_days,
        owner=owner,
    )
    summary = report.as_dict()
    sent = None
    if notifier is not None:
        conflicts = find_conflicts(services.store, audience)
        proposals = open_proposals(services.suggestion_store)
        slack = services.settings.slack
        sent = send_digests(notifier, slack, report, conflicts, proposals, owner=owner)
        summary["notified"] = sent.to_dict()
    if as_json:
        click.echo(json.dumps(summary))
        return
    _print_review(report)
    if sent is not None:
        click.echo(_notified(sent))


def _print_review(report: ReviewDueReport) -> None:
    if not report.documents and not report.hidden:
        click.echo(_EMPTY)
        return
    horizon = (report.as_of + timedelta(days=report.within_days)).isoformat()
    if not report.owners:
        click.echo(f"nothing is due for review by {horizon}")
    else:
        click.echo(
            f"due for review by {horizon}, the most cited first "
            f"(citations over the last {report.cited_days} days):"
        )
    for group in report.owners:
        click.echo(f"{group.owner} ({len(group.documents)} documents, {group.citations} citations)")
        for d in group.documents:
            when = f"overdue {-d.days_left}d" if d.days_left < 0 else f"due in {d.days_left}d"
            click.echo(
                f"  {d.doc_id:<28} {d.review_by.isoformat()} {when:<14} "
                f"cited {d.citations:>4}  {d.title}"
            )
    if report.hidden:
        click.echo(f"{report.hidden} more due documents are restricted to other teams")


def _notified(sent: NotifyReport) -> str:
    line = f"sent {len(sent.sent)} digests"
    if sent.unmapped:
        line += (
            f"; owners with no Slack user (KBASSIST_SLACK_OWNER_USERS): {', '.join(sent.unmapped)}"
        )
    if sent.failed:
        line += f"; not delivered: {', '.join(sent.failed)}"
    return line


@click.command("conflicts")
@_TEAM
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def conflicts_command(services: Services, teams: tuple[str, ...], as_json: bool) -> None:
    """Passages of different documents that state different figures for the same thing
    (durations, amounts, limits, counts).

    Examples:

      kbassist conflicts

      kbassist conflicts --team tier2 --json
    """
    report = find_conflicts(services.store, Audience.agent(*teams))
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    _print_conflicts(report)


def _print_conflicts(report: ConflictReport) -> None:
    if not report.passages:
        click.echo(_EMPTY)
        return
    click.echo(
        f"{len(report.conflicts)} conflicts ({report.passages} passages, {report.claims} "
        f"sentences with figures, {report.pairs} near-duplicate pairs compared)"
    )
    for number, c in enumerate(report.conflicts, 1):
        click.echo(f"{number}. {c.dimension}: {c.first.figure} against {c.second.figure}")
        for side in (c.first, c.second):
            owner = f", owner {side.owner}" if side.owner else ""
            click.echo(f"   {side.doc_id} ({side.title}, updated {side.updated_at or '?'}{owner})")
            click.echo(f"     “{side.sentence}”")
    if report.hidden:
        click.echo(f"{report.hidden} more conflicts involve documents restricted to other teams")


def register(group: click.Group) -> None:
    group.add_command(review_due_command)
    group.add_command(conflicts_command)
