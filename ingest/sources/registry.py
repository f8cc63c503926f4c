"""The source-type registry: one row per kind of knowledge, and everything that depends on it.

Each source type names its file patterns, its parser, how its documents are chunked and the flags
that answering reads (instead of testing ``source_type`` strings). ``SOURCE_TYPES``, the CLI's
``--source-type`` choices, request validation and ``kbassist status`` all derive from this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceFlags:
    """What answering needs to know about a source type's chunks."""

    # A retrieved chunk brings all of its document's step chunks (next actions cite their step).
    expand_steps: bool = False
    # Answer from this sibling section of the document, not from the chunk that matched
    # (a ticket's "Resolution": the customer's own words are not an answer).
    answer_section: str | None = None
    # Sections in the customer's own words: they may match a question, never answer it.
    customer_sections: tuple[str, ...] = ()
    # Sections for agents only: they may inform an agent, never open an answer or reach a reply.
    internal_sections: tuple[str, ...] = ()
    # Written for agents to answer from (articles, playbooks), as opposed to a record of one case.
    agent_facing: bool = True


FLAGS: dict[str, SourceFlags] = {
    "article": SourceFlags(),
    "playbook": SourceFlags(expand_steps=True),
    "ticket": SourceFlags(
        answer_section="Resolution",
        customer_sections=("Problem",),
        internal_sections=("Internal notes",),
        agent_facing=False,
    ),
    "collection": SourceFlags(),
}


def flags_of(source_type: str) -> SourceFlags:
    """The flags of a source type (an unknown one gets the defaults of an article)."""
    return FLAGS.get(source_type, SourceFlags())
