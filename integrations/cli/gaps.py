"""``kbassist gaps``: the questions agents keep asking that the knowledge base serves poorly."""

from __future__ import annotations

import click

from assistant.access import Audience
from assistant.analytics.params import parse_since
from assistant.compose import Services
from assistant.gaps import GapCluster, GapReport


def _cluster_lines(c: GapCluster) -> list[str]:
    title = c.label or f"({c.hidden} questions from teams you do not belong to)"
    verdict = "missing" if c.verdict == "missing" else "exists but fails"
    reasons = ", ".join(f"{name} {n}" for name, n in c.reasons.items())
    teams = ", ".join(c.teams) or "none of yours"
    lines = [
        f"{c.rank}. {title}",
        f"   {c.size} questions, {c.askers} askers, impact {c.impact}; {verdict}",
        f"   reasons: {reasons}",
        f"   teams: {teams}" + (f" (+{c.other_teams} other)" if c.other_teams else ""),
        f"   seen {c.first_seen:%Y-%m-%d %H:%M} to {c.last_seen:%Y-%m-%d %H:%M} UTC, "
        f"{c.trend.direction} ({c.trend.earlier} earlier, {c.trend.recent} recent)",
    ]
    lines += [f"   - {example}" for example in c.examples if example != c.label]
    if c.hidden and c.label:
        lines.append(f"   (+{c.hidden} questions you may not read)")
    for d in c.documents:
        owner = f", owner {d.owner}" if d.owner else ""
        lines.append(f"   closest: {d.doc_id} {d.title} ({d.similarity:.2f}{owner})")
    return lines


def render(report: GapReport) -> str:
    since = f"since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "ever"
    if not report.clusters:
        return (
            f"No knowledge gaps {since}: {report.poorly_served} poorly served questions, "
            "none in a cluster of the minimum size."
        )
    lines = [
        f"Knowledge gaps {since}: {report.poorly_served} poorly served questions, "
        f"{report.clustered} in the {len(report.clusters)} clusters below (most impact first)."
    ]
    if report.truncated:
        lines.append("Only the most recent poorly served questions were clustered.")
    for cluster in report.clusters:
        lines += ["", *_cluster_lines(cluster)]
    return "\n".join(lines)


@click.command()
@click.option("--since", default="30d", show_default=True, help="30d, 12h, 2w or a date.")
@click.option(
    "--min-size", type=click.IntRange(min=1), default=2, show_default=True, help="Smallest cluster."
)
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@click.option(
    "--team",
    "teams",
    multiple=True,
    envvar="KBASSIST_TEAM",
    help="Your team(s): questions other teams asked, and their content, are only counted.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def gaps(
    services: Services,
    since: str,
    min_size: int,
    limit: int,
    teams: tuple[str, ...],
    as_json: bool,
) -> None:
    """The questions the knowledge base serves poorly, grouped by meaning.

    Questions that were abstained on, overridden, heavily edited, had a citation rated wrong or
    fell below the confidence margin are clustered; each cluster shows who asked, examples,
    when, why, and the closest documents with their owners.

    Examples:

      kbassist gaps --team tier1 --team tier2

      kbassist gaps --since 2w --min-size 3 --json
    """
    start = parse_since(since)
    report = services.gaps.report(Audience.agent(*teams), start, min_size, limit)
    click.echo(report.model_dump_json(indent=2) if as_json else render(report))


def register(group: click.Group) -> None:
    group.add_command(gaps)
