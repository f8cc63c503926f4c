"""What every listener group shares: who is asking, where, and how to say that something failed.

Everything here translates between Slack payloads and ``assistant/``; nothing decides an answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from assistant.access import Audience
from assistant.compose import Services
from assistant.errors import ErrorCode, KbassistError
from assistant.records import SuggestionRecord
from assistant.settings import Settings
from assistant.suggestion import AskRequest, Turn
from integrations.slack.blocks import Block, fallback_text
from integrations.slack.views import MessageRef

log = logging.getLogger(__name__)

NOT_ENABLED = "kbassist is not enabled in this channel. Ask me in a DM, or ask an admin to add it."
_MAX_TURNS = 20
_TURN_MAX = 8000
_FRIENDLY: dict[ErrorCode, str] = {
    ErrorCode.NOT_FOUND: "I can't find that suggestion, or it was made for a team you're not in.",
    ErrorCode.CONFLICT: "That was already recorded differently; refresh and try again.",
    ErrorCode.UNAUTHORIZED: "You are not allowed to do that.",
    ErrorCode.FORBIDDEN: "You are not allowed to do that.",
    ErrorCode.TOO_LARGE: "That is too long for me; please shorten it.",
    ErrorCode.MODEL_UNAVAILABLE: "The knowledge base is unavailable right now; try again shortly.",
    ErrorCode.STORE_UNAVAILABLE: "The knowledge base is unavailable right now; try again shortly.",
    ErrorCode.LLM_UNAVAILABLE: "The answering model is unavailable right now; try again shortly.",
    ErrorCode.UPSTREAM_UNAVAILABLE: "A service I rely on is unavailable now; try again shortly.",
}
_NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived"}
_SORRY = "Sorry, something went wrong on my side. Please try again in a minute."


def friendly(exc: BaseException) -> str:
    """A short message for an agent: never the exception's own text or a traceback."""
    if isinstance(exc, KbassistError):
        if exc.code == ErrorCode.BAD_INPUT:
            return f"I couldn't use that: {exc.detail}"
        return _FRIENDLY.get(exc.code, _SORRY)
    if isinstance(exc, ValidationError):
        return "I couldn't use that: it is empty or too long."
    if isinstance(exc, SlackApiError) and exc.response.get("error") in _NOT_IN_CHANNEL:
        return "Invite me to this channel first (`/invite @kbassist`)."
    log.error("slack: unexpected %s", type(exc).__name__, exc_info=exc)
    return _SORRY


@contextmanager
def reporting(respond: Respond) -> Iterator[None]:
    """Run an interaction; tell the agent (ephemerally, in a sentence) if it fails."""
    try:
        yield
    except Exception as exc:
        message = friendly(exc)
        try:
            respond(text=message, response_type="ephemeral", replace_original=False)
        except Exception:
            log.warning("slack: could not report a failed interaction")


def audience_for(settings: Settings, user_id: str, posted_in: str | None = None) -> Audience:
    """The asker's teams (``slack_user_teams``) decide which restricted content may be used.

    An answer posted visibly in a channel (``posted_in``, not a DM) is read by everyone there,
    so it may only use the teams the asker shares with the channel (``slack_channel_teams``).
    """
    teams = set(settings.slack.user_teams.get(user_id, []))
    if posted_in is not None and not is_direct(posted_in):
        teams &= set(settings.slack.channel_teams.get(posted_in, []))
    return Audience.agent(*sorted(teams))


def is_direct(channel: str) -> bool:
    return channel.startswith("D")


def channel_allowed(settings: Settings, channel: str) -> bool:
    """DMs always; other channels when the allow-list is empty or names them."""
    allowed = settings.slack.allowed_channels
    return is_direct(channel) or not allowed or channel in allowed


def strip_mentions(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's own ``<@U…>`` mention."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return " ".join(text.split())


def _ts(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def thread_turns(
    messages: Sequence[dict[str, Any]], before_ts: str, bot_user_id: str | None
) -> list[Turn]:
    """The earlier turns of a thread: the bot's messages are ``assistant``, people's ``user``."""
    turns: list[Turn] = []
    for message in messages:
        if _ts(message.get("ts")) >= _ts(before_ts):
            continue
        from_bot = bool(message.get("bot_id")) or message.get("user") == bot_user_id
        text = strip_mentions(str(message.get("text") or ""), bot_user_id)[:_TURN_MAX]
        if text:
            turns.append(Turn(role="assistant" if from_bot else "user", text=text))
    return turns[-_MAX_TURNS:]


def fetch_history(
    client: WebClient, channel: str, thread_ts: str, before_ts: str, bot_user_id: str | None
) -> list[Turn]:
    """A thread's earlier turns (``conversations.replies``); none when Slack won't say."""
    try:
        reply = client.conversations_replies(channel=channel, ts=thread_ts, limit=100)
    except SlackApiError as exc:
        log.warning("slack: conversations.replies failed (%s)", exc.response.get("error"))
        return []
    return thread_turns(reply.get("messages") or [], before_ts, bot_user_id)


def suggest(
    services: Services,
    question: str,
    user_id: str,
    history: list[Turn] | None = None,
    posted_in: str | None = None,
) -> SuggestionRecord:
    """Ask on behalf of a Slack user; ``posted_in`` is the channel the answer will be visible in
    (None for an answer only the asker sees)."""
    request = AskRequest(question=question, history=history or [])
    audience = audience_for(services.settings, user_id, posted_in)
    return services.service.suggest(request, audience, channel="slack", asker=user_id)


def update_message(client: WebClient, ref: MessageRef, blocks: list[Block], text: str) -> None:
    """Replace the message a decision was taken on (``response_url`` when it is ephemeral)."""
    if ref.response_url:
        WebhookClient(ref.response_url).send(
            replace_original=True, blocks=blocks, text=fallback_text(text)
        )
    elif ref.ts:
        client.chat_update(channel=ref.channel, ts=ref.ts, blocks=blocks, text=fallback_text(text))
