"""A real HTTP server speaking the OpenAI wire protocol, driven by a FIFO script of behaviours.

Only ``POST /v1/chat/completions`` is served. Each request takes the next behaviour from the script:
``Reply`` (a ``chat.completion`` body), ``Status`` (an OpenAI-style error body) or ``Sleep`` (wait,
then do what it wraps). Every request's parsed JSON body and headers are recorded.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, cast

from tests.fakes.loopback import FakeHTTPServer, LoopbackServer

COMPLETIONS_PATH = "/v1/chat/completions"


@dataclass(frozen=True)
class Reply:
    content: str
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Status:
    code: int
    message: str = "scripted failure"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Raw:
    """A 200 reply with any body, e.g. a proxy's HTML page."""

    body: str
    content_type: str = "text/html"


@dataclass(frozen=True)
class Sleep:
    seconds: float
    then: Reply | Status | Raw = field(default_factory=lambda: Reply("{}"))


Behaviour = Reply | Status | Raw | Sleep


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: Any


def rate_limited() -> Status:
    return Status(429, "Rate limit reached", {"Retry-After": "0"})


def completion_body(content: str, model: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def error_body(status: Status) -> dict[str, Any]:
    kinds = {404: "invalid_request_error", 429: "rate_limit_error"}
    kind = kinds.get(status.code, "server_error")
    return {"error": {"message": status.message, "type": kind, "param": None, "code": None}}


class FakeOpenAIServer(LoopbackServer):
    """``with FakeOpenAIServer() as server:``; point a client at ``server.base_url``."""

    def __init__(self) -> None:
        self._script: deque[Behaviour] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        super().__init__(_Handler)

    @property
    def base_url(self) -> str:
        return f"{self.root}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def reply(self, content: str | dict[str, Any]) -> None:
        self.script(Reply(content if isinstance(content, str) else json.dumps(content)))

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def _record(self, request: RecordedRequest) -> Behaviour:
        """Record ``request`` and take the next behaviour (404 for another path)."""
        with self._lock:
            self._requests.append(request)
            if request.path != COMPLETIONS_PATH:
                return Status(404, f"unknown path {request.path}")
            if self._script:
                return self._script.popleft()
        return Status(500, "fake server: no scripted behaviour left")

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the recorded requests instead."""

    def do_POST(self) -> None:
        fake = cast(FakeOpenAIServer, cast(FakeHTTPServer, self.server).fake)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body: Any = json.loads(raw or b"null")
        except json.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in self.headers.items()}
        behaviour = fake._record(RecordedRequest(self.path, headers, body))
        if isinstance(behaviour, Sleep):
            fake._wait(behaviour.seconds)
            behaviour = behaviour.then
        if isinstance(behaviour, Status):
            self._send(behaviour.code, json.dumps(error_body(behaviour)), headers=behaviour.headers)
        elif isinstance(behaviour, Raw):
            self._send(200, behaviour.body, behaviour.content_type)
        else:
            model = body.get("model", "fake") if isinstance(body, dict) else "fake"
            payload = completion_body(behaviour.content, model, behaviour.finish_reason)
            self._send(200, json.dumps(payload))

    def _send(
        self,
        code: int,
        text: str,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = text.encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout) and closed the connection
