"""One bad record fails alone: deeply nested JSON and oversized CSV cells are that record's
problem, named by file and line, and every other record of the file still goes in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.sources import Limits, jsonio
from ingest.sources.collections import parse_collection
from ingest.sources.tickets import parse_tickets_csv
from tests.ingest.test_tickets import csv_text, jsonl, ticket

NESTED = '{"id": 9, "subject": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.mark.parametrize("text", [NESTED, "[" * 70 + "]" * 70])
def test_deeply_nested_json_is_an_error_not_a_crash(text: str) -> None:
    with pytest.raises(jsonio.JsonError, match="nested deeper than 64"):
        jsonio.loads(text)


def test_json_within_the_depth_parses() -> None:
    assert jsonio.loads("[" * 60 + "1" + "]" * 60) is not None
    with pytest.raises(jsonio.JsonError, match=r"invalid JSON: .*column 2"):
        jsonio.loads("{x}")


def test_a_deeply_nested_ticket_line_fails_alone(tmp_path: Path) -> None:
    result = jsonl(tmp_path, ticket(id=1), NESTED, ticket(id=3))
    assert [d.metadata["title"] for d in result.documents] == ["Charged twice"] * 2
    [issue] = result.issues
    assert issue.line == 2 and "nested deeper" in issue.message
    assert str(issue).startswith(str(tmp_path / "tickets.jsonl") + ":2")


def test_a_deeply_nested_collection_line_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    lines = [json.dumps({"id": "a", "title": "A", "text": "Alpha text."}), NESTED]
    lines.append(json.dumps({"id": "c", "title": "C", "text": "Gamma text."}))
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n")
    result = parse_collection(folder, Limits())
    assert len(result.documents) == 2
    [issue] = result.issues
    assert issue.line == 2 and "nested deeper" in issue.message


def test_a_csv_cell_over_pythons_default_limit_is_read_whole(tmp_path: Path) -> None:
    long = "word " * 40_000  # 200,000 characters: over csv's default 131,072
    text = csv_text(ticket(id=1, description=long), ticket(id=2))
    path = tmp_path / "tickets.csv"
    path.write_text(text)
    result = parse_tickets_csv(path, Limits())
    assert result.issues == [] and len(result.documents) == 2


def test_a_csv_cell_over_the_document_limit_fails_alone(tmp_path: Path) -> None:
    huge = "word " * 30_000  # 150,000 characters
    text = csv_text(ticket(id=1), ticket(id=2, description=huge), ticket(id=3), ticket(id=4))
    path = tmp_path / "tickets.csv"
    path.write_text(text)
    result = parse_tickets_csv(path, Limits(max_document_chars=100_000))
    assert len(result.documents) == 3  # the rows before and after it still go in
    [issue] = result.issues
    assert issue.line == 3
    assert "limit" in issue.message  # the csv field limit or the document size limit
