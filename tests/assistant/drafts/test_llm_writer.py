"""The LLM draft writer against the fake OpenAI-compatible server: its versioned prompt and JSON
schema are sent, unsupported sentences and citations of tickets not given are removed, every kept
sentence references its tickets, and any failure falls back to the extractive draft."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.compose import Services
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from assistant.types import Audience
from tests.assistant.drafts.conftest import portal_tickets, services_for, write_portal_kb
from tests.fakes.openai_server import FakeOpenAIServer, Status

pytestmark = pytest.mark.slow
AGENT = Audience.agent()
RESEND = "Resend the invite from Clients > Portal access > Resend invite."


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def llm_services(
    tmp_path: Path,
    settings: Settings,
    embedder: SentenceTransformerEmbedder,
    openai_server: FakeOpenAIServer,
) -> Services:
    settings = settings.model_copy(
        update={"llm_base_url": openai_server.base_url, "llm_max_retries": 0, "llm_timeout_s": 5}
    )
    return services_for(settings, embedder, write_portal_kb(tmp_path / "kb", portal_tickets()))


def _sentence(text: str, *cites: int) -> dict[str, object]:
    return {"text": text, "citations": list(cites)}


def test_the_llm_writes_the_draft_and_unsupported_sentences_are_removed(
    llm_services: Services, openai_server: FakeOpenAIServer
) -> None:
    openai_server.reply(
        json.dumps(
            {
                "title": "Client portal link expired or already used",
                "symptoms": [_sentence("The client sees that the portal link has expired.", 1)],
                "cause": [_sentence("A mail security scanner opened the single-use link.", 1, 3)],
                "steps": [
                    _sentence(
                        "Resend the invite from Clients > Portal access > Resend invite.", 1, 2
                    ),
                    _sentence("Refund 500 USD to the client for the trouble.", 2),
                    _sentence("Ask the client's IT to allow-list the Ledgerly portal sender.", 9),
                ],
            }
        )
    )
    [draft_id] = llm_services.drafts.generate(min_tickets=3).created
    draft = llm_services.drafts.show(draft_id, AGENT)
    assert (draft.details or {})["writer"] == "llm"
    assert "# Client portal link expired or already used" in draft.markdown
    assert "Resend invite. [ticket-7001, ticket-7002]" in draft.markdown
    assert "500 USD" not in draft.markdown  # its ticket does not say so
    assert "allow-list" not in draft.markdown  # it cited a ticket that was not given
    [request] = openai_server.requests
    body = request.body
    assert body["response_format"]["json_schema"]["name"] == "kbassist_draft"
    assert "knowledge-base article" in body["messages"][0]["content"]
    assert "<passages>" in body["messages"][1]["content"]


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [("not json at all", "llm returned invalid JSON"), (Status(500), "llm http 500")],
)
def test_any_failure_falls_back_to_the_extractive_draft(
    llm_services: Services, openai_server: FakeOpenAIServer, behaviour: object, reason: str
) -> None:
    if isinstance(behaviour, str):
        openai_server.reply(behaviour)
    else:
        openai_server.script(behaviour)  # type: ignore[arg-type]
    [draft_id] = llm_services.drafts.generate(min_tickets=3).created
    draft = llm_services.drafts.show(draft_id, AGENT)
    details = draft.details or {}
    assert details["writer"] == "extractive" and details["fallback_reason"] == reason
    assert "## Resolution" in draft.markdown and "[ticket-700" in draft.markdown
