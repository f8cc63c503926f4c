"""Generic collections: a folder holding corpus.jsonl, streamed line by line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from ingest.model import DOC_FIELDS, ParseResult
from ingest.sources import Limits
from ingest.sources.collections import parse_collection

EVALDATA = Path(__file__).resolve().parents[3] / "shared" / "evaldata"


def corpus(
    tmp_path: Path, *records: dict[str, Any] | str, limits: Limits | None = None
) -> ParseResult:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return parse_collection(tmp_path, limits or Limits())


def test_line_becomes_a_public_collection_document(tmp_path: Path) -> None:
    result = corpus(tmp_path, {"id": "s1", "title": "Quick Guides", "text": "Learn fast.", "x": 1})
    doc = result.documents[0]
    assert doc.id_ == "s1"
    assert doc.text == "# Quick Guides\n\nLearn fast."
    assert set(DOC_FIELDS) <= set(doc.metadata)
    assert doc.metadata["source_type"] == "collection"
    assert doc.metadata["visibility"] == "public"
    assert doc.metadata["source_path"] == str(tmp_path / "corpus.jsonl")
    assert "x" not in doc.metadata


def test_untitled_document_is_its_text(tmp_path: Path) -> None:
    doc = corpus(tmp_path, {"id": "p1", "title": "", "text": "Just a passage."}).documents[0]
    assert doc.text == "Just a passage."
    assert doc.metadata["title"] == ""


def test_invalid_json_line_is_reported_and_the_rest_parsed(tmp_path: Path) -> None:
    result = corpus(tmp_path, {"id": "a", "text": "A"}, "{broken", {"id": "c", "text": "C"})
    assert [d.id_ for d in result.documents] == ["a", "c"]
    assert (result.issues[0].line, "invalid JSON" in result.issues[0].message) == (2, True)


def test_missing_id_names_field_and_line(tmp_path: Path) -> None:
    issue = corpus(tmp_path, {"id": "a", "text": "A"}, {"text": "B"}).issues[0]
    assert (issue.field, issue.line) == ("id", 2)


def test_empty_passage_is_skipped_and_counted(tmp_path: Path) -> None:
    result = corpus(tmp_path, {"id": "a", "title": "T", "text": " "}, {"id": "b", "text": "B"})
    assert [d.id_ for d in result.documents] == ["b"]
    assert (result.skipped, result.issues) == (1, [])


def test_missing_text_is_reported(tmp_path: Path) -> None:
    issue = corpus(tmp_path, {"id": "a", "title": "T"}).issues[0]
    assert str(issue).endswith("corpus.jsonl:1: field 'text': is required")


def test_duplicate_ids_are_all_left_out(tmp_path: Path) -> None:
    result = corpus(tmp_path, {"id": "a", "text": "A"}, {"id": "a", "text": "B"})
    assert result.documents == []
    assert result.issues[0].field == "id"


def test_document_over_the_character_limit_is_reported(tmp_path: Path) -> None:
    limits = Limits(max_document_chars=10)
    result = corpus(
        tmp_path, {"id": "a", "text": "short"}, {"id": "b", "text": "x" * 11}, limits=limits
    )
    assert [d.id_ for d in result.documents] == ["a"]
    assert result.issues[0].line == 2


def test_folder_without_corpus_is_reported(tmp_path: Path) -> None:
    result = parse_collection(tmp_path, Limits())
    assert "cannot read file" in result.issues[0].message


def test_twelve_thousand_lines_parse_quickly(tmp_path: Path) -> None:
    text = "Some words about a feature of the product. " * 40
    records = [{"id": f"d{i}", "title": f"Doc {i}", "text": text} for i in range(12_000)]
    started = time.perf_counter()
    result = corpus(tmp_path, *records)
    assert len(result.documents) == 12_000
    assert time.perf_counter() - started < 10


@pytest.mark.evaldata
def test_shared_mtrag_collection_parses_without_issues() -> None:
    folder = EVALDATA / "mtrag_cloud_pooled"
    if not (folder / "corpus.jsonl").is_file():
        pytest.skip("../shared/evaldata is not present")
    result = parse_collection(folder, Limits())
    assert len(result.documents) == 11_724
    assert result.issues == []
