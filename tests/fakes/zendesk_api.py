"""A real HTTP server speaking Zendesk Support's API wire format, for the webhook's tests.

- ``GET /api/v2/tickets/{id}.json`` answers ``{"ticket": {...}}`` (404 ``RecordNotFound``);
- ``GET /api/v2/tickets/{id}/comments.json`` answers ``{"comments", "meta", "links"}`` with cursor
  pagination (``page[size]``, ``page[after]``), as Zendesk does;
- ``GET /api/v2/users/show_many.json?ids=1,2`` answers ``{"users": [...]}``.

Every request must carry API token authentication (Basic ``{email}/token:{token}``), or it gets
401 ``Couldn't authenticate you``. ``fail(prefix, status)`` makes calls under a path answer an
error; every call is recorded.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.loopback import FakeHTTPServer, LoopbackServer

EMAIL = "kb-bot@ledgerly.example"
TOKEN = "zd-api-token-for-tests"
_TICKET = re.compile(r"^/api/v2/tickets/(\d+)\.json$")
_COMMENTS = re.compile(r"^/api/v2/tickets/(\d+)/comments\.json$")


@dataclass(frozen=True)
class Call:
    path: str
    query: dict[str, str]


def ticket(ticket_id: int, status: str, subject: str, description: str, **fields: Any) -> dict:
    """A ticket as ``GET /api/v2/tickets/{id}.json`` returns it (the fields the webhook reads,
    and a few it does not)."""
    return {
        "id": ticket_id,
        "url": f"https://ledgerly.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "external_id": None,
        "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": "2026-11-20T09:00:00Z",
        "updated_at": "2026-11-21T10:00:00Z",
        "type": "incident",
        "subject": subject,
        "raw_subject": subject,
        "description": description,
        "priority": "normal",
        "status": status,
        "requester_id": 7001,
        "submitter_id": 7001,
        "assignee_id": 8001,
        "organization_id": None,
        "group_id": 360000000001,
        "tags": ["billing"],
        "custom_fields": [],
        "satisfaction_rating": None,
        "ticket_form_id": 360000000002,
        "brand_id": 360000000003,
        "is_public": True,
        **fields,
    }


def comment(comment_id: int, author_id: int, body: str, public: bool = True) -> dict:
    """A comment as ``GET /api/v2/tickets/{id}/comments.json`` lists it."""
    return {
        "id": comment_id,
        "type": "Comment",
        "author_id": author_id,
        "body": body,
        "html_body": f'<div class="zd-comment"><p>{body}</p></div>',
        "plain_body": body,
        "public": public,
        "attachments": [],
        "audit_id": comment_id + 1,
        "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": "2026-11-20T09:00:00Z",
        "metadata": {"system": {}, "custom": {}},
    }


def user(user_id: int, name: str, email: str, role: str) -> dict:
    """A user as ``GET /api/v2/users/show_many.json`` lists it."""
    return {
        "id": user_id,
        "url": f"https://ledgerly.zendesk.com/api/v2/users/{user_id}.json",
        "name": name,
        "email": email,
        "role": role,
        "active": True,
        "verified": True,
        "time_zone": "UTC",
        "locale": "en-US",
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }


class FakeZendeskAPI(LoopbackServer):
    """``with FakeZendeskAPI() as zendesk:``; point the client at ``zendesk.base_url``."""

    def __init__(self, page_size: int = 2) -> None:
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.max_page_size = page_size  # small, so that tests cross a page
        self._failures: dict[str, int] = {}
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        super().__init__(_Handler)

    @property
    def base_url(self) -> str:
        return self.root

    def add(self, ticket: dict[str, Any], comments: list[dict], users: list[dict]) -> None:
        self.tickets[ticket["id"]] = ticket
        self.comments[ticket["id"]] = comments
        self.users.update({u["id"]: u for u in users})

    def fail(self, prefix: str, status: int) -> None:
        """Calls whose path starts with ``prefix`` answer ``status`` (0: stop failing)."""
        with self._lock:
            if status:
                self._failures[prefix] = status
            else:
                self._failures.pop(prefix, None)

    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    # -- answering ----------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, str], auth: str | None) -> tuple[int, Any]:
        with self._lock:
            self._calls.append(Call(path, query))
            failing = [s for p, s in self._failures.items() if path.startswith(p)]
        expected = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
        if auth != f"Basic {expected}":
            return 401, {"error": "Couldn't authenticate you"}
        if failing:
            return failing[0], {"error": "ServiceUnavailable", "description": "try again"}
        if match := _TICKET.match(path):
            found = self.tickets.get(int(match.group(1)))
            return (200, {"ticket": found}) if found else _not_found()
        if match := _COMMENTS.match(path):
            tid = int(match.group(1))
            if tid not in self.tickets:
                return _not_found()
            return 200, self._page(path, self.comments.get(tid, []), query)
        if path == "/api/v2/users/show_many.json":
            ids = [int(i) for i in query.get("ids", "").split(",") if i.strip()]
            return 200, {"users": [self.users[i] for i in ids if i in self.users]}
        return _not_found()

    def _page(self, path: str, items: list[dict], query: dict[str, str]) -> dict[str, Any]:
        size = min(int(query.get("page[size]", "100")), self.max_page_size)
        start = int(query.get("page[after]", "0"))
        end = start + size
        more = end < len(items)
        after = str(end) if more else None
        nxt = f"{self.base_url}{path}?{urlencode({'page[size]': size, 'page[after]': end})}"
        return {
            "comments": items[start:end],
            "meta": {"has_more": more, "after_cursor": after, "before_cursor": str(start)},
            "links": {"next": nxt if more else None, "prev": None},
        }


def _not_found() -> tuple[int, Any]:
    return 404, {"error": "RecordNotFound", "description": "Not found"}


class _Handler(BaseHTTPRequestHandler):
    server: FakeHTTPServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        fake = cast(FakeZendeskAPI, self.server.fake)
        status, body = fake.answer(url.path, query, self.headers.get("Authorization"))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass
