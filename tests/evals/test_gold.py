"""load_gold: a good file in YAML and JSONL, and each malformed case named precisely."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from assistant.errors import ErrorCode, KbassistError
from evals.gold import GoldItem, load_gold

GOOD = textwrap.dedent(
    """\
    version: 1
    name: tiny
    items:
      - id: q001
        question: How long is a password reset link valid?
        relevant: [kb-1001]
        forbidden: [kb-1047]
        answer: A reset link is valid for 60 minutes.
        answerable: true
        team: tier1
        split: dev
        tags: [accounts]
      - id: q002
        ticket:
          subject: Charged twice
          description: My card was charged twice for one invoice.
          product: payments
          customer_tier: gold
        history: ["I have a billing question"]
        relevant: {kb-2001: 2, pb-dup: 1, kb-0: 0}
        next_actions: [refund]
        team: [tier1, billing]
      - id: q003
        question: What is the capital of France?
        answerable: false
    """
)


def write(tmp_path: Path, text: str, name: str = "gold.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(KbassistError) as info:
        load_gold(path)
    assert info.value.code is ErrorCode.BAD_INPUT
    assert str(path) in info.value.detail
    return info.value.detail


def test_good_yaml(tmp_path: Path) -> None:
    gold = load_gold(write(tmp_path, GOOD))
    assert gold.name == "tiny" and gold.version == 1
    q1, q2, q3 = gold.items
    assert q1.relevant == {"kb-1001": 1.0}
    assert q1.team == ["tier1"] and q1.audience().teams == frozenset({"tier1"})
    assert q1.split == "dev" and q2.split == "test"  # unmarked items are held out
    assert q2.relevant_docs() == {"kb-2001": 2.0, "pb-dup": 1.0}  # grade 0 is not relevant
    assert q2.text() == "Charged twice\nMy card was charged twice for one invoice."
    assert q2.request().history[0].text == "I have a billing question"
    assert q2.next_actions == ["refund"]
    assert not q3.answerable and q3.relevant == {}
    assert [i.id for i in gold.split("dev")] == ["q001"]


def test_good_jsonl_takes_its_name_from_the_file(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "question": "Reset link?", "relevant": ["kb-1"], "answer": "60 minutes"},
        {"id": 7, "question": "Refund?", "relevant": {"kb-2": 1}, "team": "tier2"},
    ]
    path = write(tmp_path, "\n".join(json.dumps(r) for r in rows) + "\n\n", "mine.jsonl")
    gold = load_gold(path)
    assert gold.name == "mine"
    assert [i.id for i in gold.items] == ["a", "7"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("name: x\nitems:\n  - id: q1\n    question: a: b", "line 4: invalid YAML"),
        ("- just a list", "file: the top level must be a mapping"),
        ("name: x\nitems: []", "field 'items': must be a non-empty list"),
        (
            "items:\n  - id: q1\n    question: Q?\n  - plain text",
            "item 2: an item must be a mapping",
        ),
        ("items:\n  - question: Q?", "item 1: field 'id': Field required"),
        ("items:\n  - id: q1\n    team: tier1", "item 1 (id q1): give a non-empty question"),
        ("items:\n  - id: q1\n    question: '  '", "item 1 (id q1): give a non-empty question"),
        (
            "items:\n  - id: q1\n    question: Q?\n    ticket: {subject: S}",
            "item 1 (id q1): give a question or a ticket, not both",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    relevant: {kb-1: -1}",
            "item 1 (id q1): field 'relevant': grade of 'kb-1' must be >= 0",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    relevant: kb-1",
            "item 1 (id q1): field 'relevant': Input should be a valid dictionary",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    relevent: [kb-1]",
            "item 1 (id q1): field 'relevent': Extra inputs are not permitted",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    next_actions: [refnud]",
            "item 1 (id q1): field 'next_actions.0': Input should be 'escalate'",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    split: train",
            "item 1 (id q1): field 'split': Input should be 'dev' or 'test'",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    answerable: maybe",
            "item 1 (id q1): field 'answerable': Input should be a valid boolean",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    answerable: false\n    relevant: [kb-1]",
            "item 1 (id q1): an unanswerable item must not list relevant documents",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n    relevant: [kb-1]\n    forbidden: [kb-1]",
            "item 1 (id q1): documents both relevant and forbidden: kb-1",
        ),
        (
            "items:\n  - id: q1\n    question: Q?\n  - id: q1\n    question: R?",
            "item 2 (id q1): duplicate id, also item 1",
        ),
        ("version: 2\nitems:\n  - id: q1\n    question: Q?", "header: field 'version'"),
        ("nmae: x\nitems:\n  - id: q1\n    question: Q?", "header: field 'nmae'"),
    ],
)
def test_malformed_yaml_names_the_item_and_field(tmp_path: Path, body: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, body))


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "question": "Q?"})
    assert "line 2: invalid JSON" in error_of(write(tmp_path, good + "\n{oops\n", "g.jsonl"))
    bad = json.dumps({"id": "b", "question": "Q?", "split": "train"})
    detail = error_of(write(tmp_path, f"{good}\n\n{bad}\n", "h.jsonl"))
    assert "line 3 (id b): field 'split'" in detail


def test_missing_and_empty_files(tmp_path: Path) -> None:
    assert "no such gold set file" in error_of(tmp_path / "nope.yaml")
    assert "file: no items" in error_of(write(tmp_path, "\n", "empty.jsonl"))


def test_question_too_long_is_reported_at_load_time() -> None:
    with pytest.raises(ValueError, match="question"):
        GoldItem(id="q", question="x" * 5000)


def test_answer_annotations() -> None:
    item = GoldItem(
        id="q",
        question="Charged twice?",
        relevant={"pb-dup": 2, "kb-20": 2, "ticket-1": 1},
        must_contain=["500 USD", "5 to 10 business days"],
        next_actions=["refund"],
        playbook="pb-dup",
    )
    assert item.expected_top() == {"pb-dup", "kb-20"}  # the highest grade
    assert item.expected_playbook() == "pb-dup"
    chosen = GoldItem(id="q", question="Q?", relevant={"kb-1": 2, "kb-2": 1}, top_citation=["kb-2"])
    assert chosen.expected_top() == {"kb-2"} and chosen.playbook is None
    assert GoldItem(id="q", question="Q?", playbook="none").expected_playbook() is None
    assert GoldItem(id="q", question="Q?").expected_top() == set()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"relevant": ["kb-1"], "top_citation": "kb-9"}, "top citation not among the relevant"),
        ({"answerable": False, "must_contain": ["60 minutes"]}, "no facts or top citation"),
        ({"relevant": ["kb-1"], "must_contain": [" "]}, "a fact is empty"),
        ({"playbook": "pb-x", "forbidden": ["pb-x"]}, "playbook 'pb-x' is also forbidden"),
        ({"playbook": "none", "next_actions": ["refund"]}, "cannot be 'none'"),
    ],
)
def test_inconsistent_annotations_are_named(fields: dict[str, object], expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        GoldItem.model_validate({"id": "q", "question": "Q?", **fields})
