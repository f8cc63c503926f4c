"""``kbassist replay``: run a labelled question log through the real assistant, as demo traffic."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.compose import Services
from assistant.gaps.replay import Replayer
from assistant.gaps.traffic import load_traffic
from integrations.cli.progress import progress_bar


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replay into a store that holds real traffic too.")
@click.option(
    "--once", is_flag=True, help="Do nothing if the store already holds replayed traffic."
)
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    help="Spread the questions over the last N days (0: all asked now).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_obj
def replay(
    services: Services, file: Path, force: bool, once: bool, days: int, as_json: bool
) -> None:
    """Ask every question of FILE and record the agent's decision, on channel 'replay'.

    The questions are dated over the last --days days, so the dashboard has days to chart.

    A store that already holds other channels' suggestions is refused unless --force.

    Example:

      kbassist replay examples/traffic/ledgerly.yaml
    """
    traffic = load_traffic(file)
    replayer = Replayer(services.service, services.suggestion_store)
    with progress_bar("replaying") as progress:
        report = replayer.replay(traffic, force=force, once=once, progress=progress, days=days)
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    elif report.skipped:
        click.echo("the store already holds replayed traffic; nothing replayed (--once)")
    else:
        decided = ", ".join(f"{n} {action}" for action, n in sorted(report.decisions.items()))
        click.echo(
            f"replayed {report.questions} questions ({report.abstained} abstained); "
            f"decisions: {decided}"
        )


def register(group: click.Group) -> None:
    group.add_command(replay)
