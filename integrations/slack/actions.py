"""The buttons under an answer, the next-action checklist, and the Edit / Override modals.

Accept records the decision, with the actions ticked on the message, and updates the message to
say who accepted. Edit and Override open a modal (its ``private_metadata`` carries the suggestion
id, the message and the ticked actions); the submission records an ``edit`` (the answer and the
reply draft, whichever changed) or an ``override`` and updates the message. Ticking an action
only acknowledges: the ticks are read when a button is pressed. Share posts the asker's ephemeral
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
from integrations.slack.checklist import ACTION_DONE
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
    REPLY_BLOCK,
    TEXT_BLOCK,
    MessageRef,
    changed,
    edit_view,
    override_view,
    submitted,
)

log = logging.getLogger(__name__)
_FILL = "Please fill this in."
_UNCHANGED = "Nothing changed: edit the answer or the reply draft, or Cancel."


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
    view = blocks.decided_blocks(
        record.suggestion,
        record.id,
        action,
        d.agent,
        d.text,
        d.reason,
        reply_text=d.reply_text,
        done=d.actions_done or (),
    )
    update_message(client, ref, view, d.text or record.suggestion.answer)


def register_buttons(app: App, services: Services) -> None:
    @app.action(blocks.ACCEPT)
    def on_accept(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        ref, user = _ref(body, action), body["user"]["id"]
        key = f"slack:accept:{ref.suggestion_id}:{user}"  # a double click is recorded once
        done = list(ref.actions_done) or None
        decision = DecisionIn(action="accept", agent=user, actions_done=done, request_id=key)
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
            form = edit_view if editing else override_view
            client.views_open(trigger_id=body["trigger_id"], view=form(ref, record.suggestion))

    app.action(blocks.EDIT)(on_edit_or_override)
    app.action(blocks.OVERRIDE)(on_edit_or_override)

    @app.action(ACTION_DONE)
    def on_tick(ack: Ack) -> None:
        """A tick only changes the message's input state; the buttons read it."""
        ack()

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


def _edit_or_override(view: dict[str, Any], agent: str) -> DecisionIn | dict[str, str]:
    """The decision a submitted modal records, or the errors to show on the form."""
    ref = MessageRef.loads(view.get("private_metadata") or "")
    done = list(ref.actions_done) or None
    key = f"slack:view:{view.get('id', '')}"
    if view.get("callback_id") == EDIT_VIEW:
        text, reply = changed(view, TEXT_BLOCK), changed(view, REPLY_BLOCK)
        if not submitted(view, TEXT_BLOCK):
            return {TEXT_BLOCK: _FILL}
        if text is None and reply is None:
            return {TEXT_BLOCK: _UNCHANGED}
        return DecisionIn(
            action="edit",
            agent=agent,
            text=text,
            reply_text=reply,
            actions_done=done,
            request_id=key,
        )
    text, reason = submitted(view, TEXT_BLOCK), submitted(view, REASON_BLOCK)
    if not text or not reason:
        return {REASON_BLOCK if text else TEXT_BLOCK: _FILL}
    return DecisionIn(
        action="override", agent=agent, text=text, reason=reason, actions_done=done, request_id=key
    )


def register_modals(app: App, services: Services) -> None:
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        try:
            decision = _edit_or_override(view, body["user"]["id"])
            if isinstance(decision, dict):
                ack(response_action="errors", errors=decision)
                return
            ref = MessageRef.loads(view.get("private_metadata") or "")
            record = _decide(services, ref, decision)
        except Exception as exc:
            ack(response_action="errors", errors={TEXT_BLOCK: friendly(exc)})
            return
        ack()
        action: Decided = "edit" if decision.action == "edit" else "override"
        try:
            _show(client, ref, record, action, decision)
        except Exception as exc:  # recorded; only the message could not be updated
            log.warning("slack: message not updated after %s (%s)", action, type(exc).__name__)

    app.view(EDIT_VIEW)(submit)
    app.view(OVERRIDE_VIEW)(submit)


def register(app: App, services: Services) -> None:
    register_buttons(app, services)
    register_modals(app, services)
