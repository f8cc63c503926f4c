"""``kbassist status``: what the store holds."""

from __future__ import annotations

import json
from typing import Any

import click

from assistant.compose import Services


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def status(services: Services, as_json: bool) -> None:
    """Documents and chunks per source type, the model and the store location.

    Example: kbassist status --json
    """
    state = services.service.status()
    summary: dict[str, Any] = {
        "documents": state.documents,
        "chunks": state.chunks,
        "model": services.settings.embed_model,
        "store": state.location,
        "collection": services.settings.chroma_collection,
    }
    if as_json:
        click.echo(json.dumps(summary))
        return
    click.echo(f"store: {summary['store']} (collection {summary['collection']})")
    click.echo(f"model: {summary['model']}")
    for source_type in state.documents:
        click.echo(
            f"  {source_type:<11} {summary['documents'][source_type]:>6} documents"
            f" {summary['chunks'][source_type]:>7} chunks"
        )


def register(group: click.Group) -> None:
    group.add_command(status)
