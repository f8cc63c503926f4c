"""The Edit and Override modals, and reading their submissions: pure functions.

The Edit modal has two inputs, the answer and the reply draft (as plain text), each prefilled; a
submission records the ones that differ from what was prefilled. The actions ticked on the
message when the button was pressed travel in ``private_metadata`` with the message reference.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from assistant.errors import ErrorCode, KbassistError
from assistant.formatting import to_plain
from assistant.suggestion import NextAction, Suggestion
from integrations.slack.blocks import Block, clip
from integrations.slack.checklist import ticked

EDIT_VIEW = "kb_edit_view"
OVERRIDE_VIEW = "kb_override_view"
TEXT_BLOCK = "kb_text"
REPLY_BLOCK = "kb_reply"
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
    actions_done: tuple[int, ...] = ()  # ticked on the message when the button was pressed

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
                actions_done=tuple(int(i) for i in data.get("actions_done") or ()),
            )
        except (ValueError, KeyError, TypeError):
            raise KbassistError(ErrorCode.BAD_INPUT, "this form is out of date") from None

    @classmethod
    def from_action(cls, body: dict[str, Any], suggestion_id: str) -> MessageRef:
        """From a ``block_actions`` payload (a normal or an ephemeral message), with the actions
        ticked on the message."""
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        ts = (body.get("message") or {}).get("ts") or container.get("message_ts")
        ephemeral = bool(container.get("is_ephemeral"))
        url = body.get("response_url") if ephemeral else None
        return cls(suggestion_id, channel, ts, url, tuple(ticked(body)))


def _text_input(
    block_id: str,
    label: str,
    initial: str = "",
    multiline: bool = True,
    limit: int = _INPUT_MAX,
    optional: bool = False,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": _INPUT,
        "multiline": multiline,
        "max_length": limit,
    }
    if initial:
        element["initial_value"] = clip(initial, _INPUT_MAX)
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }
    if optional:
        block["optional"] = True
    return block


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


def _done_note(ref: MessageRef, actions: Sequence[NextAction]) -> list[Block]:
    """A line that names the actions ticked on the message (recorded with the decision)."""
    names = [
        f"{i}. {to_plain(actions[i - 1].label)}" for i in ref.actions_done if i <= len(actions)
    ]
    if not names:
        return []
    text = "Recorded as done with it: " + "; ".join(names)
    return [{"type": "context", "elements": [{"type": "plain_text", "text": clip(text, 1900)}]}]


def answer_prefill(suggestion: Suggestion) -> str:
    return clip(suggestion.answer, _INPUT_MAX)


def reply_prefill(suggestion: Suggestion) -> str:
    """The reply draft as the customer reads it: plain text, no Markdown or citation marks."""
    return clip(to_plain(suggestion.reply_draft), _INPUT_MAX)


def edit_view(ref: MessageRef, suggestion: Suggestion) -> Block:
    """The Edit modal: the suggested answer and reply draft, each prefilled and editable."""
    reply = reply_prefill(suggestion)
    inputs = [
        _text_input(TEXT_BLOCK, "Answer", answer_prefill(suggestion)),
        _text_input(REPLY_BLOCK, "Reply draft to the customer", reply, optional=not reply),
    ]
    done = _done_note(ref, suggestion.next_actions)
    return _modal(EDIT_VIEW, "Edit the suggestion", ref, [*inputs, *done])


def override_view(ref: MessageRef, suggestion: Suggestion | None = None) -> Block:
    """The Override modal: the agent's own answer and why the suggestion was wrong."""
    done = _done_note(ref, suggestion.next_actions) if suggestion else []
    return _modal(
        OVERRIDE_VIEW,
        "Override the answer",
        ref,
        [
            _text_input(TEXT_BLOCK, "Your answer"),
            _text_input(REASON_BLOCK, "Why was the suggestion wrong?", multiline=False, limit=2000),
            *done,
        ],
    )


def submitted(view: dict[str, Any], block_id: str) -> str:
    """The text typed into one input of a submitted modal ("" when absent)."""
    values = (view.get("state") or {}).get("values") or {}
    value = (values.get(block_id) or {}).get(_INPUT) or {}
    return str(value.get("value") or "").strip()


def prefilled(view: dict[str, Any], block_id: str) -> str:
    """What one input of a submitted modal was prefilled with (the view carries its blocks)."""
    for block in view.get("blocks") or []:
        if block.get("block_id") == block_id:
            return str((block.get("element") or {}).get("initial_value") or "").strip()
    return ""


def changed(view: dict[str, Any], block_id: str) -> str | None:
    """The submitted text of an input when it differs from what it was prefilled with (None
    when it does not, or when the form has no such input)."""
    values = (view.get("state") or {}).get("values") or {}
    if block_id not in values:
        return None
    text = submitted(view, block_id)
    return text if text != prefilled(view, block_id) else None
