"""The buttons under an answer, and the Edit / Override modals.

Accept records the decision and updates the message to say who accepted. Edit and Override open
a modal (its ``private_metadata`` carries the suggestion id and the message); the submission
records an ``edit`` or ``override`` and updates the message. Share posts the asker's ephemeral
answer in the channel. The agent of every decision is the Slack user id.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from assistant.access import Audience
from assistant.compose import Services
from assistant.records import DecisionIn, SuggestionRecord
from integrations.slack import blocks
from integrations.slack.blocks import Decided
from integrations.slack.support import (
    audience_for,
    friendly,
    reporting,
    update_message,
)
from integrations.slack.views import (
    EDIT_VIEW,
    OVERRIDE_VIEW,
    REASON_BLOCK,
    TEXT_BLOCK,
    MessageRef,
    edit_view,
    override_view,
    submitted,
)

log = logging.getLogger(__name__)
_FILL = "Please fill this in."


def _ref(body: dict[str, Any], action: dict[str, Any]) -> MessageRef:
    return MessageRef.from_action(body, str(action.get("value") or ""))


def _audience(services: Services, body: dict[str, Any]) -> Audience:
    return audience_for(services.settings, body["user"]["id"])


def _decide(services: Services, ref: MessageRef, decision: DecisionIn) -> SuggestionRecord:
    """Record ``decision``; only someone who may read the suggestion may decide on it."""
    audience = audience_for(services.settings, decision.agent)
    return services.service.decide(ref.suggestion_id, decision, audience).record


def _show(
    client: WebClient, ref: MessageRef, record: SuggestionRecord, action: Decided, d: DecisionIn
) -> None:
    """Show a decision on the message it was taken on."""
    view = blocks.decided_blocks(record.suggestion, record.id, action, d.agent, d.text, d.reason)
    update_message(client, ref, view, d.text or record.suggestion.answer)


def register_buttons(app: App, services: Services) -> None:
    @app.action(blocks.ACCEPT)
    def on_accept(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        ref, user = _ref(body, action), body["user"]["id"]
        key = f"slack:accept:{ref.suggestion_id}:{user}"  # a double click is recorded once
        decision = DecisionIn(action="accept", agent=user, request_id=key)
        with reporting(respond):
            _show(client, ref, _decide(services, ref, decision), "accept", decision)

    def on_edit_or_override(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """Open the Edit form (prefilled with the answer) or the Override form; an unknown or
        unreadable suggestion is reported before any form is filled in, not after."""
        ack()
        ref = _ref(body, action)
        with reporting(respond):
            record, _ = services.service.get(ref.suggestion_id, _audience(services, body))
            editing = action.get("action_id") == blocks.EDIT
            view = edit_view(ref, record.suggestion.answer) if editing else override_view(ref)
            client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(blocks.EDIT)(on_edit_or_override)
    app.action(blocks.OVERRIDE)(on_edit_or_override)

    @app.action(blocks.SHARE)
    def on_share(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        ref, user = _ref(body, action), body["user"]["id"]
        with reporting(respond):
            record, _ = services.service.get(ref.suggestion_id, _audience(services, body))
            if not services.service.shareable(record):
                respond(
                    text="This answer uses content restricted to your team, so it can't be "
                    "shared in a channel.",
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            note = blocks.asked(record.request.text(), by=user)
            client.chat_postMessage(
                channel=ref.channel,
                blocks=blocks.suggestion_blocks(record.suggestion, record.id, note=note),
                text=blocks.fallback_text(record.suggestion.answer),
            )
            respond(delete_original=True)  # the ephemeral copy is no longer needed


def register_modals(app: App, services: Services) -> None:
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        text, reason = submitted(view, TEXT_BLOCK), submitted(view, REASON_BLOCK)
        action: Decided = "edit" if view.get("callback_id") == EDIT_VIEW else "override"
        if not text or (action == "override" and not reason):
            ack(response_action="errors", errors={REASON_BLOCK if text else TEXT_BLOCK: _FILL})
            return
        try:
            ref = MessageRef.loads(view.get("private_metadata") or "")
            decision = DecisionIn(
                action=action,
                agent=body["user"]["id"],
                text=text,
                reason=reason if action == "override" else None,
                request_id=f"slack:view:{view.get('id', '')}",
            )
            record = _decide(services, ref, decision)
        except Exception as exc:
            ack(response_action="errors", errors={TEXT_BLOCK: friendly(exc)})
            return
        ack()
        try:
            _show(client, ref, record, action, decision)
        except Exception as exc:  # recorded; only the message could not be updated
            log.warning("slack: message not updated after %s (%s)", action, type(exc).__name__)

    app.view(EDIT_VIEW)(submit)
    app.view(OVERRIDE_VIEW)(submit)


def register(app: App, services: Services) -> None:
    register_buttons(app, services)
    register_modals(app, services)
