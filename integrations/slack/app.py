"""``build_app``: the Bolt app, its listener groups, and no call to Slack at start-up.

``process_before_response=True`` runs every listener before the HTTP response goes back, so what
a request caused is finished when the test (or the FaaS platform) gets the response. Events that
Slack retries because the first delivery timed out (``X-Slack-Retry-Reason: http_timeout``) are
acknowledged and dropped: the first delivery is still being answered.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from assistant.compose import Services
from assistant.errors import ErrorCode, KbassistError
from integrations.slack import actions, commands, mentions

log = logging.getLogger(__name__)


def web_client(services: Services) -> WebClient:
    """A Web API client with the bot token, at ``slack_api_url`` when set (tests, proxies)."""
    token = services.settings.slack.bot_token
    if token is None or not token.get_secret_value():
        raise KbassistError(ErrorCode.CONFIG, "SLACK_BOT_TOKEN is not set")
    base_url = services.settings.slack.api_url or WebClient.BASE_URL
    return WebClient(token=token.get_secret_value(), base_url=base_url.rstrip("/") + "/")


def _skip_timeout_retries(
    req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
) -> BoltResponse:
    retry = req.headers.get("x-slack-retry-num")
    reason = (req.headers.get("x-slack-retry-reason") or [""])[0]
    if retry and reason == "http_timeout":
        return BoltResponse(status=200, body="")
    return next()


def build_app(services: Services, client: WebClient | None = None) -> App:
    """The kbassist Slack app (HTTP or Socket Mode); makes no call to Slack until it is used."""
    secret = services.settings.slack.signing_secret
    signing_secret = secret.get_secret_value() if secret else ""
    if not signing_secret:
        # Socket Mode needs no signing secret; over HTTP a random one rejects every request.
        signing_secret = secrets.token_hex(32)
    app = App(
        name="kbassist",
        client=client or web_client(services),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        process_before_response=True,
    )
    app.middleware(_skip_timeout_retries)
    for group in (mentions, commands, actions):
        group.register(app, services)
    return app
