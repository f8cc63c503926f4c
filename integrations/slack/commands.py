"""``/kb question``: an answer only the asker sees, with a "Share in channel" button.

The command is acknowledged at once and the answer goes out through the command's
``response_url``, which works in any channel or DM, even one the bot is not a member of.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from assistant.compose import Services
from integrations.slack import blocks
from integrations.slack.support import NOT_ENABLED, channel_allowed, reporting, suggest

USAGE = "Usage: `/kb your question`, e.g. `/kb how do I refund a duplicate charge?`"


def register(app: App, services: Services) -> None:
    @app.command("/kb")
    def on_kb(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        question = (command.get("text") or "").strip()
        if not question:
            respond(text=USAGE, response_type="ephemeral")
            return
        if not channel_allowed(services.settings, command.get("channel_id", "")):
            respond(text=NOT_ENABLED, response_type="ephemeral")
            return
        with reporting(respond):
            record = suggest(services, question, command["user_id"])
            respond(
                response_type="ephemeral",
                blocks=blocks.suggestion_blocks(
                    record.suggestion, record.id, share=True, note=blocks.asked(question)
                ),
                text=blocks.fallback_text(record.suggestion.answer),
            )
