"""The ``kbassist`` command line: one click group, one module per command group."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError

from assistant.compose import Services
from assistant.errors import KbassistError, validation_problems
from assistant.settings import ENV_PREFIXES, get_settings


class UserError(click.ClickException):
    """A ``ClickException`` with the exit code of its ``KbassistError`` code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]


class KbassistGroup(click.Group):
    """Turns ``KbassistError`` (and bad configuration) into a one-line message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbassistError as exc:
            raise UserError(exc.detail, exc.exit_code) from None
        except ValidationError as exc:
            raise UserError(f"invalid configuration: {_problems(exc)}", 4) from None
        except SettingsError as exc:  # a variable that is not valid JSON where JSON is expected
            raise UserError(f"invalid configuration: {_unparsable(exc)}", 4) from None


def _problems(exc: ValidationError) -> str:
    """Each problem as 'KBASSIST_FIELD: what is wrong' (the variable of the settings model)."""
    prefix = ENV_PREFIXES.get(exc.title, "KBASSIST_")
    return "; ".join(
        f"{prefix}{'_'.join(loc).upper()}: {message}" if loc else message
        for loc, message in validation_problems(exc.errors())
    )


def _unparsable(exc: SettingsError) -> str:
    """'KBASSIST_X: is not valid JSON' from pydantic-settings' 'error parsing value for field'."""
    found = re.search(r'field "(\w+)"', str(exc))
    if not found:
        return "a variable could not be parsed"
    field = found.group(1).upper()
    names = [f"{prefix}{field}" for prefix in dict.fromkeys(ENV_PREFIXES.values())]
    named = [name for name in names if name in os.environ] or names  # the one that is set
    return f"{' or '.join(named)}: is not valid JSON"


@click.group(cls=KbassistGroup)
@click.option(
    "--data-dir",
    envvar="KBASSIST_DATA_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the store and state live (default ./.kbassist).",
)
@click.version_option(package_name="kbassist")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """kbassist: answers for support agents from articles, playbooks and solved tickets."""
    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    ctx.obj = Services(settings)


def _register() -> None:
    from integrations.cli import (
        ask,
        eval,
        gaps,
        ingest,
        replay,
        search,
        serve,
        slack,
        status,
        zendesk_app,
    )

    for module in (ask, eval, gaps, ingest, replay, search, serve, slack, status, zendesk_app):
        module.register(cli)
    from integrations.cli import governance  # review-due, conflicts

    governance.register(cli)
    from integrations.cli import analytics  # usage analytics, content flags

    analytics.register(cli)
    from integrations.cli import drafts  # drafts generate, review list|show|approve|reject

    drafts.register(cli)
    from integrations.cli import tune  # tune the embedding model to the knowledge base

    tune.register(cli)
    from integrations.cli import backup  # backup DEST, restore SRC

    backup.register(cli)


_register()


def main() -> None:
    cli(prog_name="kbassist")
