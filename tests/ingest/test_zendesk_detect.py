"""A ``.json`` file is read by what it holds: articles, tickets, or a response that informs them."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.sources import read_sources
from ingest.sources.registry import parser_for
from tests.ingest.zendesk_fixtures import by_id, copy_export, parse


def test_json_files_go_to_the_zendesk_parser(tmp_path: Path) -> None:
    parser = parser_for(tmp_path / "export.JSON")
    assert parser is not None and parser.__name__ == "parse_zendesk_json"


def test_the_content_not_the_name_says_what_a_file_is(tmp_path: Path) -> None:
    root = copy_export(tmp_path)
    swapped = root / "help_center" / "tickets.json"
    (root / "help_center" / "articles.json").rename(swapped)
    assert {doc.metadata["source_type"] for doc in parse(swapped).documents} == {"article"}
    support = parse(root / "support" / "tickets.json").documents
    assert {doc.metadata["source_type"] for doc in support} == {"ticket"}
    for informing in ("users.json", "ticket_events.json", "comments/35436.json"):
        result = parse(root / "support" / informing)
        assert (result.documents, result.skipped, result.issues) == ([], 0, [])


def test_other_json_is_reported_naming_what_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"name": "site", "version": "1.0.0"}))
    (issue,) = parse(path).issues
    assert issue.source == str(path)
    assert "not a Zendesk export" in issue.message and "name, version" in issue.message
    assert "articles" in issue.message and "tickets" in issue.message


def test_broken_json_and_a_list_that_is_not_a_list_name_the_line_or_key(tmp_path: Path) -> None:
    broken = tmp_path / "tickets.json"
    broken.write_text('{\n  "tickets": [\n    {"id": 1,}\n  ]\n}\n')
    (issue,) = parse(broken).issues
    assert issue.line == 3 and "invalid JSON" in issue.message
    wrong = tmp_path / "articles.json"
    wrong.write_text('{"articles": {"id": 1}}')
    (issue,) = parse(wrong).issues
    assert issue.field == "articles" and "list" in issue.message


def test_comments_need_their_ticket_id_in_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "comments.json"
    path.write_text('{"comments": [], "next_page": null, "previous_page": null, "count": 0}')
    (issue,) = parse(path).issues
    assert "which ticket" in issue.message


def test_ingesting_the_export_folder_reads_everything_and_the_counts_add_up(
    tmp_path: Path,
) -> None:
    root = copy_export(tmp_path)
    result = read_sources([root])
    assert result.issues == []
    assert sorted(by_id(result)) == [
        "ticket-35436",
        "ticket-35437",
        "zendesk-article-360001234501-en-us",
        "zendesk-article-360001234502-en-us",
    ]
    assert result.skipped == 2  # the draft article and the open ticket
