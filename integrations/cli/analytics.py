"""``kbassist analytics`` and ``kbassist flags``: usage analytics and content flags from the
suggestion store (docs/analytics.md). The viewer is an agent of ``--team`` (public and internal
content, and that team's): other documents are counted, never named."""

from __future__ import annotations

import json
from typing import Any

import click

from assistant.analytics.flags import FlagRules
from assistant.analytics.params import DEFAULT_SINCE, GROUPS, parse_team, scope
from assistant.compose import Services
from assistant.errors import ErrorCode, KbassistError
from assistant.notify import SlackNotifier
from assistant.types import Audience

_SINCE = click.option(
    "--since",
    default=DEFAULT_SINCE,
    show_default=True,
    help="A duration back from now (30d, 12h, 2w, 90m) or a date (2026-11-01).",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


@click.command()
@_SINCE
@click.option("--team", default=None, help="Only questions asked by this team (and its view).")
@click.option("--group-by", default="team", show_default=True, help=" | ".join(GROUPS))
@click.option("--limit", default=20, show_default=True, help="Documents listed per list.")
@_JSON
@click.pass_obj
def analytics(
    services: Services, since: str, team: str | None, group_by: str, limit: int, as_json: bool
) -> None:
    """Usage over a window: per group and per document.

    Example: kbassist analytics --since 7d --group-by channel
    """
    wanted = _option(lambda: scope(since, team, group_by, limit))
    report = services.analytics.report(wanted, _viewer(team))
    if as_json:
        click.echo(json.dumps(report))
        return
    window = report["window"]
    click.echo(f"{window['since'][:16]} to {window['until'][:16]}, by {report['group_by']}")
    click.echo(_GROUP_HEADER)
    for group in report["groups"]:
        click.echo(_group_line(group["key"] or "(none)", group))
    click.echo(_group_line("all", report["totals"]))
    documents = report["documents"]
    click.echo(f"\ndocuments used: {documents['total']}, by times cited")
    for row in documents["rows"]:
        click.echo(
            f"  {row['cited']:>5} cited {row['retrieved']:>5} retrieved"
            f" {row['cited_accepted']:>4} accepted {row['cited_overridden']:>4} overridden"
            f" {row['rated_wrong']:>3} wrong  {row['doc_id']} ({row['title'] or '-'})"
        )
    restricted = documents["restricted"]
    if restricted["documents"]:
        click.echo(
            f"  + {restricted['documents']} restricted documents ({restricted['cited']} cited)"
        )
    for row in documents["stale_cited"]:
        click.echo(f"stale but cited: {row['doc_id']} (review by {row['review_by'] or '?'})")
    click.echo(f"never cited: {documents['never_cited_total']}")
    for row in documents["never_cited"]:
        click.echo(f"  {row['doc_id']} ({row['title'] or '-'}, owner {row['owner'] or '-'})")


@click.command()
@_SINCE
@click.option("--owner", default=None, help="Only this owner's flags.")
@click.option("--team", default=None, help="See this team's restricted documents too.")
@click.option("--wrong-ratings", default=FlagRules.wrong_ratings, show_default=True)
@click.option("--override-rate", default=FlagRules.override_rate, show_default=True)
@click.option("--min-cited", default=FlagRules.min_cited, show_default=True)
@click.option("--notify", is_flag=True, help="Send each owner a Slack DM digest of their flags.")
@_JSON
@click.pass_obj
def flags(
    services: Services,
    since: str,
    owner: str | None,
    team: str | None,
    wrong_ratings: int,
    override_rate: float,
    min_cited: int,
    notify: bool,
    as_json: bool,
) -> None:
    """Documents flagged for their owners: rated wrong, overridden, stale yet cited, or
    contradictory.

    Example: kbassist flags --owner ana --notify
    """
    wanted = _option(lambda: scope(since))
    rules = _option(lambda: FlagRules(wrong_ratings, override_rate, min_cited))
    notifier = SlackNotifier.from_settings(services.settings.slack) if notify else None
    report = services.analytics.flags(
        wanted, _viewer(_option(lambda: parse_team(team))), rules, owner
    )
    body = report.to_dict()
    sent = notifier.send(report.digests()) if notifier else None
    if as_json:
        click.echo(json.dumps({**body, "notified": sent.to_dict() if sent else None}))
    else:
        for entry in body["owners"]:
            click.echo(f"{entry['owner']}:")
            for document in entry["documents"]:
                click.echo(f"  {document['doc_id']} ({document['title'] or '-'})")
                for flag in document["flags"]:
                    click.echo(f"    {flag['kind']}: {flag['detail']}")
        click.echo(f"flagged: {body['flagged_total']} (restricted: {body['restricted_flagged']})")
        if sent:
            click.echo(
                f"notified: {', '.join(sent.sent) or 'nobody'}; no Slack user: "
                f"{', '.join(sent.unmapped) or 'none'}; failed: {', '.join(sent.failed) or 'none'}"
            )
    if sent and sent.failed:
        raise KbassistError(ErrorCode.UPSTREAM_UNAVAILABLE, "some digests could not be sent")


_GROUP_HEADER = (
    f"{'group':<24} {'sugg':>6} {'abst':>5} {'decid':>5} {'acc':>5} {'edit':>5} {'over':>5}"
    f" {'medEd':>5} {'help':>4} {'wrong':>5} {'fallb':>5} {'p50ms':>7} {'p95ms':>7}"
)


def _group_line(key: str, g: dict[str, Any]) -> str:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    def num(value: float | None, spec: str = ".0f") -> str:
        return "-" if value is None else format(value, spec)

    return (
        f"{key[:24]:<24} {g['suggestions']:>6} {pct(g['abstention_rate']):>5}"
        f" {pct(g['decided_share']):>5} {pct(g['accept_rate']):>5} {pct(g['edit_rate']):>5}"
        f" {pct(g['override_rate']):>5} {num(g['median_edit_share'], '.2f'):>5}"
        f" {g['citations_helpful']:>4} {g['citations_wrong']:>5} {pct(g['llm_fallback_rate']):>5}"
        f" {num(g['latency_ms_p50']):>7} {num(g['latency_ms_p95']):>7}"
    )


def _viewer(team: str | None) -> Audience:
    return Audience.agent(team) if team else Audience.agent()


def _option(parse: Any) -> Any:
    """Parse options, naming the option (``--since``) in a BAD_INPUT error."""
    try:
        return parse()
    except KbassistError as exc:
        if exc.code != ErrorCode.BAD_INPUT:
            raise
        field, _, rest = exc.detail.partition(":")
        raise KbassistError(exc.code, f"--{field.replace('_', '-')}:{rest}") from None


def register(group: click.Group) -> None:
    group.add_command(analytics)
    group.add_command(flags)
