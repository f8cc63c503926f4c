"""A tiny knowledge base with one planted group of resolved tickets no article covers (client
portal links used up by mail scanners), with personal data planted in every ticket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.compose import Services
from assistant.drafts.service import DraftService
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from tests.conftest import write_tiny_kb

PII = ["Olivia Brandt", "olivia@brandt.example.com", "+1 415 555 0199", "4111 1111 1111 1111"]

PORTAL_TICKETS: list[dict[str, Any]] = [
    {
        "id": 7001,
        "subject": "Client portal link says it has expired",
        "description": "My client gets 'This portal link has expired' when she opens the client "
        "portal from the invoice email. Reach me at olivia@brandt.example.com or "
        "+1 415 555 0199. Her card 4111 1111 1111 1111 is on file.",
        "requester_name": "Olivia Brandt",
        "requester_email": "olivia@brandt.example.com",
        "resolution": "The portal link is a single-use sign-in link and the client's e-mail "
        "security scanner opened it first, which used it up. Resend the invite from Clients > "
        "Portal access > Resend invite. Ask the client to allow-list the Ledgerly portal sender "
        "in the scanner, Olivia Brandt.",
    },
    {
        "id": 7002,
        "subject": "customer can't get into the client portal - expired link",
        "description": "A customer keeps getting 'link expired' when clicking the client portal "
        "button in the invoice email. Call Olivia Brandt on +1 415 555 0199.",
        "requester_name": "Sam Achebe",
        "requester_email": "sam@example.net",
        "resolution": "Each client portal link can be used once, and the customer's mail gateway "
        "opened it first to scan it. Resend the invite from Clients > Portal access > Resend "
        "invite. Have the customer's IT allow-list the Ledgerly portal sender in the gateway.",
    },
    {
        "id": 7003,
        "subject": "Portal invitation not working for our client",
        "description": "When she clicks 'Open portal' she sees 'This link has expired or was "
        "already used'. Her e-mail is olivia@brandt.example.com.",
        "requester_name": "Ravi Menon",
        "requester_email": "ravi@example.org",
        "resolution": "The client's e-mail security filter opened the single-use portal link "
        "first, so it was already used when she clicked it. Resend the invite from Clients > "
        "Portal access > Resend invite. Ask her IT team to allow-list the Ledgerly portal sender.",
    },
]


def portal_tickets(visibility: str | None = None, first_id: int = 7001) -> list[dict[str, Any]]:
    tickets = []
    for offset, spec in enumerate(PORTAL_TICKETS):
        ticket = {
            **spec,
            "id": first_id + offset,
            "status": "solved",
            "product": "client-portal",
            "tags": ["client-portal", "magic-link"],
            "owner": "tier1",
            "solved_at": f"2026-09-0{offset + 1}T10:00:00Z",
        }
        if visibility:
            ticket["visibility"] = visibility
        tickets.append(ticket)
    return tickets


def write_portal_kb(root: Path, tickets: list[dict[str, Any]]) -> Path:
    write_tiny_kb(root)
    lines = "\n".join(json.dumps(t) for t in tickets) + "\n"
    (root / "tickets" / "portal.jsonl").write_text(lines)
    return root


def services_for(settings: Settings, embedder: SentenceTransformerEmbedder, kb: Path) -> Services:
    services = Services(settings)
    services.embedder = embedder
    report = services.ingestor.sync([kb])
    assert report.ok, report.issues
    return services


@pytest.fixture
def portal_services(
    tmp_path: Path, settings: Settings, embedder: SentenceTransformerEmbedder
) -> Services:
    settings = settings.model_copy(update={"answerer": "extractive"})
    return services_for(settings, embedder, write_portal_kb(tmp_path / "kb", portal_tickets()))


@pytest.fixture
def drafts(portal_services: Services) -> DraftService:
    return portal_services.drafts
