"""Next actions in Slack: each with what it asks for, and a checklist to tick the ones done.

A message lists the actions with their details (the escalation team, the refund limit, what to
ask the customer for, the macro) and link and form actions as ``<url|label>`` links; below them a
``checkboxes`` element (one option per action, its value the 1-based index into
``next_actions``) lets the agent tick what they did. A click on Accept, Edit or Override carries
the message's input state in ``body["state"]["values"]``; ``ticked`` reads the ticks from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.formatting import slack_escape, slack_link, to_mrkdwn, to_plain
from assistant.suggestion import NextAction

ACTIONS_BLOCK = "kb_actions"
ACTION_DONE = "kb_action_done"
_MAX_OPTIONS = 10  # Slack's limit for a checkboxes element
_OPTION_MAX = 75  # and for an option's text


def amount(value: object) -> str:
    """``500`` -> ``500.00``, ``1250.5`` -> ``1,250.50`` (as the sidebar writes amounts)."""
    try:
        return f"{float(str(value)):,.2f}"
    except ValueError:
        return str(value)


def _text(details: dict[str, Any], name: str) -> str:
    value = details.get(name)
    return str(value).strip() if isinstance(value, str | int | float) else ""


def details(action: NextAction) -> list[str]:
    """What ``action`` asks for beyond its label, as mrkdwn (nothing that repeats the label)."""
    d, kind = action.details, action.kind
    out: list[str] = []
    if kind == "escalate" and _text(d, "team"):
        within = f" within {slack_escape(_text(d, 'within'))}" if _text(d, "within") else ""
        out.append(f"Escalate to *{slack_escape(_text(d, 'team'))}*{within}")
        if _text(d, "when"):
            out.append(f"when: {slack_escape(_text(d, 'when'))}")
    elif kind == "refund" and _text(d, "max_amount"):
        limit = f"{amount(d['max_amount'])} {slack_escape(_text(d, 'currency'))}".strip()
        out.append(f"Limit: up to *{limit}*")
    elif kind == "request_info" and _text(d, "what"):
        out.append(f"Ask the customer for: {slack_escape(_text(d, 'what'))}")
    elif kind == "macro" and _text(d, "name"):
        out.append(f"Macro: {slack_escape(_text(d, 'name'))}")
    elif kind in ("link", "form") and _text(d, "url"):
        shown = _text(d, "name") or to_plain(action.label) or _text(d, "url")
        opened = slack_link(
            _text(d, "url"), f"{'Open form' if kind == 'form' else 'Open'}: {shown}"
        )
        out.append(opened if opened.startswith("<") else f"{opened} (no web address to open)")
    label = slack_escape(to_plain(action.label).strip().lower())
    return [line for line in out if line.replace("*", "").lower() != label]


def action_line(index: int, action: NextAction, done: bool = False) -> str:
    """``1. Label _(kind)_ [n] — details`` (``:white_check_mark:`` first when it was done)."""
    cite = f" [{action.citation}]" if action.citation else ""
    mark = ":white_check_mark: " if done else ""
    more = " — " + " · ".join(details(action)) if details(action) else ""
    return f"{mark}{index}. {to_mrkdwn(action.label)} _({action.kind})_{cite}{more}"


def action_lines(actions: Sequence[NextAction], done: Sequence[int] = ()) -> list[str]:
    return [action_line(i, a, i in done) for i, a in enumerate(actions, start=1)]


def _option(index: int, action: NextAction) -> dict[str, Any]:
    text = " ".join(f"{index}. {to_plain(action.label)}".split())
    if len(text) > _OPTION_MAX:
        text = text[: _OPTION_MAX - 1].rstrip() + "…"
    return {"text": {"type": "plain_text", "text": text}, "value": str(index)}


def checkbox_block(actions: Sequence[NextAction], done: Sequence[int] = ()) -> dict[str, Any]:
    """The checklist: one option per action (the first ten), ``done`` ones ticked."""
    options = [_option(i, a) for i, a in enumerate(actions[:_MAX_OPTIONS], start=1)]
    element: dict[str, Any] = {"type": "checkboxes", "action_id": ACTION_DONE, "options": options}
    ticked_options = [o for o in options if int(o["value"]) in done]
    if ticked_options:  # Slack refuses an empty initial_options
        element["initial_options"] = ticked_options
    return {"type": "actions", "block_id": ACTIONS_BLOCK, "elements": [element]}


def ticked(body: dict[str, Any]) -> list[int]:
    """The ticked actions (1-based, in order) in a ``block_actions`` payload's input state;
    [] when the message has no checklist or nothing is ticked."""
    values = (body.get("state") or {}).get("values") or {}
    state = (values.get(ACTIONS_BLOCK) or {}).get(ACTION_DONE) or {}
    found: set[int] = set()
    for option in state.get("selected_options") or []:
        value = str((option or {}).get("value", ""))
        if value.isdigit() and int(value) > 0:
            found.add(int(value))
    return sorted(found)
