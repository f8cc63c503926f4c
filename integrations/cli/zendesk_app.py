"""``kbassist zendesk-app``: build the Zendesk Support app package to upload as a private app."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from assistant.errors import ErrorCode, KbassistError
from integrations.zendesk_app.package import build


@click.command("zendesk-app")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--zip", "as_zip", is_flag=True, help="Also write DEST.zip, ready to upload.")
def zendesk_app(dest: Path, as_zip: bool) -> None:
    """Write the Zendesk app package (manifest, translations, the sidebar page) to DEST.

    Set domainWhitelist in DEST/manifest.json to your kbassist host before uploading.
    Example: kbassist zendesk-app build/zendesk-app --zip
    """
    try:
        build(dest)
    except FileExistsError:
        raise KbassistError(ErrorCode.BAD_INPUT, f"DEST: {dest} exists and is not empty") from None
    click.echo(f"wrote {dest}")
    if as_zip:
        archive = shutil.make_archive(str(dest), "zip", root_dir=dest)
        click.echo(f"wrote {archive}")


def register(group: click.Group) -> None:
    group.add_command(zendesk_app)
