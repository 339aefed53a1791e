"""A local, scripted stand-in for an OpenAI-compatible Chat Completions server.

A test queues the answers (tool calls, a final text, an HTTP error, or no answer at all)
and reads back every request body the server received. It answers both plain JSON and
`stream: true` Server-Sent Events in the `chat.completion.chunk` format.

A `Profile` makes it behave like a real server on the points where real servers
differ (see PROFILES): tools ignored without `tool_choice`, no streamed tool calls,
a 500 for broken tool-call arguments in the history, reasoning before the answer,
tool calls written into the text instead of `tool_calls`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

COMPLETIONS_PATH = "/v1/chat/completions"
USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


@dataclass(frozen=True)
class Scripted:
    """One answer of the fake model."""

    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text: str | None = None
    status: int = 200
    hang: bool = False
    # The answer ends at the length limit: a tool call's arguments are cut in half.
    cut_off: bool = False
    # A stream that never ends: a token every 50 ms (a plain request hangs instead).
    trickle: bool = False


@dataclass(frozen=True)
class Profile:
    """How one real server family behaves where it matters to todochat."""

    name: str
    # llama-cpp-python: the tools are ignored unless `tool_choice` is sent.
    needs_tool_choice: bool = False
    # llama-cpp-python: "Automatic streaming tool choice is not supported"; the stream
    # is cut off after the 200 headers.
    streams_tool_calls: bool = True
    # llama.cpp's server: a 500 when a replayed tool call's arguments are not JSON.
    rejects_broken_history: bool = False
    # Reasoning before the answer: in the text (`<think>…</think>`) or in a field.
    thinks: Literal["text", "field"] | None = None
    # Tool calls written into the text: Hermes-style `<tool_call>` or a bare object.
    calls_in_text: Literal["hermes", "json"] | None = None
    # Streamed tool calls: OpenAI splits the arguments over several chunks.
    split_streamed_arguments: bool = False


OPENAI = Profile("openai", split_streamed_arguments=True)
PROFILES = [
    OPENAI,
    Profile("llama-server", rejects_broken_history=True, thinks="field"),
    Profile("llama-cpp-python", needs_tool_choice=True, streams_tool_calls=False),
    Profile("vllm", thinks="field", calls_in_text="hermes"),
    Profile("ollama", thinks="text", calls_in_text="json"),
]
"""The documented behaviour of OpenAI, llama.cpp's `llama-server`, llama-cpp-python,
vLLM (a Hermes-style model served without a tool parser) and Ollama (a reasoning
model whose template writes calls as JSON)."""


def call(name: str, **arguments: Any) -> Scripted:
    """The model calls one tool."""
    return Scripted(tool_calls=[(name, arguments)])


def reply(text: str) -> Scripted:
    """The model answers with text and stops."""
    return Scripted(text=text)


def cut_off_call(name: str, **arguments: Any) -> Scripted:
    """The model calls one tool, but the length limit cuts the call off."""
    return Scripted(tool_calls=[(name, arguments)], cut_off=True)


TRICKLE = Scripted(trickle=True)
"""The model never stops producing tokens (a plain request never answers)."""


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

    def __init__(self, profile: Profile = OPENAI) -> None:
        self.profile = profile
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
                profile = fake.profile
                if answer is not None and profile.needs_tool_choice and "tool_choice" not in body:
                    # The tools are not given to the model: it can only talk.
                    answer = Scripted(text=answer.text or "I would do that for you.")
                if self.path != COMPLETIONS_PATH:
                    self._json(404, {"error": {"message": "no such path", "type": "invalid"}})
                elif answer is None:
                    self._json(500, {"error": {"message": "unscripted request", "type": "test"}})
                elif profile.rejects_broken_history and _broken_history(body):
                    message = "Failed to parse tool call arguments as JSON"
                    self._json(500, {"error": {"code": 500, "message": message}})
                elif answer.hang or (answer.trickle and not body.get("stream")):
                    fake.release.wait(timeout=120)
                elif answer.status != 200:
                    self._json(
                        answer.status,
                        {"error": {"message": "boom: model overloaded", "type": "server"}},
                    )
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
                if fake.profile.calls_in_text:
                    return []
                return [
                    {
                        "id": fake._tool_call_id(),
                        "type": "function",
                        "function": {
                            "name": name,
                            "arguments": _cut(json.dumps(arguments), answer),
                        },
                    }
                    for name, arguments in answer.tool_calls
                ]

            def _text(self, answer: Scripted) -> str | None:
                """The answer's text: reasoning first (as text, for some), and the
                tool calls, for a profile that writes them into the text."""
                text = answer.text or ""
                style = fake.profile.calls_in_text
                if answer.tool_calls and style == "hermes":
                    text += "".join(
                        f"<tool_call>\n{json.dumps({'name': n, 'arguments': a})}\n</tool_call>"
                        for n, a in answer.tool_calls
                    )
                elif answer.tool_calls and style == "json":
                    name, arguments = answer.tool_calls[0]
                    text += json.dumps({"name": name, "parameters": arguments})
                text = _cut(text, answer) if style else text
                if fake.profile.thinks == "text":
                    text = f"<think>The user wants something done.</think>\n\n{text}"
                return text or None

            def _finish(self, answer: Scripted) -> str:
                if answer.cut_off:
                    return "length"
                return "tool_calls" if self._calls(answer) else "stop"

            def _completion(self, answer: Scripted, body: dict[str, Any]) -> dict[str, Any]:
                message: dict[str, Any] = {"role": "assistant", "content": self._text(answer)}
                if fake.profile.thinks == "field":
                    message["reasoning_content"] = "The user wants something done."
                if calls := self._calls(answer):
                    message["tool_calls"] = calls
                return {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "fake-model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "finish_reason": self._finish(answer),
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
                profile = fake.profile
                if not profile.streams_tool_calls and body.get("tools"):
                    # llama-cpp-python raises after the headers: the stream just stops.
                    return
                if answer.trickle:
                    while not fake.release.wait(timeout=0.05):
                        delta({"content": "la "})
                    return
                if profile.thinks == "field":
                    delta({"reasoning_content": "The user wants something done."})
                for piece in re.findall(r"\S+\s*", self._text(answer) or ""):
                    delta({"content": piece})
                for index, tool_call in enumerate(self._calls(answer)):
                    function = tool_call["function"]
                    arguments = function["arguments"]
                    if profile.split_streamed_arguments:
                        head = {**tool_call, "function": {**function, "arguments": ""}}
                        delta({"tool_calls": [{"index": index, **head}]})
                        for at in range(0, len(arguments), 7):
                            part = {"arguments": arguments[at : at + 7]}
                            delta({"tool_calls": [{"index": index, "function": part}]})
                    else:
                        delta({"tool_calls": [{"index": index, **tool_call}]})
                delta({}, self._finish(answer))
                chunk([], usage=USAGE)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        return Handler


def _cut(text: str, answer: Scripted) -> str:
    """The text as the length limit leaves it: half of it, for a cut-off answer."""
    return text[: len(text) // 2] if answer.cut_off else text


def _broken_history(body: dict[str, Any]) -> bool:
    """Whether a replayed tool call's arguments are not JSON (llama-server's 500)."""
    for message in body.get("messages", []):
        for tool_call in message.get("tool_calls") or []:
            try:
                json.loads(tool_call["function"]["arguments"])
            except ValueError:
                return True
    return False
