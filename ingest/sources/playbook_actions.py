"""Playbook actions: checking a step's ``action`` or an escalation rule, and labelling it.

An action is a dict ``{"step": int | None, "kind": str, "label": str, ...fields}`` (JSON-ready).
A playbook's actions travel as a JSON list in chunk metadata (``actions``); ``decode_actions``
reads them back for the chunker and the answerers alike.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ingest.sources.fields import FieldError, as_mapping, as_text

# kind -> fields that must be present
ACTION_KINDS: dict[str, tuple[str, ...]] = {
    "escalate": ("team",),
    "refund": (),
    "request_info": ("what",),
    "link": ("url",),
    "form": ("url",),
    "macro": ("name",),
}


def parse_action(raw: object, step: int, field: str) -> dict[str, Any]:
    """The action of step ``step``; ``field`` names it in errors (e.g. ``steps[1].action``)."""
    action = as_mapping(raw, field)
    kind = as_text(action.get("kind"), f"{field}.kind", required=True).lower()
    if kind not in ACTION_KINDS:
        known = ", ".join(ACTION_KINDS)
        raise FieldError(f"{field}.kind", f"unknown action kind '{kind}' (known: {known})")
    fields: dict[str, Any] = {}
    for key, value in action.items():
        name = str(key)
        if name in ("kind", "label", "step") or value is None:
            continue
        if name == "max_amount":
            fields[name] = as_amount(value, f"{field}.max_amount")
        else:
            fields[name] = as_text(value, f"{field}.{name}")
    for name in ACTION_KINDS[kind]:
        if not fields.get(name):
            raise FieldError(f"{field}.{name}", f"is required for a '{kind}' action")
    if "currency" in fields:
        fields["currency"] = fields["currency"].upper()
    label = as_text(action.get("label"), f"{field}.label") or default_label(kind, fields)
    return {"step": step, "kind": kind, "label": label, **fields}


def decode_actions(value: object) -> list[dict[str, Any]]:
    """The actions in an ``actions`` metadata value (a JSON list); anything else gives []."""
    if not isinstance(value, str) or not value:
        return []
    try:
        decoded = json.loads(value)
    except json.JSONDecodeError:
        return []
    if not isinstance(decoded, list):
        return []
    return [action for action in decoded if isinstance(action, dict)]


def parse_escalation(raw: object, field: str) -> dict[str, Any]:
    """An escalation rule ``{when, to, within?}`` as an ``escalate`` action with step None."""
    rule = as_mapping(raw, field)
    when = as_text(rule.get("when"), f"{field}.when", required=True)
    team = as_text(rule.get("to"), f"{field}.to", required=True)
    within = as_text(rule.get("within"), f"{field}.within")
    label = as_text(rule.get("label"), f"{field}.label") or f"Escalate to {team}"
    action: dict[str, Any] = {"step": None, "kind": "escalate", "label": label, "team": team}
    action["when"] = when
    if within:
        action["within"] = within
    return action


def as_amount(value: object, field: str) -> int | float:
    """A non-negative finite number (a numeric string is accepted)."""
    number: int | float
    if isinstance(value, bool):
        raise FieldError(field, f"must be a number, got {value!r}")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            raise FieldError(field, f"must be a number, got '{value}'") from None
    else:
        raise FieldError(field, f"must be a number, got {type(value).__name__}")
    if not math.isfinite(number) or number < 0:
        raise FieldError(field, f"must be a non-negative number, got {value!r}")
    return int(number) if float(number).is_integer() else number


def default_label(kind: str, fields: dict[str, Any]) -> str:
    """A readable label for an action that was given none."""
    if kind == "escalate":
        return f"Escalate to {fields['team']}"
    if kind == "refund":
        amount = fields.get("max_amount")
        if amount is None:
            return "Refund"
        return f"Refund up to {amount} {fields.get('currency', '')}".rstrip()
    if kind == "request_info":
        return f"Ask the customer for: {fields['what']}"
    if kind == "link":
        return f"Send link: {fields['url']}"
    if kind == "form":
        return f"Open form: {fields.get('name') or fields['url']}"
    return f"Apply macro: {fields['name']}"
