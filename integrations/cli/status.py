"""``kbassist status``: what the store holds."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import click

from ingest.model import SOURCE_TYPES
from integrations.wiring import Services


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def status(services: Services, as_json: bool) -> None:
    """Documents and chunks per source type, the model and the store location.

    Example: kbassist status --json
    """
    docs = Counter(services.ingestor.document_types().values())
    chunks = services.store.chunk_counts("source_type")
    summary: dict[str, Any] = {
        "documents": {t: docs.get(t, 0) for t in SOURCE_TYPES},
        "chunks": {t: chunks.get(t, 0) for t in SOURCE_TYPES},
        "model": services.settings.embed_model,
        "store": services.store.location,
        "collection": services.settings.chroma_collection,
    }
    if as_json:
        click.echo(json.dumps(summary))
        return
    click.echo(f"store: {summary['store']} (collection {summary['collection']})")
    click.echo(f"model: {summary['model']}")
    for source_type in SOURCE_TYPES:
        click.echo(
            f"  {source_type:<11} {summary['documents'][source_type]:>6} documents"
            f" {summary['chunks'][source_type]:>7} chunks"
        )


def register(group: click.Group) -> None:
    group.add_command(status)
