"""A small client for the three Zendesk Support API calls the webhook needs.

- ``GET /api/v2/tickets/{id}.json`` answers ``{"ticket": {...}}``;
- ``GET /api/v2/tickets/{id}/comments.json`` answers ``{"comments": [...]}`` a page at a time,
  with cursor pagination (``meta.has_more``, ``links.next``) or offset pagination
  (``next_page``), both followed;
- ``GET /api/v2/users/show_many.json?ids=1,2`` answers ``{"users": [...]}`` (100 ids a call).

Authentication is Zendesk's API token: HTTP Basic with ``{email}/token`` and the token. Any
failure (unreachable, a timeout, a 4xx/5xx, a body that is not the documented shape) is a
``KbassistError`` whose detail names the call and the status, never the credentials.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from assistant.errors import ErrorCode, KbassistError
from assistant.settings import ZendeskSettings

MAX_PAGES = 50  # 100 comments a page: a ticket with more is read up to this many pages
USERS_PER_CALL = 100  # show_many's limit


class ZendeskApiError(KbassistError):
    """Zendesk's API could not be read: the ticket cannot be fetched now (503; Zendesk retries
    the webhook)."""

    def __init__(self, detail: str) -> None:
        super().__init__(ErrorCode.UPSTREAM_UNAVAILABLE, f"Zendesk API: {detail}")


class TicketNotFound(KbassistError):
    def __init__(self, ticket_id: str) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"Zendesk has no ticket {ticket_id}")
        self.ticket_id = ticket_id


class ZendeskClient:
    """Reads one ticket, its comments and their authors; one ``httpx.Client`` per instance."""

    def __init__(
        self,
        base_url: str,
        email: str,
        api_token: str,
        timeout_s: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(f"{email}/token", api_token),
            timeout=timeout_s,
            headers={"Accept": "application/json"},
            transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, settings: ZendeskSettings) -> ZendeskClient:
        """The client for ``settings``; CONFIG naming the variables that are missing."""
        token = settings.api_token.get_secret_value() if settings.api_token else ""
        missing = [
            name
            for name, value in (
                ("KBASSIST_ZENDESK_SUBDOMAIN (or KBASSIST_ZENDESK_API_URL)", settings.base_url),
                ("KBASSIST_ZENDESK_EMAIL", settings.email),
                ("KBASSIST_ZENDESK_API_TOKEN", token),
            )
            if not value
        ]
        if missing:
            raise KbassistError(
                ErrorCode.CONFIG,
                f"reading tickets from Zendesk needs {', '.join(missing)}",
            )
        assert settings.base_url and settings.email
        return cls(settings.base_url, settings.email, token, settings.timeout_s)

    def close(self) -> None:
        self._http.close()

    # -- the three calls ----------------------------------------------------------------------

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        """The ticket object; TicketNotFound when Zendesk answers 404."""
        path = f"/api/v2/tickets/{ticket_id}.json"
        data = self._get(path, not_found=lambda: TicketNotFound(ticket_id))
        return _object(data, "ticket", path)

    def comments(self, ticket_id: str) -> list[dict[str, Any]]:
        """Every comment of the ticket, oldest first (each page followed)."""
        path = f"/api/v2/tickets/{ticket_id}/comments.json"
        url: str | None = path
        params: dict[str, str] | None = {"page[size]": "100"}
        found: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            data = self._get(url, params, not_found=lambda: TicketNotFound(ticket_id))
            found.extend(_objects(data, "comments", path))
            url, params = _next_page(data), None
            if url is not None and not url.startswith((f"{self.base_url}/", "/")):
                # the credentials go to Zendesk's own host, never to a link elsewhere
                raise ZendeskApiError(f"GET {path} pointed its next page at another host")
        return found

    def users(self, ids: Iterable[object]) -> list[dict[str, Any]]:
        """The users with these ids (unknown ids are simply absent)."""
        wanted = sorted({str(i) for i in ids if i is not None})
        path = "/api/v2/users/show_many.json"
        found: list[dict[str, Any]] = []
        for start in range(0, len(wanted), USERS_PER_CALL):
            batch = ",".join(wanted[start : start + USERS_PER_CALL])
            found.extend(_objects(self._get(path, {"ids": batch}), "users", path))
        return found

    # -- internals ----------------------------------------------------------------------------

    def _get(
        self,
        url: str,
        params: dict[str, str] | None = None,
        not_found: Any = None,
    ) -> dict[str, Any]:
        call = f"GET {httpx.URL(url).path}"
        try:
            response = self._http.get(url, params=params)
        except httpx.TimeoutException:
            raise ZendeskApiError(f"{call} timed out") from None
        except httpx.HTTPError as exc:
            raise ZendeskApiError(f"{call} failed ({type(exc).__name__})") from None
        if response.status_code == 404 and not_found is not None:
            raise not_found()
        if response.status_code in (401, 403):
            raise ZendeskApiError(
                f"{call} was refused ({response.status_code}): check KBASSIST_ZENDESK_EMAIL "
                "and KBASSIST_ZENDESK_API_TOKEN"
            )
        if response.status_code != 200:
            raise ZendeskApiError(f"{call} answered {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise ZendeskApiError(f"{call} did not answer JSON") from None
        if not isinstance(data, dict):
            raise ZendeskApiError(f"{call} did not answer a JSON object")
        return data


def _object(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ZendeskApiError(f"GET {path} answered no '{key}' object")
    return value


def _objects(data: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ZendeskApiError(f"GET {path} answered no '{key}' list of objects")
    return value


def _next_page(data: dict[str, Any]) -> str | None:
    """The next page's URL: cursor pagination (``meta.has_more`` + ``links.next``) or offset
    pagination (``next_page``)."""
    meta, links = data.get("meta"), data.get("links")
    if isinstance(meta, dict) and "has_more" in meta:
        nxt = links.get("next") if meta.get("has_more") and isinstance(links, dict) else None
    else:
        nxt = data.get("next_page")
    return nxt if isinstance(nxt, str) and nxt else None
