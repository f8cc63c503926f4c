"""Reading what the app sent to the fake Slack API."""

from __future__ import annotations

import json
from typing import Any

from integrations.slack.blocks import ACCEPT, EDIT, OVERRIDE, SHARE


def texts(blocks: list[dict[str, Any]]) -> str:
    """All mrkdwn/plain text of some blocks, one string."""
    out: list[str] = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [e.get("text", "") for e in block.get("elements", []) if block["type"] == "context"]
    return "\n".join(out)


def button_values(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action_id -> value of every button."""
    return {
        e["action_id"]: e["value"]
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    }


def suggestion_id(blocks: list[dict[str, Any]]) -> str:
    values = button_values(blocks)
    ids = {values[a] for a in (ACCEPT, EDIT, OVERRIDE, SHARE) if a in values}
    assert len(ids) == 1, values
    return ids.pop()


def dumped(args: dict[str, Any]) -> str:
    return json.dumps(args)
