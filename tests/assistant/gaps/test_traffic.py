"""The labelled question log of examples/traffic, and the errors a bad log gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import KbassistError
from assistant.gaps.traffic import load_traffic
from tests.conftest import REPO

LEDGERLY = REPO / "examples" / "traffic" / "ledgerly.yaml"


def test_the_sample_log_covers_about_twenty_topics_half_of_them_in_the_kb() -> None:
    traffic = load_traffic(LEDGERLY)
    covered = [t for t in traffic.topics if t.covered]
    assert len(traffic.topics) == 20 and len(covered) == 10
    assert all(len(t.questions) >= 3 for t in traffic.topics)  # paraphrases
    assert all(t.decision == "override" for t in traffic.topics if not t.covered)
    assert len(traffic) == 100
    asked = list(traffic.items())
    assert len({a.asker for a in asked}) == len(traffic.agents)
    assert {team for a in asked for team in a.teams} == {"billing"}


def test_the_sample_log_does_not_reuse_the_gold_questions() -> None:
    gold = " ".join(p.read_text().lower() for p in (REPO / "evals" / "gold").rglob("*.yaml"))
    reused = [a.question for a in load_traffic(LEDGERLY).items() if a.question.lower() in gold]
    assert reused == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "agents: {a: [t]}\ntopics: [{id: x, covered: 1, decision: shrug, askers: [a],"
            " answer: y, questions: [q]}]",
            "topics.0.decision",
        ),
        (
            "agents: {a: [t]}\ntopics: [{id: x, covered: false, decision: accept, askers: [zed],"
            " answer: y, questions: [q]}]",
            "asker 'zed' is not in agents",
        ),
        (
            "agents: {a: [t]}\ntopics: [{id: x, covered: false, decision: override, askers: [a],"
            " answer: y, questions: [q]}]",
            "an override needs a reason",
        ),
        ("agents: [unclosed", "is not valid YAML (line 1)"),
    ],
)
def test_a_bad_log_names_the_file_and_the_field(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "traffic.yaml"
    path.write_text(text)
    with pytest.raises(KbassistError) as raised:
        load_traffic(path)
    assert raised.value.detail.startswith(f"{path}: ")
    assert named in raised.value.detail


def test_a_missing_log_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KbassistError, match="cannot be read"):
        load_traffic(tmp_path / "nope.yaml")
