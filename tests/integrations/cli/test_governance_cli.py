"""kbassist review-due and kbassist conflicts, run through click on the governance corpus."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assistant.compose import Services
from assistant.drafts.model import Draft
from assistant.drafts.review import DraftStore
from assistant.embedding import SentenceTransformerEmbedder
from assistant.records import RetrievedRef, SuggestionRecord
from assistant.settings import Settings
from assistant.suggestion import AskRequest, Citation, Suggestion
from assistant.types import Audience
from integrations.cli import cli
from tests.assistant.governance.corpus import CONFLICTS, write_governance_kb
from tests.fakes.slack_api import FakeSlackAPI

pytestmark = pytest.mark.slow


def run(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], env=env)


@pytest.fixture(scope="module")
def data_dir(
    tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder
) -> Path:
    """The governance corpus ingested; kb-lock-a cited twice lately; a fix proposal open on
    kb-reset-a."""
    root = tmp_path_factory.mktemp("governance_cli")
    services = Services(Settings(data_dir=root / "data", _env_file=None))  # type: ignore[call-arg]
    services.embedder = embedder
    assert services.ingestor.sync([write_governance_kb(root / "kb")]).ok
    now = datetime.now(UTC)
    for _ in range(2):
        citation = Citation(
            index=1, doc_id="kb-lock-a", title="t", source_type="article", chunk_id="c", snippet="s"
        )
        record = SuggestionRecord(
            id=uuid.uuid4().hex,
            channel="slack",
            asker="amelia",
            request=AskRequest(question="locked out?"),
            retrieved=[RetrievedRef(chunk_id="c", doc_id="kb-lock-a", score=0.5)],
            suggestion=Suggestion(answer="a [1]", citations=[citation], confidence=0.5),
            latency_ms=1.0,
            created_at=now - timedelta(days=2),
        )
        services.suggestion_store.save(record, Audience.agent())
    fix = Draft(
        id="fix-reset-1",
        kind="fix",
        title="Fix: Reset your password > expiry",
        markdown="The password reset link expires after 24 hours.",
        visibility="public",
        source_visibilities=["public"],
        doc_id="kb-reset-a",
        created_at=now,
        updated_at=now,
    )
    DraftStore(services.suggestion_store).add(fix)
    return root / "data"


def test_review_due_lists_due_documents_by_owner_the_most_cited_first(data_dir: Path) -> None:
    result = run(data_dir, "review-due", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    owners = {o["owner"]: [d["doc_id"] for d in o["documents"]] for o in body["owners"]}
    assert owners == {"amelia.chen": ["kb-lock-a", "kb-reset-a"], "billing-team": ["kb-credit-a"]}
    assert body["owners"][0]["documents"][0]["citations"] == 2
    assert body["hidden"] == 1  # kb-lock-b, restricted to tier2
    text = run(data_dir, "review-due", "--team", "tier2", "--within", "2w").stdout
    assert "sec-team (1 documents" in text and "overdue 30d" in text
    assert "cited    2  Account locked after failed sign-ins" in text


def test_review_due_for_one_owner_and_nothing_due(data_dir: Path) -> None:
    mine = json.loads(run(data_dir, "review-due", "--owner", "billing-team", "--json").stdout)
    assert [o["owner"] for o in mine["owners"]] == ["billing-team"]
    nothing = run(data_dir, "review-due", "--owner", "sofia.martins")
    assert nothing.exit_code == 0 and "nothing is due for review by" in nothing.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--within", "soon"], 2, "--within: expected a number of days or weeks"),
        (["--cited-within", "3x"], 2, "--cited-within: expected"),
        (["--owner", "nobody"], 3, "--owner: no document is owned by 'nobody'"),
    ],
)
def test_review_due_bad_input_is_a_clear_error(
    data_dir: Path, args: list[str], code: int, message: str
) -> None:
    result = run(data_dir, "review-due", *args)
    assert result.exit_code == code and message in result.stderr
    assert "Traceback" not in result.output


def test_conflicts_lists_the_seeded_conflicts(data_dir: Path) -> None:
    body = json.loads(run(data_dir, "conflicts", "--team", "tier2", "--json").stdout)
    pairs = {tuple(d["doc_id"] for d in c["documents"]) for c in body["conflicts"]}
    assert pairs == set(CONFLICTS) and body["hidden"] == 0
    text = run(data_dir, "conflicts").stdout
    assert text.startswith("2 conflicts")  # the tier2 one is counted only
    assert "duration: 60 minutes against 24 hours" in text
    assert "1 more conflicts involve documents restricted to other teams" in text


def test_an_empty_store_says_so(tmp_path: Path) -> None:
    for command in ("review-due", "conflicts"):
        result = run(tmp_path, command)
        assert result.exit_code == 0 and "holds no documents yet" in result.stdout
    assert json.loads(run(tmp_path, "review-due", "--json").stdout)["owners"] == []
    assert json.loads(run(tmp_path, "conflicts", "--json").stdout)["conflicts"] == []


def test_notify_dms_each_owner_their_digest(data_dir: Path) -> None:
    users = {"amelia.chen": "UAMELIA", "billing-team": "UBILL", "sam.ortiz": "USAM"}
    with FakeSlackAPI() as slack:
        env = {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "KBASSIST_SLACK_API_URL": slack.base_url,
            "KBASSIST_SLACK_OWNER_USERS": json.dumps(users),
        }
        result = run(data_dir, "review-due", "--team", "tier2", "--notify", "--json", env=env)
        posts = {p.args["channel"]: p.args["text"] for p in slack.calls_to("chat.postMessage")}
    assert result.exit_code == 0, result.output
    notified = json.loads(result.stdout)["notified"]
    assert notified == {
        "sent": ["amelia.chen", "billing-team", "sam.ortiz"],
        "unmapped": ["sec-team"],  # owns kb-lock-b, due, but has no Slack user
        "failed": [],
    }
    amelia = posts["UAMELIA"]
    assert "kb-lock-a" in amelia and "kb-reset-a" in amelia  # due reviews
    assert "fix-reset-1" in amelia  # the open proposal on kb-reset-a
    assert "60 minutes" in amelia and "24 hours" in amelia  # the conflict with kb-reset-b
    # the lock conflict's other side is tier2's: amelia's Slack user has no teams
    assert "kb-lock-b" not in amelia and "restricted to other teams" in amelia
    assert "kb-credit-a" in posts["UBILL"] and "100 USD" in posts["UBILL"]
    assert "kb-reset-b" in posts["USAM"] and "kb-credit-b" in posts["USAM"]


def test_notify_without_slack_is_a_configuration_error(data_dir: Path) -> None:
    result = run(data_dir, "review-due", "--notify")
    assert result.exit_code == 4 and "SLACK_BOT_TOKEN" in result.stderr
