"""``kbassist ingest``: bring the store in line with knowledge-base files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assistant.compose import Services
from integrations.cli.progress import stage_bars
from integrations.cli.source_options import pop_source_options, source_options


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Delete documents that disappeared from these paths.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the counts.")
@source_options
@click.pass_obj
def ingest(
    services: Services, paths: tuple[Path, ...], prune: bool, as_json: bool, **per_source: Any
) -> None:
    """Ingest articles, playbooks, tickets and collections from PATHS.

    Only what changed is embedded again. Examples:

      kbassist ingest examples/kb

      kbassist ingest help-center/ playbooks/ tickets.jsonl --prune --json

      kbassist ingest docs/ --base-url https://docs.example.com/ --visibility public

    The per-source options apply to every path given, over each root's kbassist.yaml.
    """
    options = pop_source_options(per_source)
    with stage_bars() as stages:  # the documents, then each index rebuilt after them
        report = services.service.ingest(
            paths, prune=prune, progress=stages("Ingesting"), options=options, stages=stages
        )
    for issue in report.issues:
        click.echo(f"error: {issue}", err=True)
    for skip in report.skips:
        click.echo(f"note: {skip}", err=True)
    if report.reconfigured:
        click.echo(
            "note: the chunking or embedding settings changed since the last ingest; every "
            "document is re-chunked and re-embedded as it is ingested",
            err=True,
        )
    if as_json:
        click.echo(json.dumps(report.counts()))
    else:
        counts = ", ".join(f"{key} {value}" for key, value in report.counts().items())
        click.echo(f"{counts} ({report.chunks} chunks embedded)")
    if not report.ok:
        raise click.ClickException(
            f"{report.failed} input(s) failed; the rest was ingested (see the errors above)"
        )


def register(group: click.Group) -> None:
    group.add_command(ingest)
