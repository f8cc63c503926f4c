"""``kbassist drafts generate`` and ``kbassist review list|show|approve|reject``."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from assistant.compose import Services
from assistant.drafts.model import Draft
from assistant.errors import ErrorCode, KbassistError
from assistant.types import Audience

_TEAM = click.option(
    "--team",
    "teams",
    multiple=True,
    envvar="KBASSIST_TEAM",
    help="Team(s) of the reviewer; drafts from other teams' sources stay hidden.",
)
_REVIEWER = click.option(
    "--reviewer",
    default=lambda: os.environ.get("USER") or "cli",
    show_default="$USER",
    envvar="KBASSIST_AGENT",
    help="Who reviews, as recorded with the draft.",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None


@click.group()
def drafts() -> None:
    """Article drafts from resolved tickets and agents' corrections."""


@drafts.command()
@click.option("--since", callback=_since, help="Only tickets solved on or after (YYYY-MM-DD).")
@click.option("--min-tickets", type=click.IntRange(2, 1000), default=3, show_default=True)
@_JSON
@click.pass_obj
def generate(services: Services, since: date | None, min_tickets: int, as_json: bool) -> None:
    """Draft an article for each group of similar resolved tickets no article covers, and
    open fix proposals from agents' edits and overrides.

    Example: kbassist drafts generate --since 2026-06-01 --min-tickets 3
    """
    report = services.drafts.generate(since=since, min_tickets=min_tickets)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    click.echo(
        f"groups: {report.groups}, created: {len(report.created)}, "
        f"extended: {len(report.extended)}, covered by an article: {len(report.covered)}, "
        f"already drafted or reviewed: {len(report.known)}"
    )
    click.echo(
        f"fix proposals: {len(report.proposals)} opened, {len(report.proposals_updated)} "
        f"updated; drafts from overridden questions: {len(report.from_overrides)}"
    )
    for draft_id in [*report.created, *report.from_overrides]:
        click.echo(f"  new draft {draft_id}")
    for draft_id in report.proposals:
        click.echo(f"  new fix proposal {draft_id}")


@click.group()
def review() -> None:
    """The review queue: drafts and fix proposals."""


@review.command("list")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(["open", "approved", "published", "rejected", "superseded"]),
    help="Only these states (default: all).",
)
@_TEAM
@_JSON
@click.pass_obj
def list_(
    services: Services, states: tuple[str, ...], teams: tuple[str, ...], as_json: bool
) -> None:
    """Drafts whose sources your teams may see.

    Example: kbassist review list --state open --team tier2
    """
    found = services.drafts.list(Audience.agent(*teams), states)
    if as_json:
        click.echo(json.dumps([d.summary() for d in found]))
        return
    for d in found:
        click.echo(f"{d.id}  {d.kind:<7} {d.state:<9} {d.visibility:<14} {d.title}")


@review.command()
@click.argument("draft_id")
@_TEAM
@_JSON
@click.pass_obj
def show(services: Services, draft_id: str, teams: tuple[str, ...], as_json: bool) -> None:
    """One draft: its Markdown and sources."""
    draft = services.drafts.show(draft_id, Audience.agent(*teams))
    if as_json:
        click.echo(json.dumps(draft.public_view()))
        return
    click.echo(f"{draft.id} ({draft.kind}, {draft.state}, visibility {draft.visibility})")
    for source in draft.sources:
        click.echo(f"  source: {source.kind} {source.id} {source.title}")
    click.echo("")
    click.echo(draft.markdown)


@review.command()
@click.argument("draft_id")
@click.option(
    "--file",
    "edited",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Publish this edited Markdown instead of the draft's own.",
)
@_REVIEWER
@_TEAM
@_JSON
@click.pass_obj
def approve(
    services: Services,
    draft_id: str,
    edited: Path | None,
    reviewer: str,
    teams: tuple[str, ...],
    as_json: bool,
) -> None:
    """Publish a draft (written to the publish folder and ingested at once).

    Example: kbassist review approve 3f2a9c1b7e4d --reviewer amelia
    """
    markdown = _read(edited) if edited else None
    draft = services.drafts.approve(draft_id, reviewer, Audience.agent(*teams), markdown)
    _done(draft, as_json, f"published {draft.doc_id} at {draft.published_path}")


@review.command()
@click.argument("draft_id")
@click.option("--reason", required=True, help="Why (kept with the draft).")
@_REVIEWER
@_TEAM
@_JSON
@click.pass_obj
def reject(
    services: Services,
    draft_id: str,
    reason: str,
    reviewer: str,
    teams: tuple[str, ...],
    as_json: bool,
) -> None:
    """Reject a draft; the same group does not come back on the next generate."""
    draft = services.drafts.reject(draft_id, reviewer, reason, Audience.agent(*teams))
    _done(draft, as_json, f"rejected {draft.id}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KbassistError(
            ErrorCode.BAD_INPUT, f"--file {path}: cannot read it as UTF-8 text"
        ) from exc


def _done(draft: Draft, as_json: bool, message: str) -> None:
    if as_json:
        view: dict[str, Any] = draft.summary()
        view["published_path"] = draft.published_path
        reviewed: datetime | None = draft.reviewed_at
        view["reviewed_at"] = reviewed.isoformat() if reviewed else None
        click.echo(json.dumps(view))
    else:
        click.echo(message)


def register(group: click.Group) -> None:
    group.add_command(drafts)
    group.add_command(review)
