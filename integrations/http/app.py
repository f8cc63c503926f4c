"""The FastAPI application: ``create_app(services)``.

Routes are thin and live one router per resource; the app holds its ``Services`` in
``app.state`` and nothing global. Keys, audiences and the channel come from ``deps``; every error
leaves in the one shape of ``errors``. Open without a key: /healthz, /readyz, /docs,
/openapi.json, the sidebar and dashboard pages (/sidebar, /admin: its data needs an admin key) and
/slack/events (Slack signs its own requests).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from assistant.compose import Services
from assistant.errors import KbassistError
from integrations.http import (
    admin,
    analytics,
    documents,
    drafts,
    gaps,
    health,
    search,
    sidebar,
    suggestions,
    webhooks,
)
from integrations.http.docs import add_docs
from integrations.http.errors import install_error_handlers
from integrations.http.limits import BodyLimitMiddleware
from integrations.http.origin import LocalOnlyMiddleware

log = logging.getLogger("kbassist.http")

SIDEBAR = "/sidebar"


def create_app(services: Services) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:  # open the stores now, not on the first request
            states = services.service.readiness()
        except KbassistError as exc:
            log.warning("starting without the stores: %s", exc.detail)
        else:
            for name, state in states.items():
                if state != "ok":
                    log.warning("starting with %s %s", name, state)
        yield

    app = FastAPI(
        title="kbassist",
        summary="Cited answers, next actions and reply drafts for support agents.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.services = services
    http = services.settings.http
    app.add_middleware(BodyLimitMiddleware, max_bytes=http.max_request_bytes)
    if not http.api_keys:  # keyless: answer only requests meant for this local server
        app.add_middleware(LocalOnlyMiddleware, allowed_hosts=http.allowed_hosts)
    install_error_handlers(app)
    for module in (
        suggestions,
        search,
        documents,
        health,
        sidebar,
        webhooks,
        analytics,
        drafts,
        gaps,
        admin,
    ):
        app.include_router(module.router)
    add_docs(app)
    app.state.slack_events = _mount_slack(app, services)  # its path, or None

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(SIDEBAR)

    return app


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``kbassist serve --workers N`` (a uvicorn factory): its
    own ``Services`` from the environment the parent set, built when the worker starts."""
    from assistant.settings import get_settings

    services = Services(get_settings())
    services.service.warm_up()
    return create_app(services)


def _mount_slack(app: FastAPI, services: Services) -> str | None:
    """The Slack app's router, when a signing secret is set; returns the path it serves."""
    secret = services.settings.slack.signing_secret
    if secret is None or not secret.get_secret_value():
        return None
    try:
        from integrations.slack import EVENTS_PATH, slack_router
    except ImportError:
        log.warning("SLACK_SIGNING_SECRET is set but the Slack app is not installed")
        return None
    app.include_router(slack_router(services))
    return EVENTS_PATH
