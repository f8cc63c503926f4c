"""Zendesk tickets from the incremental export, comments and users responses."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources.fields import FieldError
from ingest.sources.zendesk_config import ZendeskConfig
from ingest.sources.zendesk_tickets import ticket_from_zendesk
from tests.ingest.zendesk_fixtures import by_id, copy_export, load, parse, save

PII = ("Maria", "Lopez", "maria.lopez@example.org", "415 555 0134", "203.0.113.24")


def section(text: str, heading: str) -> str:
    """The body of ``## heading`` in a ticket's rendering ("" when it is absent)."""
    parts = text.split(f"## {heading}\n\n")
    return parts[1].split("\n\n## ")[0] if len(parts) > 1 else ""


def test_only_solved_and_closed_tickets_are_kept_and_the_open_one_counted(tmp_path: Path) -> None:
    result = parse(copy_export(tmp_path) / "support" / "tickets.json")
    assert result.issues == []
    assert set(by_id(result)) == {"ticket-35436", "ticket-35437"} and result.skipped == 1
    meta = by_id(result)["ticket-35436"].metadata
    assert meta["source_type"] == "ticket" and meta["visibility"] == "internal"
    assert meta["tags"] == ["billing", "duplicate_charge"] and meta["updated_at"] == "2026-04-02"
    assert meta["url"] == "https://ledgerly.zendesk.com/agent/tickets/35436"


def test_private_comments_are_internal_notes_and_the_agent_reply_is_the_resolution(
    tmp_path: Path,
) -> None:
    text = by_id(parse(copy_export(tmp_path) / "support" / "tickets.json"))["ticket-35436"].text
    assert "refunded the duplicate charge" in section(text, "Resolution")
    assert "gateway timeout" in section(text, "Internal notes")
    assert "gateway timeout" not in section(text, "Resolution") + section(text, "Problem")
    problem = section(text, "Problem")
    assert "refund pending" in problem  # the customer's follow-up is the customer's
    assert problem.count("charged twice for invoice INV-2291") == 1  # description not repeated


def test_comments_from_ticket_events_count_like_the_comments_api(tmp_path: Path) -> None:
    text = by_id(parse(copy_export(tmp_path) / "support" / "tickets.json"))["ticket-35437"].text
    assert "re-sent the confirmation link" in section(text, "Resolution")


def test_the_author_role_comes_from_users(tmp_path: Path) -> None:
    root = copy_export(tmp_path)
    (root / "support" / "users.json").unlink()
    text = by_id(parse(root / "support" / "tickets.json"))["ticket-35436"].text
    # an unknown author is never taken for an agent: no resolution from the customer's words
    assert section(text, "Resolution") == ""
    assert "refunded the duplicate charge" in section(text, "Problem")


def test_personal_data_is_redacted_from_text_and_metadata(tmp_path: Path) -> None:
    for doc in parse(copy_export(tmp_path) / "support" / "tickets.json").documents:
        shown = doc.text + repr(doc.metadata)
        assert not [item for item in PII if item in shown], doc.id_
    text = by_id(parse(tmp_path / "zendesk" / "support" / "tickets.json"))["ticket-35436"].text
    assert "[EMAIL]" in text and "[PHONE]" in text


def test_the_product_comes_from_the_configured_custom_field(tmp_path: Path) -> None:
    plain = by_id(parse(copy_export(tmp_path / "a") / "support" / "tickets.json"))
    assert plain["ticket-35436"].metadata["product"] == ""
    config = "zendesk:\n  product_field: 360012345678\n"
    docs = by_id(parse(copy_export(tmp_path / "b", config) / "support" / "tickets.json"))
    assert docs["ticket-35436"].metadata["product"] == "payments"
    assert docs["ticket-35437"].metadata["product"] == "accounts"


def test_ticket_from_zendesk_makes_the_export_parsers_document(tmp_path: Path) -> None:
    root = copy_export(tmp_path)
    ticket = load(root / "support" / "tickets.json")["tickets"][0]
    comments = load(root / "support" / "comments" / "35436.json")["comments"]
    users = load(root / "support" / "users.json")["users"]
    config = ZendeskConfig(product_field="360012345678")
    doc = ticket_from_zendesk(ticket, comments, users, config)
    save(root / "kbassist.yaml", {"zendesk": {"product_field": 360012345678}})  # JSON is YAML
    exported = by_id(parse(root / "support" / "tickets.json"))["ticket-35436"]
    assert doc is not None and doc.text == exported.text
    assert {k: v for k, v in doc.metadata.items() if k != "source_path"} == {
        k: v for k, v in exported.metadata.items() if k != "source_path"
    }
    assert ticket_from_zendesk(dict(ticket, status="pending"), comments, users) is None


def test_a_bad_comment_names_the_comment_and_its_field() -> None:
    ticket = {"id": 7, "subject": "s", "description": "d", "status": "solved"}
    with pytest.raises(FieldError) as caught:
        ticket_from_zendesk(
            ticket, [{"body": "x", "public": True}, {"body": "y", "public": "no"}], []
        )
    assert caught.value.field == "comments[1].public"


def test_a_bad_ticket_fails_alone_naming_file_record_and_field(tmp_path: Path) -> None:
    path = copy_export(tmp_path) / "support" / "tickets.json"
    data = load(path)
    data["tickets"][1]["description"] = None
    save(path, data)
    result = parse(path)
    (issue,) = result.issues
    assert issue.source == str(path) and issue.field == "tickets[1].description"
    assert "35437" in issue.message and issue.line is not None
    assert set(by_id(result)) == {"ticket-35436"} and result.skipped == 1


def test_a_ticket_exported_twice_is_read_from_its_latest_copy(tmp_path: Path) -> None:
    path = copy_export(tmp_path) / "support" / "tickets.json"
    data = load(path)
    first = {"subject": "Charged twice (first report)", "updated_at": "2026-04-02T10:30:00Z"}
    older = dict(data["tickets"][0], **first, generated_timestamp=1775125800)
    data["tickets"].insert(0, older)
    save(path, data)
    result = parse(path)
    assert by_id(result)["ticket-35436"].metadata["title"] == "Charged twice for the March invoice"
    assert result.skipped == 2 and result.issues == []  # the open ticket and the older copy


def test_a_ticket_without_subject_is_titled_by_its_description() -> None:
    asked = "Chat: how do I add a second admin to my workspace today please"
    ticket = {
        "id": 8,
        "subject": None,
        "raw_subject": None,
        "status": "closed",
        "description": asked,
    }
    doc = ticket_from_zendesk(ticket, [], [])
    assert doc is not None
    assert doc.metadata["title"] == "Chat: how do I add a second admin to my workspace today ..."
