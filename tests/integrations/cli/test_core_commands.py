"""kbassist ingest / status / search / ask, run through click on a temporary data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.settings import get_settings
from assistant.suggestion_db import SqlSuggestionStore
from ingest.sources.registry import SOURCE_TYPES
from integrations.cli import cli

pytestmark = pytest.mark.slow

SUGGESTION_FIELDS = {
    "answer",
    "citations",
    "next_actions",
    "reply_draft",
    "confidence",
    "abstained",
    "reason",
}


def run(data_dir: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], env=env)


def test_ingest_json_prints_exactly_the_counts_and_reruns_embed_nothing(
    tmp_path: Path, tiny_kb: Path
) -> None:
    first = run(tmp_path, "ingest", str(tiny_kb), "--json")
    assert first.exit_code == 0, first.output
    assert "%|" not in first.stderr  # no library progress bars around the counts
    counts = json.loads(first.stdout.strip().splitlines()[-1])
    assert counts == {
        "added": 6,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "skipped": 1,
        "failed": 0,
    }
    again = json.loads(run(tmp_path, "ingest", str(tiny_kb), "--json").stdout.splitlines()[-1])
    assert again["unchanged"] == 6 and again["added"] == 0


def test_ingest_shows_a_bar_for_the_documents_then_for_each_index_it_rebuilds(
    tmp_path: Path, tiny_kb: Path
) -> None:
    first = run(tmp_path, "ingest", str(tiny_kb), env={"KBASSIST_SENTENCE_MEANING": "true"})
    assert first.exit_code == 0, first.output
    stages = ["Ingesting", "Indexing words", "Indexing 2-sentence windows"]
    stages.append("Embedding answer sentences")  # the sentence vectors take longest
    at = [first.stderr.find(label) for label in stages]
    assert -1 not in at and at == sorted(at), first.stderr
    again = run(tmp_path, "ingest", str(tiny_kb), env={"KBASSIST_SENTENCE_MEANING": "true"})
    assert "Ingesting" in again.stderr and "Indexing" not in again.stderr  # nothing to rebuild


def test_bad_input_exits_non_zero_naming_the_file_and_line(tmp_path: Path, tiny_kb: Path) -> None:
    (tiny_kb / "tickets" / "more.jsonl").write_text('{"id": 9, "subject": "x"\n')
    result = run(tmp_path, "ingest", str(tiny_kb))
    assert result.exit_code != 0
    assert "more.jsonl:1" in result.stderr
    assert "added 6" in result.stdout  # the rest of the batch still went in


def test_status_reports_documents_and_chunks_per_source_type(tmp_path: Path, tiny_kb: Path) -> None:
    run(tmp_path, "ingest", str(tiny_kb))
    status = json.loads(run(tmp_path, "status", "--json").stdout)
    every_type = dict.fromkeys(SOURCE_TYPES, 0)  # each registered type, even with none
    assert status["documents"] == every_type | {"article": 3, "playbook": 1, "ticket": 2}
    assert all(status["chunks"][t] >= status["documents"][t] for t in status["documents"])
    assert status["model"].startswith("bundled:") and status["store"].endswith("chroma")


def test_data_dir_comes_from_the_environment_too(tmp_path: Path, tiny_kb: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", str(tiny_kb), "--json"], env={"KBASSIST_DATA_DIR": str(tmp_path / "env")}
    )
    assert result.exit_code == 0
    assert (tmp_path / "env" / "chroma").is_dir()


def test_search_lists_ranked_chunks_and_hides_other_teams_content(
    tmp_path: Path, tiny_kb: Path
) -> None:
    run(tmp_path, "ingest", str(tiny_kb))
    rows = json.loads(run(tmp_path, "search", "restore a deleted invoice", "--json").stdout)
    assert rows and {"score", "doc_id", "source_type", "title", "section"} <= set(rows[0])
    assert "kb-3" not in {r["doc_id"] for r in rows}
    tier2 = json.loads(
        run(tmp_path, "search", "restore a deleted invoice", "--team", "tier2", "--json").stdout
    )
    assert tier2[0]["doc_id"] == "kb-3"


def test_ask_json_has_the_suggestion_fields_and_abstains_off_topic(
    tmp_path: Path, tiny_kb: Path
) -> None:
    run(tmp_path, "ingest", str(tiny_kb))
    answered = json.loads(run(tmp_path, "ask", "I was charged twice, refund?", "--json").stdout)
    assert set(answered) >= SUGGESTION_FIELDS
    assert not answered["abstained"] and answered["citations"]
    off = json.loads(run(tmp_path, "ask", "What is the capital of France?", "--json").stdout)
    assert off["abstained"] and off["citations"] == []
    plain = run(tmp_path, "ask", "What is the capital of France?")
    assert "does not cover" in plain.stdout


def test_ask_lists_each_source_once_with_its_url_and_prints_no_progress_noise(
    tmp_path: Path, tiny_kb: Path
) -> None:
    run(tmp_path, "ingest", str(tiny_kb))
    result = run(tmp_path, "ask", "How do I reset my password?")
    assert result.exit_code == 0, result.output
    sources = result.stdout.split("Sources:\n")[1].split("\n\n")[0].splitlines()
    first = sources[0].strip()
    assert first.startswith("[1] Reset your password"), sources
    assert first.count("Reset your password") == 1  # the title is not repeated as its section
    assert first.endswith("https://help.example.com/articles/kb-1")
    assert "Loading weights" not in result.stderr and "%|" not in result.stderr


def test_an_empty_query_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, "search", "   ")
    assert result.exit_code == 2 and "empty" in result.output


def test_the_abstention_threshold_setting_is_applied(
    tmp_path: Path, tiny_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(tmp_path, "ingest", str(tiny_kb))
    question = "how long is a password reset link valid"  # answered, no playbook for it
    default = json.loads(run(tmp_path, "ask", question, "--json").stdout)
    assert not default["abstained"] and default["confidence"] < 0.9
    monkeypatch.setenv("KBASSIST_ABSTAIN_THRESHOLD", "0.9")
    get_settings.cache_clear()
    strict = json.loads(run(tmp_path, "ask", question, "--json").stdout)
    assert strict["abstained"] and strict["citations"] == []
    assert strict["answerability"] == default["confidence"]  # the same estimate, now too low
    assert strict["confidence"] == 0.0  # an abstention gives no answer that could be right


def test_bad_configuration_names_the_variable_and_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBASSIST_ABSTAIN_THRESHOLD", "2")
    result = run(tmp_path, "status")
    assert result.exit_code == 4
    assert "KBASSIST_ABSTAIN_THRESHOLD: Input should be less than or equal to 1" in result.output
    monkeypatch.setenv("KBASSIST_ABSTAIN_THRESHOLD", "0.5")
    monkeypatch.setenv("KBASSIST_CHUNK_MAX_WORDS", "20")
    monkeypatch.setenv("KBASSIST_CHUNK_OVERLAP_WORDS", "30")
    get_settings.cache_clear()
    result = run(tmp_path, "status")
    assert result.exit_code == 4 and "must be smaller than chunk_max_words" in result.output


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("KBASSIST_SLACK_USER_TEAMS", "not json", "KBASSIST_SLACK_USER_TEAMS: is not valid JSON"),
        ("KBASSIST_API_KEYS", "{", "KBASSIST_API_KEYS: is not valid JSON"),
        ("KBASSIST_MAX_REQUEST_BYTES", "5", "KBASSIST_MAX_REQUEST_BYTES: Input should be"),
    ],
)
def test_bad_channel_configuration_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "status"])
    assert result.exit_code == 4
    assert named in result.output and "Traceback" not in result.output


def test_ask_is_recorded_on_the_cli_channel_unless_told_not_to(
    tmp_path: Path, tiny_kb: Path
) -> None:
    run(tmp_path, "ingest", str(tiny_kb))
    asked = run(tmp_path, "ask", "How do I reset my password?", "--agent", "amelia")
    assert asked.exit_code == 0, asked.output
    suggestion_id = asked.stdout.strip().splitlines()[-1].removeprefix("suggestion id: ")
    store = SqlSuggestionStore(f"sqlite:///{tmp_path / 'kbassist.db'}")
    saved = store.load(suggestion_id)
    assert saved is not None
    assert (saved.record.channel, saved.record.asker) == ("cli", "amelia")
    assert saved.record.request.question == "How do I reset my password?"
    assert saved.record.retrieved  # what retrieval found is kept with it
    quiet = run(tmp_path, "ask", "How do I reset my password?", "--no-record", "--json")
    assert quiet.exit_code == 0, quiet.output
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM suggestions").scalar() == 1
