"""The source-type registry: one table behind SOURCE_TYPES, dispatch, the parser guard, policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest.model
from ingest.model import ParseResult
from ingest.sources import Limits, read_sources, registry
from ingest.sources.playbook_actions import decode_actions
from ingest.sources.registry import (
    FLAGS,
    SOURCE_TYPES,
    TABLE,
    chunking_of,
    flags_of,
    parse_file,
    parser_for,
    suffixes,
)


def test_source_types_are_the_rows_and_the_model_re_exports_them() -> None:
    assert SOURCE_TYPES == ("article", "playbook", "ticket", "collection", "text", "docs")
    assert ingest.model.SOURCE_TYPES == SOURCE_TYPES
    assert set(FLAGS) == set(SOURCE_TYPES) == {kind.name for kind in TABLE}
    with pytest.raises(AttributeError, match="NOPE"):
        _ = ingest.model.NOPE


def test_every_suffix_has_one_parser() -> None:
    assert suffixes() == (
        ".csv", ".htm", ".html", ".json", ".jsonl", ".markdown", ".md", ".rst", ".txt", ".yaml",
        ".yml",
    )  # fmt: skip
    claimed = [s for kind in TABLE for fmt in kind.formats for s in fmt.suffixes]
    assert sorted(claimed) == list(suffixes())


def test_parser_for_files_folders_and_unknown_types(tmp_path: Path) -> None:
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "corpus.jsonl").write_text('{"id": "c1", "text": "x"}\n')
    assert parser_for(tmp_path / "guide.RST").__name__ == "parse_rst"  # type: ignore[union-attr]
    assert parser_for(tmp_path / "t.jsonl").__name__ == "parse_tickets_jsonl"  # type: ignore[union-attr]
    for collection in (tmp_path / "set", tmp_path / "set" / "corpus.jsonl"):
        assert parse_file(collection, Limits()).documents[0].id_ == "c1"
    assert parser_for(tmp_path) is None
    assert parser_for(tmp_path / "scan.pdf") is None


def test_an_unsupported_file_names_what_is_supported(tmp_path: Path) -> None:
    (issue,) = parse_file(tmp_path / "scan.pdf", Limits()).issues
    assert issue.source == str(tmp_path / "scan.pdf")
    assert issue.message.startswith("unsupported file type '.pdf' (supported: .csv, .htm,")


def test_a_parser_bug_is_an_issue_naming_the_file_without_exception_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, limits: Limits) -> ParseResult:
        raise KeyError("secret internal detail")

    monkeypatch.setitem(registry.PARSERS, ".md", broken)
    bad = tmp_path / "a.md"
    bad.write_text("---\nid: kb-1\ntitle: A\n---\nBody.\n")
    (tmp_path / "b.txt").write_text("Still read.\n")
    result = read_sources([tmp_path])
    assert [d.id_ for d in result.documents] == ["text-b"]
    (issue,) = result.issues
    assert (issue.source, issue.message) == (str(bad), "could not be parsed")
    assert "secret" not in str(issue)


def test_chunking_policies_and_flags_come_from_the_table() -> None:
    playbook = chunking_of("playbook")
    assert playbook.has_actions and playbook.step_sections == ("Steps",)
    assert chunking_of("ticket").internal_sections == flags_of("ticket").internal_sections
    assert chunking_of("text").by_paragraph and not chunking_of("article").by_paragraph
    assert not chunking_of("unknown").has_actions
    assert flags_of("playbook").expand_steps and flags_of("ticket").answer_section == "Resolution"


def test_decode_actions_reads_a_json_list_of_actions_only() -> None:
    actions = [{"step": 2, "kind": "refund", "label": "Refund"}]
    assert decode_actions(json.dumps([*actions, "junk", 3])) == actions
    for value in (None, "", "not json", '{"kind": "refund"}', 42, actions):
        assert decode_actions(value) == []
