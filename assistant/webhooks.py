"""Zendesk webhooks: a solved ticket arrives on its own and is ingested within seconds.

A delivery is verified before anything else: ``X-Zendesk-Webhook-Signature`` must equal
base64(HMAC-SHA256(secret, timestamp + raw body)), with the timestamp of
``X-Zendesk-Webhook-Signature-Timestamp`` (ISO 8601) within the tolerance of now, and the same
signed request must not have been received before (a replay). Any of these failing is 401.

Two body shapes are read:

- an event subscription's ticket event, ``{"type": "zen:event-type:ticket.status_changed",
  "id": EVENT_ID, "subject": "zen:ticket:ID", "detail": {"id", "status", ...},
  "event": {"current", "previous"}}`` (other event types are ignored);
- a trigger or automation webhook's own JSON, carrying at least the ticket id:
  ``{"ticket_id": "{{ticket.id}}"}`` (optionally ``"status": "{{ticket.status}}"``).

A ticket whose status is not solved or closed is ignored. Otherwise the ticket, its comments and
their authors are read from Zendesk's API, converted by ``ticket_from_zendesk`` (which redacts
personal data) and ingested. The event (its ``id``, or for a trigger the webhook's invocation id)
is claimed once, after the API answered and before the ingest: a re-delivered event ingests
nothing, and a failure at Zendesk (503) leaves the event unclaimed for Zendesk's retry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from llama_index.core.schema import Document

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import ZendeskSettings
from assistant.zendesk_client import TicketNotFound, ZendeskApiError, ZendeskClient
from ingest.sources.fields import FieldError
from ingest.sources.zendesk_config import ZendeskConfig
from ingest.sources.zendesk_tickets import ticket_from_zendesk
from ingest.sync import SyncReport

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
INVOCATION_HEADER = "X-Zendesk-Webhook-Invocation-Id"
SOLVED = frozenset({"solved", "closed"})
TICKET_EVENT = "zen:event-type:ticket."
EVENT_TTL_S = 7 * 24 * 3600  # Zendesk retries for far less; a re-delivery is caught for a week
_TICKET_ID = re.compile(r"^[0-9]{1,20}$")

Outcome = Literal["ingested", "unchanged", "ignored", "duplicate"]
Claim = Callable[[str, float], bool]
Forget = Callable[[str], None]
Ingest = Callable[[list[Document]], SyncReport]


@dataclass(frozen=True)
class Delivery:
    """One webhook request as received: the raw body and the headers that matter."""

    body: bytes
    signature: str | None
    timestamp: str | None
    invocation_id: str | None = None


@dataclass(frozen=True)
class TicketEvent:
    ticket_id: str
    status: str | None  # lower case; None when the body does not say
    event_id: str | None  # what makes a re-delivery the same event
    kind: str  # the event type, or "trigger"


@dataclass(frozen=True)
class WebhookOutcome:
    status: Outcome
    detail: str
    ticket_id: str | None = None
    doc_id: str | None = None


class TicketSource(Protocol):
    """Zendesk's API as the webhook reads it (``ZendeskClient``)."""

    def ticket(self, ticket_id: str) -> dict[str, Any]: ...

    def comments(self, ticket_id: str) -> list[dict[str, Any]]: ...

    def users(self, ids: Sequence[object]) -> list[dict[str, Any]]: ...


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Zendesk's signature: base64(HMAC-SHA256(secret, timestamp + body))."""
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(delivery: Delivery, secret: str, tolerance_s: float, now: datetime) -> None:
    """UNAUTHORIZED unless the delivery is signed with ``secret`` at a time near ``now``."""
    if not delivery.signature or not delivery.timestamp:
        missing = SIGNATURE_HEADER if not delivery.signature else TIMESTAMP_HEADER
        raise _unauthorized(f"{missing} is missing")
    expected = sign(secret, delivery.timestamp, delivery.body).encode("ascii")
    if not hmac.compare_digest(expected, delivery.signature.strip().encode("utf-8")):
        raise _unauthorized(f"{SIGNATURE_HEADER} does not match the body")
    try:
        stamped = datetime.fromisoformat(delivery.timestamp.strip())
    except ValueError:
        raise _unauthorized(f"{TIMESTAMP_HEADER} is not an ISO 8601 time") from None
    if stamped.tzinfo is None:
        stamped = stamped.replace(tzinfo=UTC)
    if abs((now - stamped).total_seconds()) > tolerance_s:
        raise _unauthorized(
            f"{TIMESTAMP_HEADER} is more than {tolerance_s:g} seconds from now (stale)"
        )


def parse_event(body: bytes, invocation_id: str | None = None) -> TicketEvent | None:
    """The ticket event of a body (None: an event type that is not about a ticket);
    BAD_INPUT naming the field otherwise."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise KbassistError(ErrorCode.BAD_INPUT, "body: not valid JSON") from None
    if not isinstance(data, dict):
        raise KbassistError(ErrorCode.BAD_INPUT, "body: must be a JSON object")
    kind = data.get("type")
    if isinstance(kind, str) and kind.startswith("zen:event-type:"):
        if not kind.startswith(TICKET_EVENT):
            return None
        detail = _mapping(data.get("detail"), "detail")
        event = _mapping(data.get("event"), "event")
        subject = str(data.get("subject") or "")
        raw_id = detail.get("id") or subject.removeprefix("zen:ticket:")
        current = event.get("current") if kind.endswith(".status_changed") else None
        status = current if isinstance(current, str) else detail.get("status")
        event_id = data.get("id")
        return TicketEvent(
            _ticket_id(raw_id, "detail.id"),
            _status(status, "detail.status"),
            f"zendesk:event:{event_id}" if event_id else None,
            kind,
        )
    nested = data.get("ticket")
    ticket: dict[str, Any] = nested if isinstance(nested, dict) else {}
    raw_id = data.get("ticket_id", ticket.get("id"))
    status = data.get("status", data.get("ticket_status", ticket.get("status")))
    return TicketEvent(
        _ticket_id(raw_id, "ticket_id"),
        _status(status, "status"),
        f"zendesk:invocation:{invocation_id}" if invocation_id else None,
        "trigger",
    )


class ZendeskWebhook:
    """The webhook's configuration and its way to Zendesk's API (made on first use)."""

    def __init__(
        self,
        secret: str | None,
        tolerance_s: float = 300.0,
        config: ZendeskConfig | None = None,
        source: Callable[[], TicketSource] | None = None,
    ) -> None:
        self.secret = secret or None
        self.tolerance_s = tolerance_s
        self.config = config or ZendeskConfig()
        self._make_source = source
        self._source: TicketSource | None = None

    @classmethod
    def from_settings(cls, settings: ZendeskSettings) -> ZendeskWebhook:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        return cls(
            secret,
            settings.timestamp_tolerance_s,
            ZendeskConfig(product_field=settings.product_field),
            lambda: ZendeskClient.from_settings(settings),
        )

    @property
    def enabled(self) -> bool:
        return self.secret is not None

    def source(self) -> TicketSource:
        if self._source is None:
            if self._make_source is None:
                raise KbassistError(ErrorCode.CONFIG, "no Zendesk API is configured")
            self._source = self._make_source()
        return self._source

    def handle(
        self,
        delivery: Delivery,
        claim: Claim,
        ingest: Ingest,
        now: datetime | None = None,
        forget: Forget | None = None,
    ) -> WebhookOutcome:
        """Verify, read the event, and ingest a solved ticket once (see the module's doc). When
        anything fails after the delivery was claimed, the claims are given back (``forget``),
        so that Zendesk's retry is handled rather than taken for a replay or a duplicate."""
        if self.secret is None:  # the route is off: it does not exist for anyone
            raise KbassistError(
                ErrorCode.NOT_FOUND, "the Zendesk webhook is off (no signing secret configured)"
            )
        verify(delivery, self.secret, self.tolerance_s, now or datetime.now(UTC))
        signed = hashlib.sha256((delivery.signature or "").encode()).hexdigest()
        replay_key = f"zendesk:signature:{signed}"
        if not claim(replay_key, 2 * self.tolerance_s + 60):
            raise _unauthorized("this signed request was already received (a replay)")
        claimed = [replay_key]
        try:
            return self._handle(delivery, claim, ingest, claimed)
        except Exception:
            if forget is not None:
                for key in claimed:
                    forget(key)
            raise

    def _handle(
        self, delivery: Delivery, claim: Claim, ingest: Ingest, claimed: list[str]
    ) -> WebhookOutcome:
        event = parse_event(delivery.body, delivery.invocation_id)
        if event is None:
            return WebhookOutcome("ignored", "not a ticket event")
        tid = event.ticket_id
        if event.status is not None and event.status not in SOLVED:
            return WebhookOutcome("ignored", f"ticket {tid} is {event.status}", tid)
        document = self._fetch(tid)
        if document is None:
            return WebhookOutcome("ignored", f"ticket {tid} is not solved or closed", tid)
        if event.event_id and not claim(event.event_id, EVENT_TTL_S):
            return WebhookOutcome("duplicate", "this event was already handled", tid)
        if event.event_id:
            claimed.append(event.event_id)
        report = ingest([document])
        if not report.ok:
            issue = report.issues[0].message if report.issues else "the ingest failed"
            raise KbassistError(ErrorCode.STORE_UNAVAILABLE, f"ticket {tid}: {issue}")
        changed = report.added + report.updated > 0
        return WebhookOutcome(
            "ingested" if changed else "unchanged",
            f"ticket {tid} {'ingested' if changed else 'was already up to date'}",
            tid,
            document.id_,
        )

    def _fetch(self, ticket_id: str) -> Document | None:
        """The ticket as a redacted Document (None: not solved or closed, or deleted)."""
        api = self.source()
        try:
            ticket = api.ticket(ticket_id)
            comments = api.comments(ticket_id)
        except TicketNotFound:
            return None
        authors = [ticket.get("requester_id"), *(c.get("author_id") for c in comments)]
        users = api.users(authors)
        try:
            return ticket_from_zendesk(ticket, comments, users, self.config)
        except FieldError as exc:
            raise ZendeskApiError(
                f"ticket {ticket_id} is not as documented: {exc.field}: {exc.message}"
            ) from None


def _unauthorized(detail: str) -> KbassistError:
    return KbassistError(ErrorCode.UNAUTHORIZED, f"Zendesk webhook: {detail}")


def _mapping(value: object, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise KbassistError(ErrorCode.BAD_INPUT, f"{field}: must be an object")
    return value


def _ticket_id(value: object, field: str) -> str:
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not _TICKET_ID.match(text):
        raise KbassistError(ErrorCode.BAD_INPUT, f"{field}: a ticket id (digits) is required")
    return text


def _status(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise KbassistError(ErrorCode.BAD_INPUT, f"{field}: must be a string")
    return value.strip().lower()
