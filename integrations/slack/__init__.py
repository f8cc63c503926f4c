"""The Slack app: mentions, DMs, ``/kb`` and the decision buttons, over HTTP or Socket Mode.

``slack_router(services)`` serves ``POST /slack/events`` (events, the slash command and
interactivity share one request URL); ``kbassist slack`` runs the same app over Socket Mode.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from assistant.compose import Services
from assistant.errors import ErrorCode, KbassistError

EVENTS_PATH = "/slack/events"


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, with the (blocking) app run in a worker thread.

    The stock handler calls the synchronous ``App.dispatch`` on the event loop, which would stall
    every other request while an answer is being computed.
    """

    async def handle(
        self, req: Request, addition_context_properties: dict[str, Any] | None = None
    ) -> Response:
        body = await req.body()  # (the route takes POST only)
        bolt_request = to_bolt_request(req, body, addition_context_properties)
        return to_starlette_response(await run_in_threadpool(self.app.dispatch, bolt_request))


def slack_router(services: Services) -> APIRouter:
    """``POST /slack/events`` for the Slack app; needs ``SLACK_SIGNING_SECRET``."""
    from integrations.slack.app import build_app

    secret = services.settings.slack.signing_secret
    if secret is None or not secret.get_secret_value():
        raise KbassistError(ErrorCode.CONFIG, "SLACK_SIGNING_SECRET is not set")
    handler = ThreadedSlackRequestHandler(build_app(services))
    router = APIRouter(tags=["slack"])

    @router.post(EVENTS_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        # Bolt reads the timestamp with int() before it checks the signature: anything else is
        # an unsigned request, not a server error.
        if not request.headers.get("x-slack-request-timestamp", "").isdigit():
            return Response("invalid request", status_code=401)  # as Bolt answers one
        return await handler.handle(request)

    return router
