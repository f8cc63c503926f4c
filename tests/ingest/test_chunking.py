"""StructureChunker: section paths, windows, playbook step groups, ticket notes, chunk metadata."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from llama_index.core.schema import Document, MetadataMode, TextNode
from pydantic import ValidationError

from ingest.chunking import StructureChunker
from ingest.model import CHUNK_FIELDS, DOC_FIELDS


def document(text: str, source_type: str = "article", **meta: Any) -> Document:
    metadata: dict[str, Any] = {key: "" for key in DOC_FIELDS}
    metadata.update(doc_id="doc-1", source_type=source_type, title="Reset your password")
    metadata.update(tags=["login", "password"], visibility="public", source_path="x.md")
    metadata.update(meta)
    return Document(id_=metadata["doc_id"], text=text, metadata=metadata)


def chunk(doc: Document, **settings: int) -> list[TextNode]:
    return StructureChunker(**settings)([doc])


ARTICLE = """# Reset your password

Intro paragraph.

## Steps

Click the link.

### Email not received

Check spam.

## Empty section

## Troubleshooting

#### Deep

Deep text.
"""


def test_sections_follow_the_heading_chain() -> None:
    sections = [c.metadata["section"] for c in chunk(document(ARTICLE))]
    assert sections == [
        "Reset your password",
        "Reset your password > Steps",
        "Reset your password > Steps > Email not received",
        "Reset your password > Troubleshooting > Deep",
    ]


def test_chunk_text_is_the_section_body() -> None:
    texts = [c.text for c in chunk(document(ARTICLE))]
    assert texts == ["Intro paragraph.", "Click the link.", "Check spam.", "Deep text."]


def test_text_without_h1_uses_the_title_as_root() -> None:
    nodes = chunk(document("Lead text.\n\n## Part\n\nMore."))
    assert [c.metadata["section"] for c in nodes] == [
        "Reset your password",
        "Reset your password > Part",
    ]


def test_headings_inside_code_fences_do_not_split() -> None:
    nodes = chunk(document("# T\n\n```sh\n# a comment\nls\n```\n"))
    assert len(nodes) == 1
    assert "# a comment" in nodes[0].text


def test_a_code_block_cut_across_chunks_is_closed_and_reopened_in_each() -> None:
    lines = [f"  -{i}, --flag{i} int   what flag {i} does. (default {i})" for i in range(30)]
    options = "\n".join(lines)
    text = f"# T\n\nRun the command.\n\n```sh\n{options}\n```\n\nThen check the output."
    nodes = chunk(document(text), max_words=40, overlap_words=8)
    assert len(nodes) > 2
    for node in nodes:  # each chunk reads as Markdown on its own: its code is never prose
        fences = [line for line in node.text.split("\n") if line.startswith("```")]
        assert len(fences) % 2 == 0, node.text
        if "--flag" in node.text:
            assert node.text.index("```sh") < node.text.index("--flag")
    middle = nodes[1].text
    assert middle.startswith("```sh\n") and middle.endswith("\n```")
    # a code line is never cut at a ". " inside it
    assert "  -3, --flag3 int   what flag 3 does. (default 3)" in "\n".join(n.text for n in nodes)
    assert nodes[-1].text.endswith("Then check the output.")


def test_a_table_cut_across_chunks_starts_each_chunk_with_its_header() -> None:
    rows = "\n".join(
        f"| Plan {i} | {i * 10} requests. Then a note on plan {i}. |" for i in range(20)
    )
    text = f"# T\n\nLimits by plan.\n\n| Plan | Limit |\n|---|---|\n{rows}\n\nAfter the table."
    nodes = chunk(document(text), max_words=40, overlap_words=8)
    with_rows = [n.text for n in nodes if "| Plan 1" in n.text or "| Plan 7" in n.text]
    assert len(nodes) > 2 and with_rows
    for node in nodes:
        if "| Plan " in node.text and "requests" in node.text:
            start = node.text.index("| Plan | Limit |\n|---|---|\n")
            assert start < node.text.index("requests")
    # a row is never cut at the ". " inside a cell
    assert all(
        f"| Plan {i} | {i * 10} requests. Then a note on plan {i}. |"
        in "\n".join(n.text for n in nodes)
        for i in range(20)
    )


def test_a_table_without_outer_pipes_and_short_rule_cells_is_cut_the_same_way() -> None:
    rows = "\n".join(f"Host {i}|See the guide. Then a note on host {i}." for i in range(20))
    text = f"# T\n\nBy host.\n\nHost|Notes\n:--|:--\n{rows}\n\nAfter the table."
    nodes = chunk(document(text), max_words=40, overlap_words=8)
    cut = [n.text for n in nodes if "Then a note on host" in n.text]
    assert len(cut) > 1
    assert all(t.index("Host|Notes\n:--|:--\n") < t.index("Then a note") for t in cut)


def test_long_section_is_windowed_at_sentence_boundaries_with_overlap() -> None:
    sentences = [f"Sentence number {i} has exactly six words." for i in range(40)]
    nodes = chunk(document("# T\n\n" + " ".join(sentences)), max_words=50, overlap_words=14)
    assert len(nodes) > 1
    for node in nodes:
        assert len(node.text.split()) <= 50
        assert node.text.startswith("Sentence number") and node.text.endswith("words.")
        assert node.metadata["section"] == "T"
    first, second = nodes[0].text.split(". "), nodes[1].text.split(". ")
    assert second[:2] == [s.rstrip(".") for s in first[-2:]]


def test_windows_cover_every_sentence() -> None:
    sentences = [f"Fact {i} is here." for i in range(100)]
    nodes = chunk(document(" ".join(sentences)), max_words=30, overlap_words=5)
    joined = " ".join(n.text for n in nodes)
    assert all(s in joined for s in sentences)


def test_chunk_metadata_has_every_chunk_field() -> None:
    doc = document(ARTICLE, url="https://x", owner="jane", updated_at="2026-03-01")
    node = chunk(doc)[1]
    assert set(CHUNK_FIELDS) <= set(node.metadata)
    assert node.metadata["tags"] == "login,password"
    assert node.metadata["chunk_index"] == 1
    assert node.metadata["content_hash"] == hashlib.sha256(b"Click the link.").hexdigest()
    assert node.metadata["doc_hash"] == doc.hash
    assert node.metadata["url"] == "https://x"
    assert all(isinstance(v, str | int) for v in node.metadata.values())


def test_chunks_are_numbered_and_point_at_their_document() -> None:
    nodes = chunk(document(ARTICLE))
    assert [n.id_ for n in nodes] == ["doc-1::0", "doc-1::1", "doc-1::2", "doc-1::3"]
    assert all(n.ref_doc_id == "doc-1" for n in nodes)


def test_only_title_and_section_are_embedded() -> None:
    node = chunk(document(ARTICLE))[1]
    assert node.get_content(MetadataMode.EMBED) == (
        "title: Reset your password\nsection: Reset your password > Steps\n\nClick the link."
    )
    assert node.get_content(MetadataMode.LLM) == node.get_content(MetadataMode.EMBED)


PLAYBOOK = """# Duplicate charge

## When to use

- Charged twice

## Steps

1. One.
2. Two.
3. Three.
4. Four.
5. Five.

## Escalation

- When over 500 USD: escalate to billing within 4h."""
ACTIONS = [
    {"step": 2, "kind": "refund", "label": "Refund up to 500 USD", "max_amount": 500},
    {"step": 4, "kind": "macro", "label": "Apply macro: Done", "name": "Done"},
    {"step": None, "kind": "escalate", "label": "Escalate to billing", "team": "billing",
     "when": "over 500 USD"},
]  # fmt: skip


def playbook_chunks(**settings: int) -> list[TextNode]:
    doc = document(PLAYBOOK, "playbook", title="Duplicate charge", actions=json.dumps(ACTIONS))
    return chunk(doc, **settings)


def test_playbook_steps_are_grouped_by_three_keeping_numbers() -> None:
    nodes = playbook_chunks()
    assert [n.metadata["section"] for n in nodes] == [
        "Duplicate charge > When to use",
        "Duplicate charge > Steps 1-3",
        "Duplicate charge > Steps 4-5",
        "Duplicate charge > Escalation",
    ]
    assert nodes[1].text == "1. One.\n2. Two.\n3. Three."
    assert nodes[2].text == "4. Four.\n5. Five."
    assert [n.metadata["steps"] for n in nodes] == ["", "1-3", "4-5", ""]


def test_step_actions_go_to_the_chunk_of_their_step() -> None:
    nodes = playbook_chunks()
    assert json.loads(nodes[1].metadata["actions"]) == [ACTIONS[0]]
    assert json.loads(nodes[2].metadata["actions"]) == [ACTIONS[1]]
    assert json.loads(nodes[0].metadata["actions"]) == []


def test_escalation_chunk_carries_the_escalation_actions() -> None:
    assert json.loads(playbook_chunks()[-1].metadata["actions"]) == [ACTIONS[2]]


def test_long_steps_make_smaller_groups() -> None:
    nodes = playbook_chunks(max_words=4, overlap_words=1)
    steps = [n.metadata["steps"] for n in nodes if n.metadata["steps"]]
    assert steps == ["1-2", "3-4", "5"]
    assert nodes[3].metadata["section"] == "Duplicate charge > Step 5"


TICKET = """# Charged twice

## Problem

Two charges.

## Resolution

Refunded one.

## Internal notes

Stripe shows two captures."""


def test_internal_notes_of_a_public_ticket_are_internal() -> None:
    nodes = chunk(document(TICKET, "ticket", title="Charged twice", visibility="public"))
    assert [(n.metadata["section"], n.metadata["visibility"]) for n in nodes] == [
        ("Charged twice > Problem", "public"),
        ("Charged twice > Resolution", "public"),
        ("Charged twice > Internal notes", "internal"),
    ]


def test_internal_notes_keep_a_team_visibility() -> None:
    nodes = chunk(document(TICKET, "ticket", visibility="team:billing"))
    assert nodes[-1].metadata["visibility"] == "team:billing"


def test_collection_without_headings_is_one_titled_section() -> None:
    doc = document("# Quick Guides\n\nLearn fast.", "collection", title="Quick Guides")
    nodes = chunk(doc)
    assert [(n.metadata["section"], n.text) for n in nodes] == [("Quick Guides", "Learn fast.")]


def test_untitled_collection_document_has_an_empty_section() -> None:
    nodes = chunk(document("Just a passage.", "collection", title=""))
    assert (nodes[0].metadata["section"], nodes[0].text) == ("", "Just a passage.")


def test_document_without_text_gives_no_chunks() -> None:
    assert chunk(document("# Only a heading")) == []


def test_overlap_must_be_smaller_than_the_window() -> None:
    with pytest.raises(ValidationError):
        StructureChunker(max_words=20, overlap_words=20)
