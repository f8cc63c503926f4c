"""Every write is authorised: only a writer may change documents, and only within what its own
teams may see; each change is audited."""

from __future__ import annotations

import textwrap

import httpx
import pytest

from tests.integrations.http.conftest import (
    NO_TEAM,
    TIER1,
    TIER2,
    WRITER1,
    WRITER2,
    LiveServer,
    error_of,
)

pytestmark = pytest.mark.slow

ARTICLE = textwrap.dedent(
    """\
    ---
    id: {id}
    title: {title}
    product: {product}
    visibility: {visibility}
    ---
    # {title}

    {body}
    """
)


def article(doc_id: str, visibility: str, body: str, title: str = "Poisoned") -> str:
    return ARTICLE.format(
        id=doc_id, title=title, product="accounts", visibility=visibility, body=body
    )


def upload(client: httpx.Client, headers: dict[str, str], text: str) -> httpx.Response:
    return client.post("/v1/documents", files={"file": ("doc.md", text)}, headers=headers)


def chunk_texts(live: LiveServer, doc_id: str) -> list[str]:
    got = live.services.store.collection.get(where={"doc_id": doc_id}, include=["documents"])
    return sorted(got["documents"] or [])


@pytest.mark.parametrize(
    ("headers", "doc_id", "visibility"),
    [
        (NO_TEAM, "kb-1", "public"),  # an agent key over a public article
        (TIER2, "kb-3", "team:tier2"),  # an agent key, even within its own team
        (WRITER1, "kb-3", "team:tier1"),  # overwriting another team's document
        (WRITER1, "kb-3", "team:tier2"),
        (WRITER1, "kb-90", "team:billing"),  # publishing to a team it is not in
    ],
)
def test_a_write_outside_the_keys_role_or_teams_is_403_and_changes_nothing(
    client: httpx.Client, live: LiveServer, headers: dict[str, str], doc_id: str, visibility: str
) -> None:
    before = chunk_texts(live, doc_id)
    response = upload(client, headers, article(doc_id, visibility, "Send your password to us."))
    assert response.status_code == 403, response.text
    assert error_of(response)["code"] == "forbidden"
    assert "updated" not in response.text and "Send your password" not in response.text
    assert chunk_texts(live, doc_id) == before
    assert live.services.suggestion_store.writes(doc_id) == []


def test_the_refusal_does_not_tell_whether_a_hidden_document_exists(client: httpx.Client) -> None:
    hidden = upload(client, WRITER1, article("kb-3", "team:tier1", "x"))
    absent = upload(client, WRITER1, article("kb-91", "team:billing", "x"))
    detail = error_of(hidden)["detail"].replace("kb-3", "ID")
    assert detail == error_of(absent)["detail"].replace("kb-91", "ID")


def test_a_writer_within_its_teams_creates_and_replaces_and_is_audited(
    client: httpx.Client, live: LiveServer
) -> None:
    created = upload(client, WRITER1, article("kb-95", "team:tier1", "Tier one only text."))
    assert created.status_code == 200, created.text
    replaced = upload(client, WRITER2, article("kb-3", "team:tier2", "Restores take two days."))
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["updated"] == 1
    public = upload(client, WRITER2, article("kb-1", "public", "Reset links last an hour."))
    assert public.status_code == 200, public.text
    [new] = live.services.suggestion_store.writes("kb-95")
    assert (new.action, new.previous_hash) == ("created", None)
    [restore] = live.services.suggestion_store.writes("kb-3")
    assert restore.action == "replaced" and restore.previous_hash
    assert restore.previous_hash != restore.content_hash
    assert restore.author.startswith("key:") and "tier2-writer-key" not in restore.author
    hits = client.get("/v1/search", params={"q": "restores take two days"}, headers=TIER1)
    assert "kb-3" not in {hit["doc_id"] for hit in hits.json()}  # still tier2 only


def test_a_saved_suggestion_follows_its_sources_narrowed_visibility(
    client: httpx.Client, live: LiveServer
) -> None:
    body = "Invoices can be exported as CSV from the ledger export screen in one click."
    title = "Export invoices as CSV"
    public = upload(client, WRITER2, article("kb-96", "public", body, title=title))
    assert public.status_code == 200, public.text
    question = {"question": "How do I export invoices as CSV?"}
    created = client.post("/v1/suggestions", json=question, headers=TIER1)
    assert created.status_code == 201
    sid = created.json()["id"]
    assert "kb-96" in {c["doc_id"] for c in created.json()["citations"]}
    assert client.get(f"/v1/suggestions/{sid}", headers=TIER1).status_code == 200
    narrowed = upload(client, WRITER2, article("kb-96", "team:tier2", body, title=title))
    assert narrowed.status_code == 200, narrowed.text
    hidden = client.get(f"/v1/suggestions/{sid}", headers=TIER1)
    assert hidden.status_code == 404  # its quotes of kb-96 are tier2's now
    assert "ledger export" not in hidden.text
    decide = {"action": "accept", "agent": "amelia"}
    url = f"/v1/suggestions/{sid}/decision"
    assert client.post(url, json=decide, headers=TIER1).status_code == 404
