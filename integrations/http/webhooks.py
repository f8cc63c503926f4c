"""``POST /v1/webhooks/zendesk``: a solved Zendesk ticket arrives and is ingested.

No API key: Zendesk signs the request (``X-Zendesk-Webhook-Signature`` and its timestamp), and
``SupportService.zendesk_event`` verifies it against the raw body before anything else. The route
answers 404 while no signing secret is configured (``KBASSIST_ZENDESK_WEBHOOK_SECRET``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from assistant.webhooks import INVOCATION_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, Delivery
from integrations.http.deps import ServicesDep
from integrations.http.schemas import ErrorBody

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


class WebhookAnswer(BaseModel):
    status: Literal["ingested", "unchanged", "ignored", "duplicate"]
    detail: str
    ticket_id: str | None = None
    doc_id: str | None = None


_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "a bad or missing signature, a stale timestamp, or a replayed request"),
        (404, "the webhook is off: no signing secret is configured"),
        (422, "a body that is not a ticket event: the detail names the field"),
        (503, "Zendesk's API could not be read, or the store is unavailable; nothing was written"),
    )
}


# The body is read raw (the signature covers its exact bytes); this documents what Zendesk sends.
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object"},
                "examples": {
                    "event": {
                        "value": {
                            "type": "zen:event-type:ticket.status_changed",
                            "id": "cbe4028c-7239-495d-b020-f22348516046",
                            "subject": "zen:ticket:5158",
                            "detail": {"id": "5158", "status": "SOLVED"},
                            "event": {"current": "SOLVED", "previous": "OPEN"},
                        }
                    },
                    "trigger": {"value": {"ticket_id": "5158", "status": "Solved"}},
                },
            }
        },
    }
}


@router.post("/zendesk", response_model=WebhookAnswer, responses=_RESPONSES, openapi_extra=_BODY)
async def zendesk_webhook(request: Request, services: ServicesDep) -> WebhookAnswer:
    """A Zendesk webhook: an event subscription's ticket event
    (``zen:event-type:ticket.status_changed``) or a trigger's JSON with ``ticket_id``.

    A solved or closed ticket is read from Zendesk's API, redacted and ingested before the
    answer (``ingested`` or ``unchanged``); other tickets and events are ``ignored``, and an
    event already handled is a ``duplicate`` (nothing ingested again).
    """
    headers = request.headers
    delivery = Delivery(
        body=await request.body(),
        signature=headers.get(SIGNATURE_HEADER),
        timestamp=headers.get(TIMESTAMP_HEADER),
        invocation_id=headers.get(INVOCATION_HEADER),
    )
    outcome = await run_in_threadpool(
        services.service.zendesk_event, services.zendesk_webhook, delivery
    )
    return WebhookAnswer(**asdict(outcome))
