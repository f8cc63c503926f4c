"""``build_app``: the Bolt app, its listener groups, and no call to Slack at start-up.

``process_before_response=True`` runs every listener before the HTTP response goes back, so what
a request caused is finished when the test (or the FaaS platform) gets the response. Events that
Slack retries because the first delivery timed out (``X-Slack-Retry-Reason: http_timeout``) are
acknowledged and dropped: the first delivery is still being answered. Any other delivery seen
before (the same ``event_id``, or the same signed body) is acknowledged and does nothing, whichever
worker sees it.
"""

from __future__ import annotations

import hashlib
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


EVENT_TTL_S = 24 * 3600  # Slack retries an event for up to about an hour
BODY_TTL_S = 15 * 60  # a signed body is only accepted within 5 minutes of its timestamp


def _delivery_key(req: BoltRequest) -> str | None:
    """What makes a delivery the same one: an event's ``event_id``; for slash commands and
    interactions (which carry none), the signed body itself."""
    body = req.body or {}
    if body.get("type") == "url_verification":
        return None
    if body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    return "slack:body:" + hashlib.sha256(req.raw_body.encode()).hexdigest()


def _once(services: Services) -> Callable[..., BoltResponse]:
    """Answer each delivery once, across workers: a retry, a re-delivery or a verbatim replay
    of a signed request is acknowledged and does nothing."""

    def once(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        key = _delivery_key(req)
        if key is not None:
            ttl = EVENT_TTL_S if key.startswith("slack:event:") else BODY_TTL_S
            if not services.service.first_delivery(key, ttl):
                return BoltResponse(status=200, body="")
        return next()

    return once


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
    app.middleware(_once(services))
    for group in (mentions, commands, actions):
        group.register(app, services)
    return app
