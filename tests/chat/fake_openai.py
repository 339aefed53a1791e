"""A local, scripted stand-in for an OpenAI-compatible Chat Completions server.

A test queues the answers (tool calls, a final text, an HTTP error, or no answer at all)
and reads back every request body the server received. It answers both plain JSON and
`stream: true` Server-Sent Events in the `chat.completion.chunk` format.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

COMPLETIONS_PATH = "/v1/chat/completions"
USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


@dataclass(frozen=True)
class Scripted:
    """One answer of the fake model."""

    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text: str | None = None
    status: int = 200
    hang: bool = False


def call(name: str, **arguments: Any) -> Scripted:
    """The model calls one tool."""
    return Scripted(tool_calls=[(name, arguments)])


def reply(text: str) -> Scripted:
    """The model answers with text and stops."""
    return Scripted(text=text)


def http_error(status: int) -> Scripted:
    """The provider answers with an HTTP error."""
    return Scripted(status=status)


HANG = Scripted(hang=True)
"""The provider never answers (until the server stops)."""


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body.get("messages", [])
        return messages


class FakeOpenAI:
    """The server; use as a context manager. `base_url` ends in /v1."""

    def __init__(self) -> None:
        self.answers: deque[Scripted] = deque()
        self.received: list[Received] = []
        self.release = threading.Event()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        # Checked for shutdown every 50 ms (the default, 0.5 s, is what each test would wait).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def script(self, *answers: Scripted) -> None:
        self.answers.extend(answers)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _next(self, received: Received) -> Scripted | None:
        with self._lock:
            self.received.append(received)
            return self.answers.popleft() if self.answers else None

    def _tool_call_id(self) -> str:
        return f"call_fake_{next(self._ids)}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                headers = {k.lower(): v for k, v in self.headers.items()}
                received = Received(self.path, headers, body)
                answer = fake._next(received)
                if self.path != COMPLETIONS_PATH:
                    self._json(404, {"error": {"message": "no such path", "type": "invalid"}})
                elif answer is None:
                    self._json(500, {"error": {"message": "unscripted request", "type": "test"}})
                elif answer.hang:
                    fake.release.wait(timeout=120)
                elif answer.status != 200:
                    self._json(answer.status, {"error": {"message": "boom", "type": "server"}})
                elif body.get("stream"):
                    self._stream(answer, body)
                else:
                    self._json(200, self._completion(answer, body))

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _calls(self, answer: Scripted) -> list[dict[str, Any]]:
                return [
                    {
                        "id": fake._tool_call_id(),
                        "type": "function",
                        "function": {"name": name, "arguments": json.dumps(arguments)},
                    }
                    for name, arguments in answer.tool_calls
                ]

            def _completion(self, answer: Scripted, body: dict[str, Any]) -> dict[str, Any]:
                message: dict[str, Any] = {"role": "assistant", "content": answer.text}
                if answer.tool_calls:
                    message["tool_calls"] = self._calls(answer)
                return {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "fake-model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "finish_reason": "tool_calls" if answer.tool_calls else "stop",
                        }
                    ],
                    "usage": USAGE,
                }

            def _stream(self, answer: Scripted, body: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()

                def chunk(choices: list[dict[str, Any]], **extra: Any) -> None:
                    payload = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": body.get("model", "fake-model"),
                        "choices": choices,
                        **extra,
                    }
                    self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                    self.wfile.flush()

                def delta(content: dict[str, Any], finish: str | None = None) -> None:
                    chunk([{"index": 0, "delta": content, "finish_reason": finish}])

                delta({"role": "assistant", "content": ""})
                for piece in re.findall(r"\S+\s*", answer.text or ""):
                    delta({"content": piece})
                for index, tool_call in enumerate(self._calls(answer)):
                    delta({"tool_calls": [{"index": index, **tool_call}]})
                delta({}, "tool_calls" if answer.tool_calls else "stop")
                chunk([], usage=USAGE)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        return Handler
