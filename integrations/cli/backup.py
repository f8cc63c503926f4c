"""``kbassist backup DEST`` and ``kbassist restore SRC``: a consistent snapshot of the data
directory, taken while servers run, and its restore into a new data directory."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.backup import BackupReport, backup, restore
from assistant.compose import Services


def _echo(report: BackupReport, verb: str, as_json: bool) -> None:
    if as_json:
        summary = {
            "path": str(report.path),
            "files": report.files,
            "bytes": report.bytes,
            "generation": report.generation,
            "left_out": report.left_out,
        }
        click.echo(json.dumps(summary))
        return
    click.echo(f"{verb} {report.files} files ({report.bytes:,} bytes) at {report.path}")
    for note in report.left_out:
        click.echo(f"not included: {note}")


@click.command(name="backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def backup_command(services: Services, dest: Path, as_json: bool) -> None:
    """Snapshot the data directory into DEST (a new folder), safe while servers run.

    Example: kbassist backup /backups/kbassist-2026-11-30
    """
    _echo(backup(services.settings, dest), "backed up", as_json)


@click.command(name="restore")
@click.argument("src", type=click.Path(path_type=Path, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def restore_command(services: Services, src: Path, as_json: bool) -> None:
    """Restore the backup SRC into the data directory, which must be new or empty.

    Example: kbassist --data-dir ./restored restore /backups/kbassist-2026-11-30
    """
    _echo(restore(services.settings, src), "restored", as_json)


def register(group: click.Group) -> None:
    group.add_command(backup_command)
    group.add_command(restore_command)
