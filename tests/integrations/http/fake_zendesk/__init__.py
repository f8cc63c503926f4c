"""A stand-in for Zendesk Support around the kbassist app, for the browser tests.

``fake_zendesk(kbassist_url, api_key)`` is an app serving:
- ``/agent``: the agent's ticket page (agent.html). It frames the app's iframe page and answers
  the fake ZAF client's get, metadata, invoke, on and request from the ticket the test gives it,
  recording each call;
- ``/assets/{name}``: the app package's assets as Zendesk serves them, but ``zaf_sdk.js`` is the
  fake SDK (zaf_sdk.js here), whose client talks to the agent page by postMessage like the real
  one; ``/package/{name}`` serves the package's files as they are (the real SDK);
- ``/proxy``: Zendesk's request proxy. It forwards a ``client.request`` to kbassist only when its
  URL is under ``kbassist_url`` (the manifest's domainWhitelist), puts the secure ``api_key``
  setting where the request says ``{{setting.api_key}}`` (only for ``secure: true``), and keeps
  each request as the page sent it in ``state.forwarded``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response

HERE = Path(__file__).resolve().parent
PLACEHOLDER = "{{setting.api_key}}"
_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


@dataclass
class Forwarded:
    """A request as the app handed it to ZAF (the key still a placeholder)."""

    method: str
    url: str
    headers: dict[str, str]
    data: str | None
    secure: bool


@dataclass
class ZendeskState:
    api_key: str
    forwarded: list[Forwarded] = field(default_factory=list)


def _asset(package: Path, name: str) -> Response:
    path = package / "assets" / name
    if "/" in name or not path.is_file():
        return JSONResponse({"error": f"no asset {name}"}, status_code=404)
    return FileResponse(path, media_type=_TYPES.get(path.suffix, "application/octet-stream"))


def fake_zendesk(kbassist_url: str, api_key: str, package: Path) -> FastAPI:
    """The stand-in, serving the app ``package`` (as ``kbassist zendesk-app`` builds it)."""
    app = FastAPI()
    state = ZendeskState(api_key)
    app.state.zendesk = state

    @app.get("/agent")
    def agent() -> FileResponse:
        return FileResponse(HERE / "agent.html", media_type="text/html")

    @app.get("/assets/{name}")
    def asset(name: str) -> Response:
        if name == "zaf_sdk.js":
            return FileResponse(HERE / "zaf_sdk.js", media_type="text/javascript")
        return _asset(package, name)

    @app.get("/package/{name}")
    def package_asset(name: str) -> Response:
        return _asset(package, name)

    @app.post("/proxy")
    async def proxy(request: Request) -> dict[str, Any]:
        options = await request.json()
        url = str(options.get("url", ""))
        method = str(options.get("type", "GET")).upper()
        sent = {str(k): str(v) for k, v in (options.get("headers") or {}).items()}
        data = options.get("data")
        secure = options.get("secure") is True
        state.forwarded.append(Forwarded(method, url, sent, data, secure))
        if not url.startswith(kbassist_url.rstrip("/") + "/"):
            return {"status": 403, "statusText": "Forbidden", "responseText": "not whitelisted"}
        headers = {
            k: v.replace(PLACEHOLDER, state.api_key) if secure else v for k, v in sent.items()
        }
        if options.get("contentType"):
            headers["Content-Type"] = str(options["contentType"])
        async with httpx.AsyncClient(timeout=90.0) as http:
            answer = await http.request(method, url, headers=headers, content=data)
        return {
            "status": answer.status_code,
            "statusText": answer.reason_phrase,
            "responseText": answer.text,
        }

    return app
