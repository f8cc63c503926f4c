"""Per-source options on the command line (``kbassist ingest`` and ``kbassist eval --kb``): the
settings a ``kbassist.yaml`` at a source root gives, for a root where one cannot be written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ingest.sources import SourceOptions
from ingest.sources.fields import FieldError
from ingest.sources.source_config import SOURCE_KINDS, options_from

F = TypeVar("F", bound=Callable[..., Any])
_NAMES = ("source_type", "base_url", "visibility", "owner", "product", "include", "exclude")


def source_options(command: F) -> F:
    """Add the per-source options to a command (they arrive as keyword arguments)."""
    decorators = [
        click.option(
            "--source-type",
            type=click.Choice(SOURCE_KINDS),
            help="docs: a documentation site's Markdown (no ids needed; a base URL implies it).",
        ),
        click.option("--base-url", help="Page URL = this + the page's path (docs sites)."),
        click.option("--visibility", help="Default visibility: public, internal or team:NAME."),
        click.option("--owner", help="Default owner of the documents."),
        click.option("--product", help="Default product of the documents."),
        click.option("--include", multiple=True, help="Only files matching this glob (repeat)."),
        click.option("--exclude", multiple=True, help="Leave out files matching this glob."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def pop_source_options(kwargs: dict[str, Any]) -> SourceOptions | None:
    """The per-source options given (removed from ``kwargs``), or None when none was."""
    values = {name: kwargs.pop(name) for name in _NAMES}
    raw = {("type" if k == "source_type" else k): v for k, v in values.items() if v}
    if not raw:
        return None
    raw = {k: list(v) if isinstance(v, tuple) else v for k, v in raw.items()}
    try:
        return options_from(raw)
    except FieldError as exc:
        flag = "--source-type" if exc.field == "type" else "--" + exc.field.replace("_", "-")
        raise click.BadParameter(exc.message, param_hint=flag) from exc
