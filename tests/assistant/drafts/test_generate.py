"""``generate`` on a planted group: one draft, with the project's front matter and sections,
every sentence referencing its ticket, and no personal data; covered groups, repeats and
rejected groups make no new draft."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.compose import Services
from assistant.drafts.service import DraftService
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from assistant.types import Audience
from tests.assistant.drafts.conftest import PII, portal_tickets, services_for, write_portal_kb

pytestmark = pytest.mark.slow
AGENT = Audience.agent()
PORTAL_ARTICLE = """---
id: kb-9
title: Client portal links expired or already used
product: client-portal
visibility: internal
---
# Client portal links expired or already used

Client portal links are single-use sign-in links. A mail scanner that opens links in incoming
e-mail uses the link up, so the client sees 'link expired' or 'already used'.

## Steps

1. Resend the invite from Clients > Portal access > Resend invite.
2. Ask the client's IT to allow-list the Ledgerly portal sender.
"""


def test_a_planted_uncovered_group_gets_one_draft(drafts: DraftService) -> None:
    report = drafts.generate(min_tickets=3)
    assert len(report.created) == 1 and report.covered == []
    draft = drafts.show(report.created[0], AGENT)
    assert draft.state == "open" and draft.kind == "article"
    head, body = draft.markdown.removeprefix("---\n").split("\n---\n", 1)
    meta = yaml.safe_load(head)
    assert meta["id"] == draft.doc_id
    assert meta["product"] == "client-portal"
    assert "client-portal" in meta["tags"]
    assert meta["owner"] == "tier1"
    assert meta["visibility"] == "internal"
    assert meta["review_by"] > meta["updated_at"]
    assert sorted(meta["source_tickets"]) == ["ticket-7001", "ticket-7002", "ticket-7003"]
    assert "portal" in meta["title"].lower()
    for section in ("## Symptoms", "## Cause", "## Resolution", "## Source tickets"):
        assert section in body
    resolution = body.split("## Resolution", 1)[1].split("##", 1)[0]
    assert "Resend invite" in resolution
    sentences = [line for line in body.splitlines() if re.match(r"^(- |\d+\. |The )", line)]
    content = [s for s in sentences if not s.startswith("- ticket-")]
    assert content and all(re.search(r"\[ticket-\d+(, ticket-\d+)*\]$", s) for s in content)


def test_no_planted_personal_data_reaches_a_draft(drafts: DraftService) -> None:
    [draft_id] = drafts.generate(min_tickets=3).created
    markdown = drafts.show(draft_id, AGENT).markdown
    for value in PII:
        assert value not in markdown
    assert "555" not in markdown and "@" not in markdown


def test_running_generate_again_adds_nothing(drafts: DraftService) -> None:
    first = drafts.generate(min_tickets=3)
    again = drafts.generate(min_tickets=3)
    assert again.created == [] and again.known == first.created


def test_more_tickets_than_the_group_has_make_no_draft(drafts: DraftService) -> None:
    assert drafts.generate(min_tickets=4).created == []


def test_a_group_an_article_covers_is_not_drafted(
    tmp_path: Path, settings: Settings, embedder: SentenceTransformerEmbedder
) -> None:
    kb = write_portal_kb(tmp_path / "kb", portal_tickets())
    (kb / "articles" / "kb-9.md").write_text(PORTAL_ARTICLE)
    services = services_for(settings, embedder, kb)
    report = services.drafts.generate(min_tickets=3)
    assert report.created == []
    [covered] = report.covered
    assert covered["article"] == "kb-9" and len(covered["tickets"]) == 3


def test_a_rejected_draft_does_not_come_back(drafts: DraftService) -> None:
    [draft_id] = drafts.generate(min_tickets=3).created
    drafts.reject(draft_id, "amelia", "we don't document the portal yet", AGENT)
    again = drafts.generate(min_tickets=3)
    assert again.created == [] and again.known == [draft_id]
    assert drafts.show(draft_id, AGENT).reason == "we don't document the portal yet"


def test_services_wire_the_publish_folder(portal_services: Services) -> None:
    settings = portal_services.settings
    assert portal_services.drafts.publisher.folder == settings.data_dir / "published"


def test_a_new_similar_ticket_is_added_to_the_open_draft(
    portal_services: Services, drafts: DraftService
) -> None:
    [draft_id] = drafts.generate(min_tickets=3).created
    kb = portal_services.settings.data_dir.parent / "kb"
    more = [{**portal_tickets(first_id=7004)[1], "subject": "Portal link dead on arrival"}]
    (kb / "tickets" / "more.jsonl").write_text(json.dumps(more[0]) + "\n")
    assert portal_services.ingestor.sync([kb]).ok
    report = drafts.generate(min_tickets=3)
    assert report.created == [] and report.extended == [draft_id]
    draft = drafts.show(draft_id, AGENT)
    assert {s.id for s in draft.sources} == {f"ticket-700{n}" for n in (1, 2, 3, 5)}
    assert "ticket-7005" in draft.markdown
