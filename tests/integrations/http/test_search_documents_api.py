"""/v1/search and /v1/documents through a real server: ranked chunks, uploads checked first."""

from __future__ import annotations

import json
import textwrap

import httpx
import pytest

from tests.integrations.http.conftest import TIER1, WRITER2, LiveServer, error_of

pytestmark = pytest.mark.slow

FIELDS = {"rank", "score", "doc_id", "source_type", "title", "section", "chunk_id", "snippet"}

GOOD_ARTICLE = textwrap.dedent(
    """\
    ---
    id: kb-77
    title: Change the invoice currency
    product: invoicing
    visibility: public
    ---
    # Change the invoice currency

    An invoice's currency can be switched to euros from the zebra-striped settings panel.
    """
)
BROKEN_ARTICLE = GOOD_ARTICLE.replace("kb-77", "kb-78").replace(
    "visibility: public", "visibility: everyone"
)


def search(client: httpx.Client, **params: object) -> list[dict[str, object]]:
    response = client.get("/v1/search", params=params, headers=TIER1)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    hits: list[dict[str, object]] = response.json()
    return hits


def test_search_returns_ranked_chunks(client: httpx.Client) -> None:
    hits = search(client, q="charged twice for one invoice", k=3)
    assert 1 <= len(hits) <= 3
    assert all(set(hit) == FIELDS for hit in hits)
    assert [hit["rank"] for hit in hits] == list(range(1, len(hits) + 1))
    scores = [float(str(hit["score"])) for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert {hit["doc_id"] for hit in hits} & {"kb-2", "pb-dup", "ticket-1"}


def test_search_filters(client: httpx.Client) -> None:
    hits = search(client, q="charged twice", k=10, source_type="playbook")
    assert hits and {hit["source_type"] for hit in hits} == {"playbook"}
    hits = search(client, q="password", k=10, product=["accounts", "payments"])
    assert hits and all(hit["doc_id"] != "kb-3" for hit in hits)
    unfiltered = search(client, q="charged twice", k=5)
    assert search(client, q="charged twice", k=5, source_type="", product="", tag="") == unfiltered


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "k": 0}, "query.k"),
        ({"q": "x", "k": 51}, "query.k"),
        ({}, "query.q"),
        ({"q": "  "}, "query.q"),
        ({"q": "x", "source_type": "wiki"}, "query.source_type"),
    ],
)
def test_bad_search_is_422_naming_the_parameter(
    client: httpx.Client, params: dict[str, object], field: str
) -> None:
    response = client.get("/v1/search", params=params, headers=TIER1)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert field in error_of(response)["detail"]


def upload(client: httpx.Client, name: str, data: str | bytes) -> httpx.Response:
    return client.post("/v1/documents", files={"file": (name, data)}, headers=WRITER2)


def test_an_uploaded_article_becomes_searchable(client: httpx.Client, live: LiveServer) -> None:
    assert "kb-77" not in {hit["doc_id"] for hit in search(client, q="zebra-striped", k=10)}
    response = upload(client, "kb-77.md", GOOD_ARTICLE)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["documents"] == ["kb-77"]
    assert (report["added"], report["failed"], report["filename"]) == (1, 0, "kb-77.md")
    assert report["chunks"] >= 1
    assert search(client, q="zebra-striped settings panel", k=3)[0]["doc_id"] == "kb-77"
    assert upload(client, "kb-77.md", GOOD_ARTICLE).json()["unchanged"] == 1
    assert live.services.lexical.is_current()


def test_a_broken_upload_is_rejected_and_nothing_is_ingested(
    client: httpx.Client, live: LiveServer
) -> None:
    response = upload(client, "kb-78.md", BROKEN_ARTICLE)
    assert response.status_code == 422
    detail = error_of(response)["detail"]
    assert "kb-78.md" in detail and "visibility" in detail
    assert "kb-78" not in live.services.ingestor.document_types()


def test_a_ticket_export_with_a_bad_line_is_rejected_whole(
    client: httpx.Client, live: LiveServer
) -> None:
    good = {
        "id": 90,
        "subject": "Refund",
        "status": "solved",
        "description": "Refund me.",
        "resolution": "Refunded.",
    }
    data = json.dumps(good) + "\n{not json\n"
    response = upload(client, "export.jsonl", data)
    assert response.status_code == 422
    assert "export.jsonl:2" in error_of(response)["detail"]
    assert not any(doc.endswith("90") for doc in live.services.ingestor.document_types())


@pytest.mark.parametrize("name", ["notes.pdf", "noextension", "../../etc/passwd"])
def test_an_unsupported_file_is_422(client: httpx.Client, name: str) -> None:
    response = upload(client, name, b"hello")
    assert response.status_code == 422
    assert error_of(response)["detail"].startswith("file:")


@pytest.mark.parametrize(
    "name", ["a" * 300 + ".md", "kb-1\x00.md", "kb\x011.md", "../" * 40 + "x" * 250 + ".md"]
)
def test_a_hostile_file_name_is_422_and_the_server_stays_up(
    client: httpx.Client, name: str
) -> None:
    # a raw multipart body: clients percent-encode such names, an attacker need not
    body = (
        b"--b0undary\r\n"
        + f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode()
        + b"Content-Type: text/markdown\r\n\r\n"
        + GOOD_ARTICLE.encode()
        + b"\r\n--b0undary--\r\n"
    )
    headers = {**WRITER2, "Content-Type": "multipart/form-data; boundary=b0undary"}
    response = client.post("/v1/documents", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert error_of(response)["detail"].startswith("file:")
    assert client.get("/healthz").status_code == 200


def test_an_upload_without_a_file_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/documents", data={"other": "x"}, headers=WRITER2)
    assert response.status_code == 422
    assert "body.file" in error_of(response)["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "product": [f"p{i}" for i in range(21)]}, "query.product"),
        ({"q": "x", "tag": ["t" * 201]}, "query.tag"),
    ],
)
def test_filters_are_bounded(client: httpx.Client, params: dict[str, object], field: str) -> None:
    response = client.get("/v1/search", params=params, headers=TIER1)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert field in error_of(response)["detail"]
