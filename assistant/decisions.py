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

_OPTIONAL = ("text", "reply_text", "reason", "citation_index", "rating", "actions_done")

# action -> (fields it needs, fields it may take besides those); an edit needs text or
# reply_text (or both), checked apart
_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "accept": ((), ("actions_done",)),
    "edit": ((), ("text", "reply_text", "reason", "actions_done")),
    "override": (("text", "reason"), ("actions_done",)),
    "rate_citation": (("citation_index", "rating"), ("reason",)),
}

_NEEDS = {
    "text": "the agent's text",
    "reason": "a reason",
    "citation_index": "the citation_index of the citation rated",
    "rating": "a rating ('helpful' or 'wrong')",
}


def normalized(decision: DecisionIn) -> DecisionIn:
    """The decision with blank strings and no ticked actions taken as absent, and the ticked
    actions in order, once each."""
    update: dict[str, object] = {
        name: None
        for name in ("text", "reply_text", "reason", "request_id")
        if isinstance(getattr(decision, name), str) and not getattr(decision, name).strip()
    }
    if decision.actions_done is not None:
        update["actions_done"] = sorted(set(decision.actions_done)) or None
    return decision.model_copy(update=update) if update else decision


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
    if decision.action == "edit" and decision.text is None and decision.reply_text is None:
        raise KbassistError(
            ErrorCode.BAD_INPUT, "text: edit needs the edited answer (text) or reply (reply_text)"
        )
    for done in decision.actions_done or ():
        _check_index("actions_done", done, len(suggestion.next_actions), "next action")
    if decision.citation_index is not None:
        _check_index(
            "citation_index", decision.citation_index, len(suggestion.citations), "citation"
        )


def _check_index(field: str, index: int, have: int, what: str) -> None:
    """BAD_INPUT unless ``index`` names one of the suggestion's ``have`` items (from 1)."""
    if not 1 <= index <= have:
        raise KbassistError(
            ErrorCode.BAD_INPUT,
            f"{field}: {index} is not a {what} of this suggestion "
            + (f"(it has {what}s 1 to {have})" if have else "(it has none)"),
        )


def request_key(suggestion_id: str, decision: DecisionIn) -> str:
    """The client's request_id, or a hash of what was decided: the same request twice is one."""
    if decision.request_id:
        return f"client:{decision.request_id}"
    fields: list[object] = [suggestion_id, decision.action, decision.agent, decision.text]
    fields += [decision.reason, decision.citation_index, decision.rating]
    if decision.reply_text is not None or decision.actions_done is not None:  # (older keys stay)
        fields += [decision.reply_text, decision.actions_done]
    return "sha256:" + hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def same_request(existing: Decision, suggestion_id: str, decision: DecisionIn) -> bool:
    """Whether a recorded decision is what this request asks for (a true duplicate)."""
    return existing.suggestion_id == suggestion_id and all(
        getattr(existing, name) == getattr(decision, name)
        for name in ("action", "agent", *_OPTIONAL)
    )


def edit_diff(original: str, edited: str | None) -> str | None:
    """A unified diff from the suggestion's text (its answer, or its reply draft) to the agent's
    edited one; None when nothing was edited."""
    if edited is None:
        return None
    lines = difflib.unified_diff(
        original.splitlines(), edited.splitlines(), "suggestion", "edited", lineterm=""
    )
    return "\n".join(lines)
