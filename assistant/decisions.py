"""The rules for an agent's decision on a suggestion: what each action takes, the idempotency
key of a request, and the diff an edit leaves.

Pure functions; ``assistant.service`` applies them before anything is written.
"""

from __future__ import annotations

import difflib
import hashlib
import json

from assistant.errors import ErrorCode, KbassistError
from assistant.records import Decision, DecisionIn
from assistant.suggestion import Suggestion

_OPTIONAL = ("text", "reason", "citation_index", "rating")

# action -> (fields it needs, fields it may take besides those)
_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "accept": ((), ()),
    "edit": (("text",), ("reason",)),
    "override": (("text", "reason"), ()),
    "rate_citation": (("citation_index", "rating"), ("reason",)),
}

_NEEDS = {
    "text": "the agent's text",
    "reason": "a reason",
    "citation_index": "the citation_index of the citation rated",
    "rating": "a rating ('helpful' or 'wrong')",
}


def normalized(decision: DecisionIn) -> DecisionIn:
    """The decision with blank strings taken as absent."""
    blank = {
        name: None
        for name in ("text", "reason", "request_id")
        if isinstance(getattr(decision, name), str) and not getattr(decision, name).strip()
    }
    return decision.model_copy(update=blank) if blank else decision


def check_decision(decision: DecisionIn, suggestion: Suggestion) -> None:
    """Raise BAD_INPUT (naming the field) unless the decision fits its action and suggestion."""
    needed, allowed = _RULES[decision.action]
    for name in _OPTIONAL:
        present = getattr(decision, name) is not None
        if name in needed and not present:
            raise KbassistError(
                ErrorCode.BAD_INPUT, f"{name}: {decision.action} needs {_NEEDS[name]}"
            )
        if present and name not in needed and name not in allowed:
            raise KbassistError(ErrorCode.BAD_INPUT, f"{name}: {decision.action} takes no {name}")
    index = decision.citation_index
    if index is not None and not 1 <= index <= len(suggestion.citations):
        have = len(suggestion.citations)
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"citation_index: {index} is not a citation of this suggestion "
            + (f"(it has citations 1 to {have})" if have else "(it has none)"),
        )


def request_key(suggestion_id: str, decision: DecisionIn) -> str:
    """The client's request_id, or a hash of what was decided: the same request twice is one."""
    if decision.request_id:
        return f"client:{decision.request_id}"
    fields = [
        suggestion_id,
        decision.action,
        decision.agent,
        decision.text,
        decision.reason,
        decision.citation_index,
        decision.rating,
    ]
    return "sha256:" + hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def same_request(existing: Decision, suggestion_id: str, decision: DecisionIn) -> bool:
    """Whether a recorded decision is what this request asks for (a true duplicate)."""
    return existing.suggestion_id == suggestion_id and all(
        getattr(existing, name) == getattr(decision, name)
        for name in ("action", "agent", *_OPTIONAL)
    )


def edit_diff(answer: str, edited: str) -> str:
    """A unified diff from the suggestion's answer to the agent's edited text."""
    lines = difflib.unified_diff(
        answer.splitlines(), edited.splitlines(), "suggestion", "edited", lineterm=""
    )
    return "\n".join(lines)
