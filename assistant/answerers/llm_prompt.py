"""What the LLM answerer sends: delimited, neutralised prompt variables and the output schema.

Every piece of outside text (passages, ticket, history, question) goes into the *user* message
inside its own delimiters; text inside that looks like one of the delimiters is neutralised so that
a passage cannot close its element and pose as instructions or as another passage.
"""

from __future__ import annotations

import html
import re
from typing import Any

from assistant.answerers import AnswerContext
from assistant.answerers.common import is_public
from assistant.retrieval import RetrievedChunk
from assistant.suggestion import Ticket, Turn

PROMPT_NAME = "answer"
PROMPT_VERSION = 1
PROMPT_VARIABLES = frozenset({"question", "history", "ticket", "passages"})

_LOOKALIKE = re.compile(r"<(\s*/?\s*)(passages?|ticket|history|turn|question)\b", re.IGNORECASE)


def neutralise(text: str) -> str:
    """``text`` with every delimiter look-alike (``<passage``, ``</ticket`` ...) defused."""
    return _LOOKALIKE.sub(lambda m: "&lt;" + m.group(1) + m.group(2), text)


def _attr(value: str) -> str:
    return html.escape(" ".join(value.split()), quote=True)


def render_passages(passages: list[RetrievedChunk]) -> str:
    blocks = []
    for number, chunk in enumerate(passages, start=1):
        attrs = {
            "id": str(number),
            "source": chunk.source_type or "unknown",
            "visibility": "public" if is_public(chunk) else "internal",
            "title": chunk.title,
            "section": chunk.section,
        }
        opening = " ".join(f'{k}="{_attr(v)}"' for k, v in attrs.items() if v)
        blocks.append(f"<passage {opening}>\n{neutralise(chunk.text.strip())}\n</passage>")
    return "<passages>\n" + "\n".join(blocks) + "\n</passages>"


def render_ticket(ticket: Ticket | None) -> str:
    if ticket is None or not (ticket.subject.strip() or ticket.description.strip()):
        return "(no ticket)"
    lines = [f"Subject: {ticket.subject.strip()}"]
    if ticket.product:
        lines.append(f"Product: {ticket.product}")
    if ticket.customer_tier:
        lines.append(f"Customer tier: {ticket.customer_tier}")
    lines += ["Description:", ticket.description.strip()]
    return "<ticket>\n" + neutralise("\n".join(lines)) + "\n</ticket>"


def render_history(history: tuple[Turn, ...], max_turns: int) -> str:
    turns = history[-max_turns:] if max_turns > 0 else ()
    if not turns:
        return "(no earlier turns)"
    body = "\n".join(f'<turn role="{t.role}">{neutralise(t.text.strip())}</turn>' for t in turns)
    return "<history>\n" + body + "\n</history>"


def render_question(question: str) -> str:
    if not question.strip():
        return "(no question: suggest how to handle the open ticket)"
    return "<question>\n" + neutralise(question.strip()) + "\n</question>"


def prompt_values(
    context: AnswerContext, passages: list[RetrievedChunk], max_history_turns: int
) -> dict[str, str]:
    return {
        "question": render_question(context.question),
        "history": render_history(context.history, max_history_turns),
        "ticket": render_ticket(context.ticket),
        "passages": render_passages(passages),
    }


def sentences_schema() -> dict[str, Any]:
    """A list of sentences, each with the passage numbers it cites (answers and drafts)."""
    return {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["text", "citations"],
            "properties": {
                "text": {"type": "string"},
                "citations": {"type": "array", "items": {"type": "integer"}},
            },
        },
    }


def answer_schema() -> dict[str, Any]:
    """The strict JSON schema of the model's reply (mirrors ``llm_output.LLMOutput``)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["abstain", "abstain_reason", "answer", "reply_draft", "confidence"],
        "properties": {
            "abstain": {"type": "boolean"},
            "abstain_reason": {"type": ["string", "null"]},
            "answer": sentences_schema(),
            "reply_draft": sentences_schema(),
            "confidence": {"type": "number"},
        },
    }
