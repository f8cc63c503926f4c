"""read_sources: walking folders, dispatching by extension, ignored names, duplicates, limits."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from ingest.model import DOC_FIELDS
from ingest.sources import Limits, read_sources


def article(doc_id: str, title: str = "T") -> str:
    return f"---\nid: {doc_id}\ntitle: {title}\n---\nBody of {doc_id}.\n"


PLAYBOOK = "id: pb-1\ntitle: P\nwhen_to_use: [x]\nsteps:\n  - text: Do it.\n"
HTML = '<title>H</title><meta name="kb:id" content="kb-html"><article><p>Hi</p></article>'
TICKET = {"id": 5, "subject": "S", "description": "D", "status": "solved"}


def put(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    put(tmp_path, "articles/b.md", article("kb-b"))
    put(tmp_path, "articles/a.markdown", article("kb-a"))
    put(tmp_path, "articles/page.htm", HTML)
    put(tmp_path, "playbooks/pb.yml", PLAYBOOK)
    put(tmp_path, "tickets/t.jsonl", json.dumps(TICKET) + "\n")
    put(tmp_path, "tickets/t.csv", "id,subject,description,status\n6,S,D,closed\n")
    return tmp_path


def test_folder_is_walked_recursively_in_sorted_order(kb: Path) -> None:
    result = read_sources([kb])
    assert result.issues == []
    assert [d.id_ for d in result.documents] == [
        "kb-a", "kb-b", "kb-html", "pb-1", "ticket-6", "ticket-5",
    ]  # fmt: skip


def test_every_document_has_all_fields_as_strings(kb: Path) -> None:
    for doc in read_sources([kb]).documents:
        assert set(DOC_FIELDS) <= set(doc.metadata)
        for key in DOC_FIELDS:
            value = doc.metadata[key]
            if key == "tags":
                assert isinstance(value, list) and all(isinstance(t, str) for t in value)
            else:
                assert isinstance(value, str), key
        assert doc.metadata["doc_id"] == doc.id_


def test_source_path_is_the_file_path(kb: Path) -> None:
    docs = {d.id_: d for d in read_sources([kb]).documents}
    assert docs["pb-1"].metadata["source_path"] == str(kb / "playbooks" / "pb.yml")


def test_hidden_private_and_notice_files_are_ignored(tmp_path: Path) -> None:
    put(tmp_path, "kb.md", article("kb-1"))
    for name in (".draft.md", "_wip.md", "README.md", "readme.txt", "LICENSE", "Source.json",
                 "ORIGINAL_DATA_README.md", ".git/x.md", "_old/y.md"):  # fmt: skip
        put(tmp_path, name, "not a source")
    result = read_sources([tmp_path])
    assert [d.id_ for d in result.documents] == ["kb-1"]
    assert result.issues == []


def test_names_that_only_start_like_a_notice_are_read(tmp_path: Path) -> None:
    names = ("licensed-seats", "source-of-funds", "original-receipt", "readmeter")
    for name in names:
        put(tmp_path, f"{name}.md", article(f"kb-{name}"))
    result = read_sources([tmp_path])
    assert sorted(d.id_ for d in result.documents) == sorted(f"kb-{n}" for n in names)


def test_unsupported_file_type_is_reported(tmp_path: Path) -> None:
    put(tmp_path, "notes.pdf", "hello")
    issue = read_sources([tmp_path]).issues[0]
    assert issue.source == str(tmp_path / "notes.pdf")
    assert "unsupported file type '.pdf'" in issue.message


def test_missing_path_is_reported(tmp_path: Path) -> None:
    issue = read_sources([tmp_path / "nope"]).issues[0]
    assert issue.source == str(tmp_path / "nope")
    assert "no such file" in issue.message


def test_folder_with_corpus_is_a_collection_and_nothing_else_is_read(tmp_path: Path) -> None:
    put(tmp_path, "set/corpus.jsonl", json.dumps({"id": "c1", "text": "x"}) + "\n")
    put(tmp_path, "set/queries.jsonl", "not tickets\n")
    put(tmp_path, "set/qrels.tsv", "q\td\t1\n")
    result = read_sources([tmp_path])
    assert [d.metadata["source_type"] for d in result.documents] == ["collection"]
    assert result.issues == []


def test_explicit_corpus_file_is_read_as_a_collection(tmp_path: Path) -> None:
    path = put(tmp_path, "corpus.jsonl", json.dumps({"id": "c1", "text": "x"}) + "\n")
    assert [d.id_ for d in read_sources([path]).documents] == ["c1"]


def test_duplicate_ids_in_two_files_are_all_dropped_naming_both(tmp_path: Path) -> None:
    first = put(tmp_path, "a.md", article("kb-1", "First"))
    second = put(tmp_path, "b/c.md", article("kb-1", "Second"))
    put(tmp_path, "d.md", article("kb-2"))
    result = read_sources([tmp_path])
    assert [d.id_ for d in result.documents] == ["kb-2"]
    (issue,) = result.issues
    assert issue.source == str(first)
    assert str(second) in issue.message
    assert issue.field == "id"


def test_the_same_file_given_twice_is_read_once(tmp_path: Path) -> None:
    path = put(tmp_path, "a.md", article("kb-1"))
    result = read_sources([tmp_path, path])
    assert [d.id_ for d in result.documents] == ["kb-1"]
    assert result.issues == []


def test_limits_reach_the_parsers(tmp_path: Path) -> None:
    put(tmp_path, "a.md", article("kb-1"))
    put(tmp_path, "big.md", article("kb-2") + "word " * 100)
    result = read_sources([tmp_path], Limits(max_file_bytes=200))
    assert [d.id_ for d in result.documents] == ["kb-1"]
    assert "over the limit of 200" in result.issues[0].message


def test_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    put(tmp_path, "a.md", "---\nid: [\n---\nx\n")
    put(tmp_path, "b.md", article("kb-2"))
    result = read_sources([tmp_path])
    assert [d.id_ for d in result.documents] == ["kb-2"]
    assert result.issues[0].source == str(tmp_path / "a.md")


def test_limits_defaults_and_frozen() -> None:
    limits = Limits()
    assert (limits.max_file_bytes, limits.max_document_chars) == (64 * 1024 * 1024, 1_000_000)
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_file_bytes = 1  # type: ignore[misc]
