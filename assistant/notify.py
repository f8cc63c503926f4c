"""Direct-message digests to document owners on Slack (content flags, reviews due).

``SlackNotifier.from_settings(settings.slack)`` posts one DM per owner with ``slack_sdk``'s
``WebClient`` (at ``KBASSIST_SLACK_API_URL`` when set), mapping each owner (a document's ``owner``
field) to a Slack user id with ``KBASSIST_SLACK_OWNER_USERS='{"ana": "U123"}'``. An owner with
no user id is reported as unmapped, and a failed post as failed, never with Slack's error text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import SlackSettings

log = logging.getLogger("kbassist.notify")
MAX_TEXT = 3900  # a message's text stays under Slack's 4,000-character limit


@dataclass
class NotifyReport:
    """Which owners got their digest, which have no Slack user, and whose post failed."""

    sent: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"sent": self.sent, "unmapped": self.unmapped, "failed": self.failed}


class SlackNotifier:
    def __init__(self, client: WebClient, owner_users: Mapping[str, str]) -> None:
        self.client = client
        self.owner_users = dict(owner_users)

    @classmethod
    def from_settings(cls, slack: SlackSettings) -> SlackNotifier:
        """CONFIG error when Slack is not configured (no bot token)."""
        token = slack.bot_token
        if token is None or not token.get_secret_value():
            raise KbassistError(
                ErrorCode.CONFIG, "SLACK_BOT_TOKEN is not set: Slack is not configured"
            )
        base_url = (slack.api_url or WebClient.BASE_URL).rstrip("/") + "/"
        return cls(WebClient(token=token.get_secret_value(), base_url=base_url), slack.owner_users)

    def send(self, digests: Mapping[str, str]) -> NotifyReport:
        """Post each owner's digest (owner -> mrkdwn text) as a DM to their Slack user."""
        report = NotifyReport()
        for owner, text in digests.items():
            user = self.owner_users.get(owner)
            if not user:
                report.unmapped.append(owner)
                continue
            try:
                self.client.chat_postMessage(channel=user, text=_clip(text), unfurl_links=False)
            except (SlackApiError, SlackClientError, OSError) as exc:
                log.warning("digest to %s not sent: %s", owner, type(exc).__name__)
                report.failed.append(owner)
            else:
                report.sent.append(owner)
        return report


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
