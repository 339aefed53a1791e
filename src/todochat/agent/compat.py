"""What real OpenAI-compatible servers answer, made safe before the Agents SDK sees it.

The SDK takes a completion at its word. Local servers differ from OpenAI in ways that
matter for tools, so every answer passes through `settle` first:

* a tool call cut off by the length limit (`finish_reason: "length"`), or whose
  arguments are not a JSON object, is never executed and never enters the history
  (llama.cpp's server answers 500 when such a call is replayed): the model is asked
  once more, and if it fails again the turn fails cleanly (`BrokenToolCall`);
* reasoning written into the answer (`<think>…</think>`, as Qwen3 and DeepSeek-R1
  do through Ollama or llama.cpp) is dropped;
* a tool call written into the text instead of `tool_calls` (Hermes-style
  `<tool_call>{"name": …, "arguments": …}</tool_call>`, or a bare JSON object) is
  recovered as a call when it is unambiguous: the whole text is such calls, each
  naming an offered tool.

Streams are handled the same way: text that cannot be a call passes through as it
arrives; tool-call fragments (and text that may be a call) are held until the end of
the stream, settled, then handed on whole.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from agents import FunctionTool, OpenAIChatCompletionsModel
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from todochat.agent.base import AgentError

_THINKING = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_HERMES_CALLS = re.compile(r"\s*<tool_call>(.*?)</tool_call>\s*", re.DOTALL)
_LOOKS_LIKE_CALL = re.compile(r'^\s*(<tool_call>|\{\s*"name")')


class BrokenToolCall(AgentError):
    """The model's tool call was cut off or unreadable, twice: nothing was run."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the model's tool call {reason}, so it was not run", code="model_error")


class RefusedCall(Exception):
    """A call that must not run (cut off or unreadable); the request is made once more."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PendingCall:
    """A tool call as the model wrote it, before it is trusted."""

    id: str
    name: str
    arguments: str


def _arguments(text: str) -> str | None:
    """The arguments as a JSON object's text, or None when they don't parse as one.
    An empty string is taken as no arguments (some servers send it so)."""
    if not text.strip():
        return "{}"
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return json.dumps(value) if isinstance(value, dict) else None


def _call_from_json(text: str, tools: set[str]) -> PendingCall | None:
    """`{"name": …, "arguments"|"parameters": {…}}` naming an offered tool, else None."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or not set(value) <= {"name", "arguments", "parameters"}:
        return None
    name, arguments = value.get("name"), value.get("arguments", value.get("parameters", {}))
    if isinstance(arguments, str):  # arguments as a JSON string, as in `tool_calls`
        parsed = _arguments(arguments)
        arguments = json.loads(parsed) if parsed is not None else None
    if name not in tools or not isinstance(arguments, dict):
        return None
    return PendingCall(f"call_{uuid.uuid4().hex[:12]}", name, json.dumps(arguments))


def _calls_in_text(text: str, tools: set[str]) -> list[PendingCall] | None:
    """The tool calls the whole text consists of, or None when it is not only calls."""
    blocks = _HERMES_CALLS.findall(text)
    if blocks and not _HERMES_CALLS.sub("", text).strip():
        calls = [_call_from_json(block, tools) for block in blocks]
        return None if None in calls else [c for c in calls if c is not None]
    single = _call_from_json(text, tools) if text.strip().startswith("{") else None
    return [single] if single else None


def settle(
    text: str, calls: list[PendingCall], finish: str | None, tools: set[str]
) -> tuple[str, list[PendingCall]]:
    """The answer's text and the tool calls to run; raises `RefusedCall` for a call that
    must not run (cut off, or arguments that don't parse)."""
    text = _THINKING.sub("", text)
    if calls:
        if finish == "length":
            raise RefusedCall("was cut off at the length limit")
        for pending in calls:
            arguments = _arguments(pending.arguments)
            if arguments is None:
                raise RefusedCall("had arguments that are not valid JSON")
            pending.arguments = arguments
        return text, calls
    if tools and _LOOKS_LIKE_CALL.match(text):
        if finish == "length":
            raise RefusedCall("was cut off at the length limit")
        recovered = _calls_in_text(text, tools)
        if recovered:
            return "", recovered
        if text.lstrip().startswith("<tool_call>"):
            raise RefusedCall("was written as text that does not parse")
    return text, []


def _offered(tools: list[Any]) -> set[str]:
    return {tool.name for tool in tools if isinstance(tool, FunctionTool)}


class CheckedChatModel(OpenAIChatCompletionsModel):
    """The SDK's Chat Completions model, with every answer settled (see the module
    docstring) before the SDK acts on it. Only `_fetch_response` is replaced: the
    one place that sees the raw completion or chunk stream, and its finish_reason."""

    async def _fetch_response(self, *args: Any, **kwargs: Any) -> Any:
        tools = _offered(kwargs.get("tools", args[3] if len(args) > 3 else []))

        async def fetch() -> Any:
            return await super(CheckedChatModel, self)._fetch_response(*args, **kwargs)

        first = await fetch()
        if isinstance(first, ChatCompletion):
            try:
                return _settled_completion(first, tools)
            except RefusedCall:
                again = await fetch()
                try:
                    return _settled_completion(again, tools)
                except RefusedCall as retry:
                    raise BrokenToolCall(retry.reason) from None
        response, stream = first

        async def refetch() -> AsyncIterator[ChatCompletionChunk]:
            _, stream = await fetch()
            return stream  # type: ignore[no-any-return]

        return response, _settled_stream(stream, refetch, tools)


def _settled_completion(completion: ChatCompletion, tools: set[str]) -> ChatCompletion:
    if not completion.choices:
        return completion
    choice = completion.choices[0]
    message = choice.message
    pending = [
        PendingCall(c.id, c.function.name, c.function.arguments or "")
        for c in message.tool_calls or []
        if c.type == "function"
    ]
    text, calls = settle(message.content or "", pending, choice.finish_reason, tools)
    data = completion.model_dump()
    settled = data["choices"][0]
    settled["message"]["content"] = text or None
    settled["message"]["tool_calls"] = [_call_json(c) for c in calls] or None
    if calls or choice.finish_reason == "tool_calls":
        # Other reasons (a content filter, a cut answer) stay for the SDK to see.
        settled["finish_reason"] = "tool_calls" if calls else "stop"
    return ChatCompletion.model_validate(data)


def _call_json(pending: PendingCall) -> dict[str, Any]:
    return {
        "id": pending.id,
        "type": "function",
        "function": {"name": pending.name, "arguments": pending.arguments},
    }


async def _settled_stream(
    stream: AsyncIterator[ChatCompletionChunk],
    refetch: Callable[[], Awaitable[AsyncIterator[ChatCompletionChunk]]],
    tools: set[str],
) -> AsyncIterator[ChatCompletionChunk]:
    """The chunks, with text passed on as it comes (unless it may be a call) and tool
    calls held, settled and handed on whole at the end; one retry on a broken call."""
    for attempt in range(2):
        held = _HeldStream(tools)
        try:
            async for chunk in stream:
                for out in held.take(chunk):
                    yield out
        finally:
            # Closed here too when the reader stops early (a deadline, a cancel), so
            # that the connection to the provider is not left open.
            close = getattr(stream, "close", None)
            if callable(close):
                await close()
        try:
            rest = held.finish()
        except RefusedCall as refused:
            if attempt:
                raise BrokenToolCall(refused.reason) from None
            stream = await refetch()
            continue
        for out in rest:
            yield out
        return


class _HeldStream:
    """One streamed answer being read: see `_settled_stream`."""

    def __init__(self, tools: set[str]) -> None:
        self.tools = tools
        self.text = ""
        self.live: bool | None = None  # None until the text shows what it is
        self.calls: dict[int, PendingCall] = {}
        self.finish_reason: str | None = None
        self.template: ChatCompletionChunk | None = None
        self.trailing: list[ChatCompletionChunk] = []

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> ChatCompletionChunk:
        assert self.template is not None
        data = self.template.model_dump(exclude={"choices", "usage"})
        data["choices"] = [{"index": 0, "delta": delta, "finish_reason": finish}]
        return ChatCompletionChunk.model_validate(data)

    def take(self, chunk: ChatCompletionChunk) -> list[ChatCompletionChunk]:
        """What to pass on now of this chunk."""
        self.template = self.template or chunk
        if not chunk.choices:  # usage, after the last choice: kept for the end
            self.trailing.append(chunk)
            return []
        choice = chunk.choices[0]
        delta = choice.delta
        self.finish_reason = choice.finish_reason or self.finish_reason
        for fragment in delta.tool_calls or []:
            pending = self.calls.setdefault(fragment.index, PendingCall("", "", ""))
            if fragment.id:
                pending.id = fragment.id
            if fragment.function is not None:
                pending.name += fragment.function.name or ""
                pending.arguments += fragment.function.arguments or ""
        out: list[ChatCompletionChunk] = []
        rest = delta.model_dump(exclude={"content", "tool_calls"}, exclude_none=True)
        if any(key != "role" for key in rest):  # e.g. reasoning_content: the SDK's own
            out.append(self._chunk(rest))
        if delta.content:
            self.text += delta.content
            if self.live is None and self.text.strip():
                # Plain words are the answer; "<" or "{" may be reasoning or a call.
                self.live = not self.text.lstrip().startswith(("<", "{")) or not self.tools
                if self.live:
                    out.append(self._chunk({"role": "assistant", "content": self.text}))
            elif self.live:
                out.append(self._chunk({"content": delta.content}))
        return out

    def finish(self) -> list[ChatCompletionChunk]:
        """The rest, settled: held text, whole tool calls, the finish, then usage."""
        if self.template is None or self.finish_reason is None:
            # The stream stopped without saying why: llama-cpp-python does so after
            # its 200 headers when it cannot stream tool calls.
            raise AgentError(
                "the model provider's stream ended early (try TODOCHAT_LLM_STREAMING=never)",
                code="provider_error",
            )
        pending = [self.calls[index] for index in sorted(self.calls)]
        held_text = "" if self.live else self.text
        text, calls = settle(held_text, pending, self.finish_reason, self.tools)
        if self.live and not pending:
            # Live text was not held, so it cannot be a call; a cut answer stays an answer.
            calls = []
        out = []
        if text:
            out.append(self._chunk({"role": "assistant", "content": text}))
        for index, settled in enumerate(calls):
            out.append(self._chunk({"tool_calls": [{"index": index, **_call_json(settled)}]}))
        out.append(self._chunk({}, "tool_calls" if calls else "stop"))
        return [*out, *self.trailing]
