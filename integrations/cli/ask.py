"""``kbassist ask``: a cited suggestion for a question."""

from __future__ import annotations

import os

import click

from assistant.access import Audience
from assistant.compose import Services
from assistant.suggestion import NO_REPLY_DRAFT, AskRequest, Suggestion


def render(suggestion: Suggestion) -> str:
    if suggestion.abstained:
        return (
            f"{suggestion.answer}\n({suggestion.reason})\nconfidence: {suggestion.confidence:.2f}"
        )
    lines = [suggestion.answer, "", "Sources:"]
    for c in suggestion.citations:
        stale = "  (stale: past its review date)" if c.stale else ""
        where = f" > {c.subsection()}" if c.subsection() else ""
        lines.append(f"  [{c.index}] {c.title}{where}  {c.url}{stale}".rstrip())
    if suggestion.next_actions:
        lines += ["", "Next actions:"]
        for a in suggestion.next_actions:
            step = f" step {a.step}" if a.step else ""
            lines.append(f"  - {a.label} ({a.kind}; {a.playbook_id}{step})")
    if suggestion.reply_draft:
        lines += ["", "Reply draft:", suggestion.reply_draft]
    else:
        lines += ["", NO_REPLY_DRAFT]
    lines += ["", f"confidence: {suggestion.confidence:.2f} ({suggestion.answerer})"]
    if suggestion.fallback_reason:
        lines.append(f"note: the LLM was not used ({suggestion.fallback_reason})")
    return "\n".join(lines)


@click.command()
@click.argument("question")
@click.option(
    "--team",
    "teams",
    multiple=True,
    envvar="KBASSIST_TEAM",
    help="Team(s) of the asker; decides which restricted content may be used.",
)
@click.option("--product", "products", multiple=True, help="Only use content of this product.")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestion as JSON.")
@click.option(
    "--no-record",
    is_flag=True,
    envvar="KBASSIST_NO_RECORD",
    help="Do not keep this suggestion in the suggestion store.",
)
@click.option(
    "--agent",
    default=lambda: os.environ.get("USER") or "cli",
    show_default="$USER",
    envvar="KBASSIST_AGENT",
    help="Who asks, as recorded with the suggestion.",
)
@click.pass_obj
def ask(
    services: Services,
    question: str,
    teams: tuple[str, ...],
    products: tuple[str, ...],
    as_json: bool,
    no_record: bool,
    agent: str,
) -> None:
    """Ask the knowledge base; get a cited answer, next actions and a reply draft.

    Examples:

      kbassist ask "A customer was charged twice, what do I do?"

      kbassist ask "How do we restore a deleted invoice?" --team tier2 --json
    """
    if not question.strip():
        raise click.BadParameter("the question is empty", param_hint="QUESTION")
    request = AskRequest(question=question, products=list(products))
    record = services.service.suggest(
        request, Audience.agent(*teams), channel="cli", asker=agent, record=not no_record
    )
    if as_json:
        click.echo(record.suggestion.model_dump_json(indent=2))
    else:
        click.echo(render(record.suggestion))
        if record.id:
            click.echo(f"suggestion id: {record.id}")


def register(group: click.Group) -> None:
    group.add_command(ask)
