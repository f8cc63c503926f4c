"""``kbassist search``: ranked chunks for a query (retrieval only, no answer)."""

from __future__ import annotations

import json

import click

from assistant.compose import Services
from assistant.types import Audience, Filters
from ingest.sources.registry import SOURCE_TYPES


@click.command()
@click.argument("text")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--team",
    "teams",
    multiple=True,
    envvar="KBASSIST_TEAM",
    help="Team(s) of the asker; restricted content of other teams is never shown.",
)
@click.option(
    "--source-type",
    "source_types",
    multiple=True,
    type=click.Choice(SOURCE_TYPES),
)
@click.option("--product", "products", multiple=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.pass_obj
def search(
    services: Services,
    text: str,
    k: int,
    teams: tuple[str, ...],
    source_types: tuple[str, ...],
    products: tuple[str, ...],
    as_json: bool,
) -> None:
    """Search the knowledge base.

    Examples:

      kbassist search "customer charged twice" -k 5

      kbassist search "restore deleted invoice" --team tier2 --json
    """
    if not text.strip():
        raise click.BadParameter("the query is empty", param_hint="TEXT")
    filters = Filters(source_types, products)
    chunks = services.service.search(text, Audience.agent(*teams), filters, k)
    rows = [
        {
            "rank": rank,
            "score": round(chunk.score, 4),
            "doc_id": chunk.doc_id,
            "source_type": chunk.source_type,
            "title": chunk.title,
            "section": chunk.section,
            "chunk_id": chunk.chunk_id,
        }
        for rank, chunk in enumerate(chunks, 1)
    ]
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("no results")
    for row in rows:
        click.echo(
            f"{row['rank']:>2}. {row['score']:.3f}  {row['doc_id']} [{row['source_type']}] "
            f"{row['title']} > {row['section']}"
        )


def register(group: click.Group) -> None:
    group.add_command(search)
