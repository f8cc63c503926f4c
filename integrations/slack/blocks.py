"""Block Kit for a suggestion: pure functions, no Slack calls.

A message shows the answer, its citations as ``<url|title>`` links with their snippets, the next
actions with their details and a checklist to tick them (``checklist``), the reply draft and the
confidence, then buttons whose ``value`` is the suggestion id. After a decision the message keeps
the answer (or the agent's own text) and the checklist, and says who decided.

Knowledge-base text (answer, snippets, actions, draft) is Markdown: it goes through
``to_mrkdwn``, which also escapes Slack's control characters and keeps mentions inert.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from assistant.formatting import slack_escape, slack_link, to_mrkdwn
from assistant.suggestion import NO_REPLY_DRAFT, Citation, Suggestion
from integrations.slack import checklist

Block = dict[str, Any]

ACCEPT = "kb_accept"
EDIT = "kb_edit"
OVERRIDE = "kb_override"
SHARE = "kb_share"
DECIDE_BLOCK = "kb_decide"

_SECTION_MAX = 2900  # Slack allows 3000 characters in a section's text
_FALLBACK_MAX = 3000
_SNIPPET_MAX = 200

Decided = Literal["accept", "edit", "override"]


def escape(text: str) -> str:
    """Plain text (not Markdown) for mrkdwn: Slack's three control characters escaped."""
    return slack_escape(text)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters of mrkdwn, never cut inside a ``<link>`` or an ``&entity;``."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    amp = cut.rfind("&")
    if amp >= 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def link(url: str, title: str) -> str:
    """``<url|title>`` for an http(s) or mailto URL; the bare (escaped) title otherwise."""
    return slack_link(url, title or url)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, _SECTION_MAX)}}


def _context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(t, 1900)} for t in texts if t],
    }


def _button(action_id: str, label: str, suggestion_id: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": suggestion_id,
    }
    if style:
        button["style"] = style
    return button


def answer_block(suggestion: Suggestion) -> Block:
    text = to_mrkdwn(suggestion.answer)
    if suggestion.abstained:
        why = f"\n_{escape(suggestion.reason)}_" if suggestion.reason else ""
        return _section(f":thinking_face: {text}{why}")
    return _section(text)


def citation_line(citation: Citation) -> str:
    section = citation.subsection()
    where = f" › {escape(section)}" if section else ""
    stale = "  :warning: _stale_" if citation.stale else ""
    return f"[{citation.index}] {link(citation.url, citation.title)}{where}{stale}"


def snippet_line(citation: Citation) -> str:
    """The citation's snippet as one quoted mrkdwn line ("" when it has none)."""
    snippet = " ".join(to_mrkdwn(citation.snippet).split())
    return f">{clip(snippet, _SNIPPET_MAX)}" if snippet else ""


def citation_blocks(suggestion: Suggestion) -> list[Block]:
    if not suggestion.citations:
        return []
    lines = "\n".join(
        "\n".join(filter(None, (citation_line(c), snippet_line(c)))) for c in suggestion.citations
    )
    return [_section(f"*Sources*\n{lines}")]


def next_action_blocks(suggestion: Suggestion, done: Sequence[int] = ()) -> list[Block]:
    """The actions with their details, then the checklist to tick the ones done."""
    if not suggestion.next_actions:
        return []
    lines = checklist.action_lines(suggestion.next_actions, done)
    heading = "*Next actions* (tick what you did: it is recorded with your decision)"
    return [
        _section(heading + "\n" + "\n".join(lines)),
        checklist.checkbox_block(suggestion.next_actions, done),
    ]


def draft_blocks(suggestion: Suggestion, draft: str | None = None) -> list[Block]:
    """The reply draft (``draft``, when given, instead of the suggestion's own)."""
    text = suggestion.reply_draft if draft is None else draft
    if not text.strip():
        return []
    quoted = "\n".join(f">{line}" for line in to_mrkdwn(text).splitlines())
    return [_section(f"*Reply draft*\n{quoted}")]


def confidence_block(suggestion: Suggestion) -> Block:
    notes = [f"Confidence {suggestion.confidence:.2f} · {escape(suggestion.answerer)}"]
    if suggestion.fallback_reason:
        notes.append("the LLM was not used for this answer")
    if suggestion.stale_sources:
        notes.append(f":warning: {len(suggestion.stale_sources)} source(s) past their review date")
    return _context(" · ".join(notes))


def buttons(suggestion_id: str, *, accept: bool = True, share: bool = False) -> Block:
    elements = []
    if accept:
        elements.append(_button(ACCEPT, "Accept", suggestion_id, "primary"))
    elements += [_button(EDIT, "Edit", suggestion_id), _button(OVERRIDE, "Override", suggestion_id)]
    if share:
        elements.append(_button(SHARE, "Share in channel", suggestion_id))
    return {"type": "actions", "block_id": DECIDE_BLOCK, "elements": elements}


def suggestion_blocks(
    suggestion: Suggestion, suggestion_id: str, *, share: bool = False, note: str | None = None
) -> list[Block]:
    """The whole answer message; ``share`` adds the "Share in channel" button (ephemeral)."""
    blocks = [answer_block(suggestion)]
    blocks += citation_blocks(suggestion) + next_action_blocks(suggestion)
    blocks += draft_blocks(suggestion)
    if not suggestion.abstained and not suggestion.reply_draft.strip():
        blocks.append(_context(NO_REPLY_DRAFT))
    blocks.append(confidence_block(suggestion))
    if note:
        blocks.append(_context(note))
    blocks.append(buttons(suggestion_id, share=share))
    return blocks


def decided_blocks(
    suggestion: Suggestion,
    suggestion_id: str,
    action: Decided,
    agent: str,
    text: str | None = None,
    reason: str | None = None,
    *,
    reply_text: str | None = None,
    done: Sequence[int] = (),
) -> list[Block]:
    """The message once an agent decided: who, the text they chose (an edit shows the edited
    answer and reply draft, each when it changed), and the actions ticked as done."""
    count = f" · {len(done)} of {len(suggestion.next_actions)} actions done" if done else ""
    if action == "accept":
        body = [answer_block(suggestion), *citation_blocks(suggestion)]
        line = f":white_check_mark: Accepted by <@{agent}>{count}"
    elif action == "edit":
        answer = _section(to_mrkdwn(text)) if text else answer_block(suggestion)
        body = [answer, *citation_blocks(suggestion)]
        if reply_text:
            body += draft_blocks(suggestion, reply_text)
        line = f":pencil2: Edited by <@{agent}>{count}"
    else:
        body = [_section(to_mrkdwn(text or ""))]
        why = f": {escape(reason)}" if reason else ""
        line = f":arrows_counterclockwise: Overridden by <@{agent}>{why}{count}"
    actions = next_action_blocks(suggestion, done)
    return [*body, *actions, _context(line), buttons(suggestion_id, accept=False)]


def fallback_text(text: str) -> str:
    """The notification text that goes with blocks (Slack reads it as mrkdwn too, so a raw
    ``<!channel>`` in it would ping the channel)."""
    return clip(to_mrkdwn(text), _FALLBACK_MAX)


def asked(question: str, by: str | None = None) -> str:
    """The context line that says what was asked (and who shared it)."""
    who = f"Shared by <@{by}> · " if by else ""
    return f"{who}_asked:_ {escape(clip(question, 300))}"
