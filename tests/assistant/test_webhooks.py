"""The Zendesk webhook's rules without a server or a model: signatures, bodies, and what is
fetched, claimed and ingested (Zendesk's API is the local fake; the ingest is recorded)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from llama_index.core.schema import Document
from pydantic import SecretStr

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import ZendeskSettings
from assistant.webhooks import Delivery, WebhookOutcome, ZendeskWebhook, parse_event, verify
from assistant.zendesk_client import ZendeskClient
from ingest.sources.zendesk_config import ZendeskConfig
from ingest.sync import SyncReport
from tests.fakes.zendesk_api import EMAIL, TOKEN, FakeZendeskAPI, comment, ticket, user

SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


def zendesk_signed(body: bytes, when: datetime = NOW, secret: str = SECRET) -> Delivery:
    """A delivery signed the way Zendesk signs it: base64(HMAC-SHA256(timestamp + body)),
    with the timestamp in ISO 8601 (``2021-03-25T05:09:27Z``)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return Delivery(body, base64.b64encode(digest).decode(), stamp, "8350205582")


def status_changed(ticket_id: int, current: str, event_id: str = "evt-1") -> bytes:
    """An event subscription's ``ticket.status_changed`` body (ids as strings, statuses upper
    case, as Zendesk sends them)."""
    event = {
        "account_id": 22129848,
        "detail": {
            "actor_id": "8001",
            "assignee_id": "8001",
            "id": str(ticket_id),
            "is_public": True,
            "requester_id": "7001",
            "status": current,
            "subject": "Charged twice",
            "tags": ["billing"],
            "type": "INCIDENT",
            "updated_at": "2026-11-30T11:59:58Z",
            "via": {"channel": "web_service"},
        },
        "event": {"current": current, "previous": "OPEN", "meta": {"sequence": {"position": 1}}},
        "id": event_id,
        "subject": f"zen:ticket:{ticket_id}",
        "time": "2026-11-30T11:59:59.672717030Z",
        "type": "zen:event-type:ticket.status_changed",
        "zendesk_event_version": "2022-11-06",
    }
    return json.dumps(event).encode()


class Recorder:
    """The claim log (``first_delivery``) and the ingest, as the service passes them."""

    def __init__(self) -> None:
        self.claimed: set[str] = set()
        self.ingested: list[Document] = []
        self.broken = False

    def claim(self, key: str, ttl_s: float) -> bool:
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    def forget(self, key: str) -> None:
        self.claimed.discard(key)

    def ingest(self, documents: list[Document]) -> SyncReport:
        if self.broken:
            raise KbassistError(ErrorCode.STORE_UNAVAILABLE, "the chunk store is unavailable")
        self.ingested.extend(documents)
        return SyncReport(added=len(documents))


@pytest.fixture
def zendesk() -> Iterator[FakeZendeskAPI]:
    with FakeZendeskAPI() as api:
        api.add(
            ticket(101, "solved", "Charged twice for March", "I was charged twice this month."),
            [
                comment(1, 7001, "I was charged twice this month."),
                comment(2, 7001, "Reach me at maria.lopez@example.org or +1 415 555 0134."),
                comment(3, 8001, "Checked the ledger: duplicate capture.", public=False),
                comment(4, 8001, "We refunded the duplicate charge; it shows in 5 days."),
            ],
            [
                user(7001, "Maria Lopez", "maria.lopez@example.org", "end-user"),
                user(8001, "Sam Agent", "sam@ledgerly.example", "agent"),
            ],
        )
        api.add(ticket(102, "open", "Still waiting", "Where is my refund?"), [], [])
        yield api


@pytest.fixture
def webhook(zendesk: FakeZendeskAPI) -> ZendeskWebhook:
    settings = ZendeskSettings(
        api_url=zendesk.base_url,
        email=EMAIL,
        api_token=SecretStr(TOKEN),
        webhook_secret=SecretStr(SECRET),
        _env_file=None,  # type: ignore[call-arg]
    )
    return ZendeskWebhook.from_settings(settings)


def handle(
    webhook: ZendeskWebhook, delivery: Delivery, log: Recorder, now: datetime = NOW
) -> WebhookOutcome:
    return webhook.handle(delivery, log.claim, log.ingest, now=now, forget=log.forget)


# -- signatures -------------------------------------------------------------------------------


def test_a_request_signed_as_zendesk_signs_it_is_accepted() -> None:
    delivery = zendesk_signed(b'{"ticket_id": "101"}')
    verify(delivery, SECRET, 300, NOW)  # no error
    verify(delivery, SECRET, 300, NOW + timedelta(seconds=299))


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"signature": None}, "X-Zendesk-Webhook-Signature is missing"),
        ({"timestamp": None}, "X-Zendesk-Webhook-Signature-Timestamp is missing"),
        ({"body": b'{"ticket_id": "102"}'}, "does not match"),  # the body was altered
        ({"timestamp": "2026-11-30T12:00:01Z"}, "does not match"),  # so was the timestamp
        ({"signature": "not base64 ✗"}, "does not match"),
    ],
)
def test_a_missing_or_wrong_signature_is_unauthorized(change: dict, names: str) -> None:
    good = zendesk_signed(b'{"ticket_id": "101"}')
    bad = Delivery(**{**good.__dict__, **change})
    with pytest.raises(KbassistError) as caught:
        verify(bad, SECRET, 300, NOW)
    assert caught.value.code is ErrorCode.UNAUTHORIZED
    assert names in caught.value.detail


def test_another_secret_is_unauthorized() -> None:
    with pytest.raises(KbassistError, match="does not match"):
        verify(zendesk_signed(b"{}", secret="someone-else"), SECRET, 300, NOW)


@pytest.mark.parametrize("offset_s", [-301, 301, -3600])
def test_a_timestamp_outside_the_tolerance_is_stale(offset_s: int) -> None:
    delivery = zendesk_signed(b"{}", when=NOW + timedelta(seconds=offset_s))
    with pytest.raises(KbassistError, match="stale") as caught:
        verify(delivery, SECRET, 300, NOW)
    assert caught.value.code is ErrorCode.UNAUTHORIZED


# -- bodies -----------------------------------------------------------------------------------


def test_an_event_subscription_body_gives_the_ticket_its_new_status_and_the_event_id() -> None:
    event = parse_event(status_changed(101, "SOLVED", "cbe4028c"))
    assert event is not None
    assert (event.ticket_id, event.status, event.kind) == (
        "101",
        "solved",
        "zen:event-type:ticket.status_changed",
    )
    assert event.event_id == "zendesk:event:cbe4028c"


def test_a_trigger_body_needs_only_the_ticket_id() -> None:
    event = parse_event(b'{"ticket_id": "101", "status": "Solved"}', "inv-9")
    assert event is not None
    assert (event.ticket_id, event.status, event.event_id) == (
        "101",
        "solved",
        "zendesk:invocation:inv-9",
    )
    bare = parse_event(b'{"ticket_id": 101}')
    assert bare is not None and bare.status is None


def test_an_event_not_about_a_ticket_is_none() -> None:
    body = {"type": "zen:event-type:user.created", "id": "e", "detail": {"id": "5"}}
    assert parse_event(json.dumps(body).encode()) is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "body"),
        (b"[1]", "body"),
        (b'{"ticket_id": "../users/1"}', "ticket_id"),
        (b'{"subject": "x"}', "ticket_id"),
        (b'{"ticket_id": "5", "status": 3}', "status"),
    ],
)
def test_a_body_without_a_ticket_id_is_bad_input_naming_the_field(body: bytes, field: str) -> None:
    with pytest.raises(KbassistError) as caught:
        parse_event(body)
    assert caught.value.code is ErrorCode.BAD_INPUT
    assert caught.value.detail.startswith(f"{field}:")


# -- handling ---------------------------------------------------------------------------------


def test_a_solved_ticket_is_fetched_redacted_and_ingested(
    webhook: ZendeskWebhook, zendesk: FakeZendeskAPI
) -> None:
    log = Recorder()
    outcome = handle(webhook, zendesk_signed(status_changed(101, "SOLVED")), log)
    assert (outcome.status, outcome.ticket_id, outcome.doc_id) == ("ingested", "101", "ticket-101")
    [doc] = log.ingested
    assert "We refunded the duplicate charge" in doc.text  # the last agent reply, the 4th comment
    assert "duplicate capture" in doc.text  # the internal note, read from the second page
    for personal in ("maria.lopez@example.org", "555 0134", "Maria Lopez"):
        assert personal not in doc.text
        assert personal not in json.dumps(doc.metadata)
    paths = [call.path for call in zendesk.calls()]
    assert paths.count("/api/v2/tickets/101/comments.json") == 2  # 4 comments, 2 a page


def test_a_redelivered_event_ingests_nothing_again(webhook: ZendeskWebhook) -> None:
    log = Recorder()
    first = handle(webhook, zendesk_signed(status_changed(101, "SOLVED", "evt-7")), log)
    later = NOW + timedelta(seconds=40)  # Zendesk's retry: the same event, signed again
    again = handle(webhook, zendesk_signed(status_changed(101, "SOLVED", "evt-7"), later), log)
    assert (first.status, again.status) == ("ingested", "duplicate")
    assert len(log.ingested) == 1


def test_the_same_signed_request_twice_is_a_replay(webhook: ZendeskWebhook) -> None:
    log = Recorder()
    delivery = zendesk_signed(status_changed(101, "SOLVED"))
    handle(webhook, delivery, log)
    with pytest.raises(KbassistError, match="replay") as caught:
        handle(webhook, delivery, log)
    assert caught.value.code is ErrorCode.UNAUTHORIZED
    assert len(log.ingested) == 1


def test_an_unsolved_ticket_is_ignored_without_asking_zendesk(
    webhook: ZendeskWebhook, zendesk: FakeZendeskAPI
) -> None:
    log = Recorder()
    outcome = handle(webhook, zendesk_signed(status_changed(102, "PENDING")), log)
    assert (outcome.status, outcome.detail) == ("ignored", "ticket 102 is pending")
    assert zendesk.calls() == [] and log.ingested == []


def test_a_ticket_reopened_since_the_event_is_ignored(webhook: ZendeskWebhook) -> None:
    log = Recorder()  # the trigger says solved, but Zendesk's API now says open
    outcome = handle(webhook, zendesk_signed(b'{"ticket_id": "102", "status": "solved"}'), log)
    assert outcome.status == "ignored" and log.ingested == []


def test_a_deleted_ticket_is_ignored(webhook: ZendeskWebhook) -> None:
    outcome = handle(webhook, zendesk_signed(b'{"ticket_id": "999"}'), Recorder())
    assert outcome.status == "ignored"


def test_a_failure_at_zendesk_writes_nothing_and_the_retry_still_ingests(
    webhook: ZendeskWebhook, zendesk: FakeZendeskAPI
) -> None:
    log = Recorder()
    zendesk.fail("/api/v2/users/", 503)
    with pytest.raises(KbassistError) as caught:
        handle(webhook, zendesk_signed(status_changed(101, "SOLVED", "evt-9")), log)
    assert caught.value.code is ErrorCode.UPSTREAM_UNAVAILABLE and caught.value.http_status == 503
    assert caught.value.detail == "Zendesk API: GET /api/v2/users/show_many.json answered 503"
    assert log.ingested == []
    zendesk.fail("/api/v2/users/", 0)
    retry = zendesk_signed(status_changed(101, "SOLVED", "evt-9"), NOW + timedelta(seconds=60))
    assert handle(webhook, retry, log).status == "ingested"


def test_a_local_failure_after_the_claims_gives_them_back(webhook: ZendeskWebhook) -> None:
    log = Recorder()
    log.broken = True
    delivery = zendesk_signed(status_changed(101, "SOLVED", "evt-10"))
    with pytest.raises(KbassistError):
        handle(webhook, delivery, log)
    assert log.claimed == set()  # neither the signature nor the event is taken
    log.broken = False
    assert handle(webhook, delivery, log).status == "ingested"  # the very same delivery, again
    with pytest.raises(KbassistError):  # ...and only now is it a replay
        handle(webhook, delivery, log)


def test_refused_credentials_are_named_without_the_token(zendesk: FakeZendeskAPI) -> None:
    client = ZendeskClient(zendesk.base_url, EMAIL, "a-wrong-token")
    with pytest.raises(KbassistError) as caught:
        client.ticket("101")
    assert "refused (401)" in caught.value.detail
    assert "KBASSIST_ZENDESK_API_TOKEN" in caught.value.detail
    assert "a-wrong-token" not in caught.value.detail


def test_an_unreachable_zendesk_is_a_clear_503() -> None:
    client = ZendeskClient("http://127.0.0.1:9", EMAIL, TOKEN, timeout_s=2)
    with pytest.raises(KbassistError) as caught:
        client.comments("101")
    assert caught.value.http_status == 503
    assert caught.value.detail.startswith("Zendesk API: GET /api/v2/tickets/101/comments.json")


def test_without_a_secret_the_webhook_is_off() -> None:
    off = ZendeskWebhook(None, config=ZendeskConfig())
    with pytest.raises(KbassistError) as caught:
        off.handle(zendesk_signed(b"{}"), Recorder().claim, Recorder().ingest, NOW)
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_missing_api_settings_are_named() -> None:
    settings = ZendeskSettings(webhook_secret=SecretStr(SECRET), _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(KbassistError) as caught:
        ZendeskClient.from_settings(settings)
    assert caught.value.code is ErrorCode.CONFIG
    for name in ("SUBDOMAIN", "EMAIL", "API_TOKEN"):
        assert f"KBASSIST_ZENDESK_{name}" in caught.value.detail
