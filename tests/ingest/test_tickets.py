"""Resolved tickets from JSONL and CSV exports: rendering, skipping, redaction and bad records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ingest.model import DOC_FIELDS, ParseResult
from ingest.sources import Limits
from ingest.sources.tickets import parse_tickets_csv, parse_tickets_jsonl


def ticket(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": 48213,
        "subject": "Charged twice",
        "description": "I was charged twice for invoice INV-1.",
        "status": "solved",
        "product": "payments",
        "tags": ["refund", "charge"],
        "requester_name": "Maria Lopez",
        "requester_email": "maria@example.org",
        "created_at": "2026-04-02T10:11:00Z",
        "solved_at": "2026-04-02T15:40:00Z",
        "comments": [
            {"author_role": "customer", "body": "Both charges are on my statement."},
            {"author_role": "internal", "body": "Checked Stripe, two captures."},
            {"author_role": "agent", "body": "I have refunded the second charge."},
        ],
        "resolution": "Refunded the duplicate charge.",
    }
    record.update(changes)
    return record


def jsonl(tmp_path: Path, *records: dict[str, Any] | str) -> ParseResult:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return parse_tickets_jsonl(path, Limits())


COLUMNS = ["id", "subject", "description", "status", "product", "tags", "requester_name",
           "requester_email", "solved_at", "comments", "resolution"]  # fmt: skip


def csv_text(*records: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        cells = dict(record, tags=",".join(record["tags"]), comments=json.dumps(record["comments"]))
        writer.writerow([cells.get(column, "") for column in COLUMNS])
    return out.getvalue()


def parse_csv(tmp_path: Path, text: str) -> ParseResult:
    path = tmp_path / "tickets.csv"
    path.write_text(text, encoding="utf-8")
    return parse_tickets_csv(path, Limits())


def test_ticket_renders_problem_resolution_and_internal_notes(tmp_path: Path) -> None:
    doc = jsonl(tmp_path, ticket()).documents[0]
    assert doc.text == (
        "# Charged twice\n\n"
        "## Problem\n\n"
        "I was charged twice for invoice INV-1.\n\n"
        "Both charges are on my statement.\n\n"
        "## Resolution\n\n"
        "Refunded the duplicate charge.\n\n"
        "## Internal notes\n\n"
        "Checked Stripe, two captures."
    )


def test_ticket_metadata(tmp_path: Path) -> None:
    doc = jsonl(tmp_path, ticket()).documents[0]
    assert doc.id_ == "ticket-48213"
    assert set(DOC_FIELDS) <= set(doc.metadata)
    assert doc.metadata["title"] == "Charged twice"
    assert doc.metadata["updated_at"] == "2026-04-02"
    assert doc.metadata["visibility"] == "internal"
    assert doc.metadata["source_type"] == "ticket"
    assert doc.metadata["tags"] == ["refund", "charge"]


def test_empty_resolution_falls_back_to_the_last_agent_comment(tmp_path: Path) -> None:
    comments = [
        {"author_role": "agent", "body": "Looking into it."},
        {"author_role": "agent", "body": "Refunded now."},
    ]
    doc = jsonl(tmp_path, ticket(resolution="", comments=comments)).documents[0]
    assert doc.text.endswith("## Resolution\n\nRefunded now.")


def test_no_internal_notes_section_without_internal_comments(tmp_path: Path) -> None:
    doc = jsonl(tmp_path, ticket(comments=[])).documents[0]
    assert "Internal notes" not in doc.text


def test_tickets_not_solved_are_skipped_and_counted(tmp_path: Path) -> None:
    result = jsonl(
        tmp_path,
        ticket(id=1),
        ticket(id=2, status="open"),
        ticket(id=3, status="pending"),
        ticket(id=4, status="Closed"),
    )
    assert [d.id_ for d in result.documents] == ["ticket-1", "ticket-4"]
    assert result.skipped == 2
    assert result.issues == []


def test_requester_name_and_email_appear_nowhere(tmp_path: Path) -> None:
    record = ticket(
        subject="Maria Lopez charged twice",
        description="Hi, this is Maria. Mail me at maria@example.org or +1 415 555 0134.",
        tags=["maria@example.org", "refund"],
        resolution="Thanks Maria Lopez, refunded.",
    )
    doc = jsonl(tmp_path, record).documents[0]
    everything = doc.text + json.dumps(doc.metadata)
    for secret in ("Maria", "Lopez", "maria@example.org", "555 0134"):
        assert secret not in everything
    assert doc.metadata["title"] == "[NAME] charged twice"
    assert "[EMAIL]" in doc.text and "[PHONE]" in doc.text


def test_comment_bodies_are_redacted_too(tmp_path: Path) -> None:
    comments = [{"author_role": "internal", "body": "Called Maria on +44 20 7946 0958."}]
    doc = jsonl(tmp_path, ticket(comments=comments)).documents[0]
    assert doc.text.endswith("## Internal notes\n\nCalled [NAME] on [PHONE].")


def test_heading_lines_in_ticket_text_are_escaped(tmp_path: Path) -> None:
    doc = jsonl(tmp_path, ticket(description="## Internal notes\nnot really")).documents[0]
    assert "\\## Internal notes\nnot really" in doc.text


def test_invalid_json_line_is_reported_and_the_rest_parsed(tmp_path: Path) -> None:
    result = jsonl(tmp_path, ticket(id=1), "{not json", ticket(id=3))
    assert [d.id_ for d in result.documents] == ["ticket-1", "ticket-3"]
    assert len(result.issues) == 1
    assert result.issues[0].line == 2
    assert "invalid JSON" in result.issues[0].message


def test_line_that_is_not_an_object_is_reported(tmp_path: Path) -> None:
    result = jsonl(tmp_path, "[1, 2]")
    assert result.issues[0].line == 1
    assert "JSON object" in result.issues[0].message


def test_missing_required_field_names_field_and_line(tmp_path: Path) -> None:
    record = ticket()
    del record["subject"]
    result = jsonl(tmp_path, ticket(id=1), record)
    issue = result.issues[0]
    assert (issue.field, issue.line) == ("subject", 2)
    assert str(issue).endswith("tickets.jsonl:2: field 'subject': is required")


def test_missing_status_is_reported(tmp_path: Path) -> None:
    assert jsonl(tmp_path, ticket(status=None)).issues[0].field == "status"


def test_unknown_comment_role_is_reported(tmp_path: Path) -> None:
    result = jsonl(tmp_path, ticket(comments=[{"author_role": "bot", "body": "x"}]))
    assert result.issues[0].field == "comments[0].author_role"


def test_invalid_solved_date_is_reported(tmp_path: Path) -> None:
    result = jsonl(tmp_path, ticket(solved_at="yesterday"))
    assert result.documents == []
    assert result.issues[0].field == "solved_at"


def test_duplicate_ids_in_one_file_are_all_left_out(tmp_path: Path) -> None:
    result = jsonl(tmp_path, ticket(id=7), ticket(id=8), ticket(id=7))
    assert [d.id_ for d in result.documents] == ["ticket-8"]
    assert "lines 1, 3" in result.issues[0].message


def test_empty_jsonl_file_is_reported(tmp_path: Path) -> None:
    assert jsonl(tmp_path, "").issues[0].message == "empty file"


def test_csv_and_jsonl_give_the_same_document(tmp_path: Path) -> None:
    from_csv = parse_csv(tmp_path, csv_text(ticket())).documents[0]
    from_jsonl = jsonl(tmp_path, ticket()).documents[0]
    assert from_csv.text == from_jsonl.text
    assert from_csv.metadata["tags"] == ["refund", "charge"]
    assert from_csv.metadata["updated_at"] == "2026-04-02"


def test_csv_unsolved_rows_are_skipped(tmp_path: Path) -> None:
    result = parse_csv(tmp_path, csv_text(ticket(id=1), ticket(id=2, status="new")))
    assert (len(result.documents), result.skipped) == (1, 1)


def test_csv_row_with_wrong_cell_count_is_reported_by_line(tmp_path: Path) -> None:
    text = csv_text(ticket(id=1)) + "2,short row\n" + csv_text(ticket(id=3)).split("\n", 1)[1]
    result = parse_csv(tmp_path, text)
    assert [d.id_ for d in result.documents] == ["ticket-1", "ticket-3"]
    assert result.issues[0].line == 3
    assert "2 cells" in result.issues[0].message


def test_csv_line_numbers_count_multiline_cells(tmp_path: Path) -> None:
    text = csv_text(ticket(id=1, description="line one\nline two\nline three"), ticket(id=2))
    bad = text + "3,,desc,solved,,,,,,[],\n"
    issue = parse_csv(tmp_path, bad).issues[0]
    assert (issue.line, issue.field) == (6, "subject")


def test_csv_missing_column_is_reported(tmp_path: Path) -> None:
    result = parse_csv(tmp_path, "id,subject,status\n1,Hi,solved\n")
    assert result.documents == []
    assert (result.issues[0].line, result.issues[0].field) == (1, "description")


def test_csv_comments_cell_that_is_not_json_is_reported(tmp_path: Path) -> None:
    text = csv_text(ticket()).replace('"[{', '"oops[{', 1)
    issue = parse_csv(tmp_path, text).issues[0]
    assert (issue.field, issue.line) == ("comments", 2)
