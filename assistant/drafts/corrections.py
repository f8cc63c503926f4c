"""Agents' corrections turned into review items.

- Edits: each changed sentence is attributed to the passage it cited (``attribution``); when at
  least ``min_suggestions`` suggestions changed the same passage (document and section), a fix
  proposal opens for it: the current text, the agents' versions, a proposed replacement (the
  latest version) and the suggestions it came from.
- Overrides whose reason says the content is wrong or outdated flag the cited documents on their
  proposals (and, from ``min_suggestions`` such overrides on, open one).
- Overrides of abstained questions: the questions are clustered by meaning; a cluster of at least
  ``min_suggestions`` becomes an article draft (the question and the agents' answers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from assistant.drafts.attribution import attribute
from assistant.records import Decision, SuggestionRecord
from assistant.suggestion import Citation
from assistant.suggestion_db import DECISIONS, SqlSuggestionStore

FLAGGING = re.compile(
    r"\b(wrong|outdated|out of date|out-of-date|incorrect|no longer|obsolete|inaccurate|stale)\b",
    re.IGNORECASE,
)


@dataclass
class PassageEdits:
    """Every change agents made to one passage (document and section)."""

    citation: Citation
    versions: list[dict[str, Any]] = field(default_factory=list)  # {suggestion_id, agent, text}
    originals: list[str] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)  # {suggestion_id, agent, reason}

    @property
    def suggestions(self) -> set[str]:
        return {v["suggestion_id"] for v in self.versions} | {
            f["suggestion_id"] for f in self.flags
        }


@dataclass
class Overridden:
    """An override of an abstained question: the question and the agent's own answer."""

    suggestion_id: str
    question: str
    answer: str
    agent: str


@dataclass
class Corrections:
    passages: dict[tuple[str, str], PassageEdits] = field(default_factory=dict)
    abstained: list[Overridden] = field(default_factory=list)


def decisions_on_record(
    suggestions: SqlSuggestionStore,
) -> Iterator[tuple[SuggestionRecord, Decision]]:
    """Every edit and override with its suggestion, oldest first."""
    query = (
        select(DECISIONS.c.suggestion_id)
        .where(DECISIONS.c.action.in_(("edit", "override")))
        .group_by(DECISIONS.c.suggestion_id)
    )
    with suggestions.engine.connect() as conn:
        ids = [row[0] for row in conn.execute(query)]
    for suggestion_id in ids:
        saved = suggestions.load(suggestion_id)
        if saved is None:
            continue
        for decision in suggestions.decisions(suggestion_id):
            if decision.action in ("edit", "override"):
                yield saved.record, decision


def collect(suggestions: SqlSuggestionStore) -> Corrections:
    found = Corrections()
    for record, decision in decisions_on_record(suggestions):
        suggestion = record.suggestion
        if decision.action == "edit" and decision.text:
            for change in attribute(suggestion.answer, decision.text, suggestion.citations):
                edits = _passage(found, change.citation)
                edits.originals.append(change.original)
                edits.versions.append(
                    {
                        "suggestion_id": record.id,
                        "agent": decision.agent,
                        "original": change.original,
                        "text": change.replacement,
                    }
                )
        elif decision.action == "override":
            if suggestion.abstained and decision.text:
                found.abstained.append(
                    Overridden(record.id, record.request.text(), decision.text, decision.agent)
                )
            if decision.reason and FLAGGING.search(decision.reason):
                for citation in suggestion.citations:
                    _passage(found, citation).flags.append(
                        {
                            "suggestion_id": record.id,
                            "agent": decision.agent,
                            "reason": decision.reason,
                            "text": decision.text or "",
                        }
                    )
    return found


def _passage(found: Corrections, citation: Citation) -> PassageEdits:
    key = (citation.doc_id, citation.section)
    if key not in found.passages:
        found.passages[key] = PassageEdits(citation)
    return found.passages[key]
