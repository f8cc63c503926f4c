"""``kbassist tune``: adapt the embedding model to the store's knowledge base (assistant.tuning)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.compose import Services
from assistant.errors import ErrorCode, KbassistError
from assistant.tuning.pairs import bm25_search
from assistant.tuning.train import TrainConfig
from assistant.tuning.tune import EvalItem, Tuner
from assistant.tuning.votes import SqlDecisions
from evals.gold import GoldSet, load_beir, load_gold
from integrations.cli.progress import progress_bar


def gold_items(gold: Path | None, dataset: Path | None) -> tuple[list[EvalItem] | None, list[str]]:
    """(dev items to judge on, every question of the set: never trained on)."""
    if gold is None and dataset is None:
        return None, []
    if gold is not None and dataset is not None:
        raise click.UsageError("give --gold FILE or --dataset FOLDER, not both")
    loaded: GoldSet = load_gold(gold) if gold is not None else load_beir(dataset)  # type: ignore[arg-type]
    questions = [q for item in loaded.items for q in (item.question, *item.history) if q]
    questions += [f"{i.ticket.subject}\n{i.ticket.description}" for i in loaded.items if i.ticket]
    dev = [
        EvalItem(item.question or "", dict(item.relevant))
        for item in loaded.split("dev")
        if item.relevant and item.question
    ]
    if not dev:
        raise KbassistError(
            ErrorCode.BAD_INPUT, f"{gold or dataset}: no dev items with relevant documents"
        )
    return dev, questions


@click.command("tune")
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Judge on this gold set's dev items (its questions are never trained on).",
)
@click.option(
    "--dataset",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Judge on a BEIR-style folder's dev split instead.",
)
@click.option("--max-steps", type=int, default=2000, show_default=True)
@click.option("--max-minutes", type=float, default=20.0, show_default=True)
@click.option("--epochs", type=float, default=1.0, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=2), default=32, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--dry-run", is_flag=True, help="Train and report, adopt nothing.")
@click.option("--rollback", is_flag=True, help="Go back to the model adopted before this one.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.pass_obj
def tune(
    services: Services,
    gold: Path | None,
    dataset: Path | None,
    max_steps: int,
    max_minutes: float,
    epochs: float,
    batch_size: int,
    seed: int,
    dry_run: bool,
    rollback: bool,
    as_json: bool,
) -> None:
    """Fine-tune the embedding model on pairs made from the knowledge base (headings and their
    sections, sentences and their passages, ticket problems and resolutions, playbook triggers
    and steps) and from agents' accepted and rated citations. The tuned model is kept under
    <data-dir>/models with its sha256 and a card, and adopted (the store re-embedded) only if it
    beats the current model on the gold set's dev items, or without one on held-out
    pseudo-queries.

    \b
      kbassist tune --dry-run
      kbassist tune --dataset ../shared/evaldata/emanual_tv --max-minutes 10
      kbassist tune --rollback
    """
    decisions = SqlDecisions(services.suggestion_store)
    search = bm25_search(services.lexical)  # hard negatives
    tuner = Tuner(services.settings, services.store, decisions, search)
    if rollback:
        click.echo(f"rolled back: the store is embedded with {tuner.rollback()} again")
        return
    dev, questions = gold_items(gold, dataset)
    config = TrainConfig(
        max_steps=max_steps,
        max_minutes=max_minutes,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )
    with progress_bar("Tuning") as progress:
        report = tuner.tune(config, dev, questions, dry_run=dry_run, progress=progress)
    if as_json:
        click.echo(json.dumps(report.to_dict()))
        return
    pairs = ", ".join(f"{k} {v}" for k, v in report.pairs.items())
    click.echo(f"pairs: {pairs}")
    click.echo(
        f"trained {report.steps} steps in {report.train_s:.0f} s (stopped by {report.stopped_by})"
    )
    click.echo(f"judged on {report.judged_on}:")
    for name in ("ndcg@10", "mrr@10"):
        click.echo(f"  {name}  {report.before[name]:.3f} -> {report.after[name]:.3f}")
    click.echo(f"model: {report.model_dir} (sha256 {report.sha256[:12]}…)")
    click.echo(
        report.reason + (f" (re-embedded in {report.re_embed_s:.0f} s)" if report.adopted else "")
    )


def register(group: click.Group) -> None:
    group.add_command(tune)
