"""A real HTTP server speaking Slack's Web API wire format, for the Slack app's tests.

``GET`` (query string) or ``POST`` (form-encoded or JSON) to ``/api/<method>`` answers
``{"ok": true, ...}`` for the methods the app uses; every call is recorded with its parsed
arguments. Calls without ``Authorization: Bearer …`` get ``not_authed``, unknown methods
``unknown_method``. ``conversations.replies`` answers what a test scripted for the thread.
``POST /hooks/<name>`` stands in for ``response_url``s and is recorded as method ``"response_url"``.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.loopback import FakeHTTPServer, LoopbackServer

TEAM_ID = "T0KBTEST"
BOT_USER_ID = "UKBBOT"
BOT_ID = "BKBBOT"


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    path: str = ""
    answer: dict[str, Any] = field(default_factory=dict)  # what the fake replied

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.args.get("blocks") or []
        return cast(list[dict[str, Any]], json.loads(blocks) if isinstance(blocks, str) else blocks)

    @property
    def view(self) -> dict[str, Any]:
        view = self.args.get("view") or {}
        return cast(dict[str, Any], json.loads(view) if isinstance(view, str) else view)


class FakeSlackAPI(LoopbackServer):
    """``with FakeSlackAPI() as slack:``; point ``WebClient(base_url=slack.base_url)`` at it."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._replies: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        super().__init__(_Handler)

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.root}/hooks/{name}"

    # scripting and inspection

    def script_replies(self, channel: str, thread_ts: str, messages: list[dict[str, Any]]) -> None:
        """What ``conversations.replies`` answers for this thread (default: no messages)."""
        with self._lock:
            self._replies[(channel, thread_ts)] = messages

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    # the Web API

    def _handle(self, method: str, args: dict[str, Any], path: str) -> dict[str, Any]:
        with self._lock:
            answer = self._answer(method, args)
            self._calls.append(Call(method, args, path, answer))
        return answer

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.replies":
            key = (str(args.get("channel")), str(args.get("ts")))
            return {"ok": True, "messages": list(self._replies.get(key, [])), "has_more": False}
        ts = f"1800000000.{next(self._ts):06d}"
        channel = args.get("channel", "")
        answers: dict[str, dict[str, Any]] = {
            "auth.test": {
                "url": "https://kbtest.slack.com/",
                "team": "KB Test",
                "user": "kbassist",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            },
            "chat.postMessage": {"channel": channel, "ts": ts, "message": {"ts": ts, **args}},
            "chat.update": {"channel": channel, "ts": args.get("ts"), "text": args.get("text")},
            "chat.postEphemeral": {"message_ts": ts},
            "views.open": {"view": {"id": f"V{ts.replace('.', '')}", **self._view(args)}},
            "reactions.add": {},
            "reactions.remove": {},
            "response_url": {},
        }
        if method not in answers:
            return {"ok": False, "error": "unknown_method"}
        return {"ok": True, **answers[method]}

    @staticmethod
    def _view(args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view") or {}
        return cast(dict[str, Any], json.loads(view) if isinstance(view, str) else view)


def _parse(raw: bytes, content_type: str) -> dict[str, Any]:
    text = raw.decode("utf-8", "replace")
    if content_type.startswith("application/json"):
        data = json.loads(text or "{}")
        return data if isinstance(data, dict) else {"_": data}
    return dict(parse_qsl(text, keep_blank_values=True))


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the recorded calls instead."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self._serve(url.path, dict(parse_qsl(url.query, keep_blank_values=True)))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            args = _parse(raw, self.headers.get("Content-Type") or "")
        except json.JSONDecodeError:
            self._send(200, {"ok": False, "error": "invalid_json"})
            return
        args.update(parse_qsl(url.query, keep_blank_values=True))
        self._serve(url.path, args)

    def _serve(self, path: str, args: dict[str, Any]) -> None:
        fake = cast(FakeSlackAPI, cast(FakeHTTPServer, self.server).fake)
        if path.startswith("/hooks/"):
            self._send(200, fake._handle("response_url", args, path))
        elif not path.startswith("/api/"):
            self._send(404, {"ok": False, "error": "not_found"})
        elif not (self.headers.get("Authorization") or "").startswith("Bearer xox"):
            self._send(200, {"ok": False, "error": "not_authed"})
        else:
            self._send(200, fake._handle(path[len("/api/") :], args, path))

    def _send(self, code: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client went away
