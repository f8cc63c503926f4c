"""@kbassist mentions in channels and messages in a DM: answered in the thread.

While it works the bot puts :eyes: on the question and takes it off once the answer (or an error
message) is posted. A follow-up in a thread sends the thread's earlier turns as history. Plain
channel messages, edits and other bots' messages are ignored. In a channel outside
``slack_allowed_channels`` a mention gets one ephemeral "not enabled" notice per person and channel
(per process), and no answer.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.compose import Services
from assistant.suggestion import Turn
from integrations.slack import blocks
from integrations.slack.support import (
    NOT_ENABLED,
    channel_allowed,
    fetch_history,
    friendly,
    is_direct,
    strip_mentions,
    suggest,
)

log = logging.getLogger(__name__)

EYES = "eyes"
_ANSWERED_SUBTYPES = {None, "thread_broadcast"}
_HELP = "Ask me a question, e.g. “How do I refund a duplicate charge?”"
_MAX_NOTIFIED = 10_000


def _react(client: WebClient, add: bool, channel: str, ts: str) -> None:
    try:
        if add:
            client.reactions_add(channel=channel, timestamp=ts, name=EYES)
        else:
            client.reactions_remove(channel=channel, timestamp=ts, name=EYES)
    except SlackApiError as exc:  # already_reacted, no_reaction, missing scope: not worth failing
        log.info("slack: reaction %s failed (%s)", EYES, exc.response.get("error"))


def answer_in_thread(
    services: Services, client: WebClient, event: dict[str, Any], bot_user_id: str | None
) -> None:
    channel, ts, user = event["channel"], event["ts"], event.get("user", "")
    thread_ts = event.get("thread_ts") or ts
    question = strip_mentions(event.get("text") or "", bot_user_id)
    if not question:
        _say(client, channel, thread_ts, _HELP)
        return
    _react(client, True, channel, ts)
    try:
        history: list[Turn] = []
        if event.get("thread_ts"):
            history = fetch_history(client, channel, event["thread_ts"], ts, bot_user_id)
        record = suggest(services, question, user, history, posted_in=channel)
        client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            blocks=blocks.suggestion_blocks(record.suggestion, record.id),
            text=blocks.fallback_text(record.suggestion.answer),
        )
    except Exception as exc:
        _say(client, channel, thread_ts, friendly(exc))
    finally:
        _react(client, False, channel, ts)


def _say(client: WebClient, channel: str, thread_ts: str, text: str) -> None:
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
    except SlackApiError as exc:
        log.warning("slack: could not post in %s (%s)", channel, exc.response.get("error"))


def register(app: App, services: Services) -> None:
    notified: set[tuple[str, str]] = set()  # (channel, user) told "not enabled here"

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        channel, user = event["channel"], event.get("user", "")
        if is_direct(channel) or event.get("bot_id"):
            return  # a DM is answered once, as a message; bots are not answered
        if channel_allowed(services.settings, channel):
            answer_in_thread(services, client, event, context.bot_user_id)
        elif (channel, user) not in notified and len(notified) < _MAX_NOTIFIED:
            notified.add((channel, user))
            try:
                client.chat_postEphemeral(channel=channel, user=user, text=NOT_ENABLED)
            except SlackApiError as exc:
                log.info("slack: notice not posted (%s)", exc.response.get("error"))

    @app.event("message")
    def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") not in _ANSWERED_SUBTYPES or not event.get("user"):
            return
        answer_in_thread(services, client, event, context.bot_user_id)
