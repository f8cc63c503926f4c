"""The Edit and Override modals, and reading their submissions: pure functions."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from assistant.errors import ErrorCode, KbassistError
from integrations.slack.blocks import Block, clip

EDIT_VIEW = "kb_edit_view"
OVERRIDE_VIEW = "kb_override_view"
TEXT_BLOCK = "kb_text"
REASON_BLOCK = "kb_reason"
_INPUT = "value"
_INPUT_MAX = 3000  # Slack's limit for a plain_text_input


@dataclass(frozen=True)
class MessageRef:
    """Which suggestion a modal is about, and the message to update once it is submitted.

    An ephemeral message cannot be updated with ``chat.update``: it is replaced through its
    ``response_url`` instead.
    """

    suggestion_id: str
    channel: str
    ts: str | None = None
    response_url: str | None = None

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> MessageRef:
        try:
            data = json.loads(text)
            return cls(
                suggestion_id=str(data["suggestion_id"]),
                channel=str(data["channel"]),
                ts=data.get("ts"),
                response_url=data.get("response_url"),
            )
        except (ValueError, KeyError, TypeError):
            raise KbassistError(ErrorCode.BAD_INPUT, "this form is out of date") from None

    @classmethod
    def from_action(cls, body: dict[str, Any], suggestion_id: str) -> MessageRef:
        """From a ``block_actions`` payload (a normal or an ephemeral message)."""
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        ts = (body.get("message") or {}).get("ts") or container.get("message_ts")
        ephemeral = bool(container.get("is_ephemeral"))
        return cls(suggestion_id, channel, ts, body.get("response_url") if ephemeral else None)


def _text_input(
    block_id: str, label: str, initial: str = "", multiline: bool = True, limit: int = _INPUT_MAX
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": _INPUT,
        "multiline": multiline,
        "max_length": limit,
    }
    if initial:
        element["initial_value"] = clip(initial, _INPUT_MAX)
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def _modal(callback_id: str, title: str, ref: MessageRef, blocks: list[Block]) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": ref.dumps(),
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def edit_view(ref: MessageRef, answer: str) -> Block:
    """The Edit modal, prefilled with the suggested answer."""
    return _modal(EDIT_VIEW, "Edit the answer", ref, [_text_input(TEXT_BLOCK, "Answer", answer)])


def override_view(ref: MessageRef) -> Block:
    """The Override modal: the agent's own answer and why the suggestion was wrong."""
    return _modal(
        OVERRIDE_VIEW,
        "Override the answer",
        ref,
        [
            _text_input(TEXT_BLOCK, "Your answer"),
            _text_input(REASON_BLOCK, "Why was the suggestion wrong?", multiline=False, limit=2000),
        ],
    )


def submitted(view: dict[str, Any], block_id: str) -> str:
    """The text typed into one input of a submitted modal ("" when absent)."""
    values = (view.get("state") or {}).get("values") or {}
    value = (values.get(block_id) or {}).get(_INPUT) or {}
    return str(value.get("value") or "").strip()
