"""Shared fixtures: settings on a temporary data dir, the real embedding model, a tiny KB."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE_KB = REPO / "examples" / "kb"
EVALDATA = REPO.parent / "shared" / "evaldata"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own configuration."""
    import os

    for name in list(os.environ):
        if name.startswith("KBASSIST_") or name.startswith("SLACK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from assistant.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def write_tiny_kb(root: Path, current_refund_article: bool = False) -> Path:
    """A knowledge base small enough to embed in a second: 3 articles, 1 playbook, 3 tickets.

    Its duplicate-charge article is past its review date, so a duplicate-charge question gets
    no reply draft (a draft quotes only current public articles). ``current_refund_article``
    adds a fourth, current one that says what the answer says, for the channels' tests of
    what an agent does with a draft."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "playbooks").mkdir(exist_ok=True)
    (root / "tickets").mkdir(exist_ok=True)
    article = textwrap.dedent(
        """\
        ---
        id: {id}
        title: {title}
        url: https://help.example.com/articles/{id}
        product: {product}
        tags: [{tags}]
        owner: amelia.chen
        updated_at: 2026-03-01
        review_by: {review_by}
        visibility: {visibility}
        ---
        # {title}

        {intro}

        ## Steps

        {steps}
        """
    )
    articles = [
        dict(
            id="kb-1",
            title="Reset your password",
            product="accounts",
            tags="login, password",
            review_by="2027-03-01",
            visibility="public",
            intro="If you forgot your password you can reset it from the sign-in page.",
            steps="1. Click Forgot password.\n2. Open the reset link within 60 minutes.",
        ),
        dict(
            id="kb-2",
            title="Refund a duplicate charge",
            product="payments",
            tags="refund",
            review_by="2025-01-01",
            visibility="public",
            intro="A customer charged twice for one invoice gets the second charge refunded.",
            steps="1. Find both charges under Payments.\n2. Refund the duplicate one.",
        ),
        dict(
            id="kb-3",
            title="Restore a deleted invoice",
            product="invoicing",
            tags="restore",
            review_by="2027-03-01",
            visibility="team:tier2",
            intro="Deleted invoices can be restored from the database within 30 days.",
            steps="1. Open an engineering ticket with the invoice number.\n2. Confirm restore.",
        ),
    ]
    if current_refund_article:
        articles.append(
            dict(
                id="kb-4",
                title="When a refund arrives",
                product="payments",
                tags="refund",
                review_by="2027-03-01",
                visibility="public",
                intro="When a customer was charged twice for one invoice, the second charge is "
                "refunded to their card in 5 to 10 business days.",
                steps="1. Tell the customer the refund date.\n2. Share the refund receipt.",
            )
        )
    for spec in articles:
        (root / "articles" / f"{spec['id']}.md").write_text(article.format(**spec))
    (root / "playbooks" / "pb-dup.yaml").write_text(
        textwrap.dedent(
            """\
            id: pb-dup
            title: Duplicate charge
            product: payments
            when_to_use:
              - Customer was charged twice for the same invoice
            steps:
              - text: Confirm both charges in Payments.
              - text: Refund the duplicate charge.
                action: {kind: refund, max_amount: 500, currency: USD}
              - text: Escalate larger amounts to billing.
                action: {kind: escalate, team: billing}
            """
        )
    )
    tickets = [
        {
            "id": 1,
            "subject": "Charged twice",
            "status": "solved",
            "product": "payments",
            "description": "Hi, I am Maria Lopez, my card was charged twice. Call +1 415 555 0134.",
            "requester_name": "Maria Lopez",
            "requester_email": "maria@example.org",
            "comments": [{"author_role": "internal", "body": "Two captures in the gateway."}],
            "resolution": "I refunded the duplicate charge, Maria.",
        },
        {
            "id": 2,
            "subject": "Cannot log in",
            "status": "closed",
            "product": "accounts",
            "description": "Locked out after too many attempts.",
            "requester_name": "Tom Baker",
            "requester_email": "tom@example.org",
            "comments": [],
            "resolution": "The lock lifts after 15 minutes.",
        },
        {
            "id": 3,
            "subject": "Still open",
            "status": "open",
            "product": "accounts",
            "description": "Waiting.",
            "requester_name": "X Y",
            "requester_email": "x@example.org",
            "comments": [],
            "resolution": "",
        },
    ]
    (root / "tickets" / "export.jsonl").write_text("\n".join(json.dumps(t) for t in tickets) + "\n")
    return root


@pytest.fixture
def tiny_kb(tmp_path: Path) -> Path:
    return write_tiny_kb(tmp_path / "kb")


@pytest.fixture
def sample_kb(tmp_path: Path) -> Path:
    """A private copy of the bundled sample knowledge base."""
    return Path(shutil.copytree(SAMPLE_KB, tmp_path / "sample_kb"))


@pytest.fixture(scope="session")
def sample_services(
    tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder
) -> Services:
    """The bundled sample knowledge base, ingested once per test session (read-only use)."""
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("sample") / "data", answerer="extractive", _env_file=None
    )
    services = Services(settings)
    services.embedder = embedder
    report = services.ingestor.sync([SAMPLE_KB])
    assert report.ok, report.issues
    return services
