"""The LLM agent: the OpenAI Agents SDK on any OpenAI-compatible Chat Completions
endpoint (OpenAI, Ollama, vLLM, LM Studio …), reaching the tools through MCP."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openai
from agents import (
    Agent,
    AgentsException,
    MaxTurnsExceeded,
    ModelBehaviorError,
    ModelSettings,
    RunConfig,
    Runner,
    TResponseInputItem,
)
from agents.mcp import MCPServer as AgentsMCPServer
from mcp.types import CallToolResult, GetPromptResult, ListPromptsResult, TextContent, Tool
from openai.types.responses import ResponseTextDeltaEvent

from todochat.agent.base import (
    AgentError,
    AgentEvent,
    AgentReply,
    AgentRequest,
    HistoryEntry,
    ReplyDone,
    TextDelta,
    ToolCalled,
)
from todochat.agent.compat import CheckedChatModel
from todochat.agent.toolbox import McpTools
from todochat.config import Settings

logger = logging.getLogger("todochat.agent")

INSTRUCTIONS = """You are todochat, a friendly assistant that manages the user's todo list.
Use the tools for every change and every question about tasks; never invent tasks.
Tasks are known by their number (task_id). To act on a task named by its words, call
list_tasks first to find its number; if several tasks fit, ask which one instead of
guessing. Never delete or change more than one task unless the user asks for exactly
that. Due dates may be given in plain words ("tomorrow", "next friday 5pm"): pass them
as due_date. Reply briefly and confirm what you did, naming the task and its number.
The user's time zone is {timezone}; it is now {now} there."""


class TurnToolServer(AgentsMCPServer):
    """Our own MCP server as the SDK sees it during one turn: the process's in-process
    connection, acting for the turn's user and recording its calls (the SDK has no
    constructor for an already-connected session). Each finished call is reported to
    `events` at once; calls beyond `max_calls` are refused, not run."""

    def __init__(self, tools: McpTools, events: asyncio.Queue[AgentEvent], max_calls: int) -> None:
        super().__init__(use_structured_content=True)
        self._tools = tools
        self._events = events
        self._max_calls = max_calls
        self.limit_reached = False

    @property
    def name(self) -> str:
        return "todochat"

    async def connect(self) -> None:
        """Already connected: the process's connection lives as long as the process."""

    async def cleanup(self) -> None:
        """The connection outlives the turn."""

    async def list_tools(self, run_context: Any = None, agent: Any = None) -> list[Tool]:
        # The SDK asks several times per model step; the list is read once per process.
        return await self._tools.list_tools()

    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any] | None, meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        if len(self._tools.calls) >= self._max_calls:
            # Refused, not run and not recorded; the turn ends once the model has
            # heard it (see LLMAgent._run).
            self.limit_reached = True
            refusal = "tool call limit of this turn reached: answer the user now"
            return CallToolResult(content=[TextContent(type="text", text=refusal)], isError=True)
        result = await self._tools.call_raw(tool_name, arguments or {})
        self._events.put_nowait(ToolCalled(self._tools.calls[-1]))
        return result

    async def list_prompts(self) -> ListPromptsResult:
        return ListPromptsResult(prompts=[])

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None
    ) -> GetPromptResult:
        raise AgentError(f"no prompt named {name}")


def _complete_call(call: Any) -> bool:
    return (
        isinstance(call, dict)
        and isinstance(call.get("name"), str)
        and isinstance(call.get("arguments"), dict)
        and ("result" in call or isinstance(call.get("error"), str))
    )


def history_as_model_input(history: list[HistoryEntry]) -> list[TResponseInputItem]:
    """Stored messages as the SDK's input items, cleaned so that one bad turn cannot
    break every later one: tool calls without an outcome, stored `tool` messages (a
    result without its call), system notes and failed turns are left out."""
    items: list[TResponseInputItem] = []
    for position, entry in enumerate(history):
        if entry.role == "user":
            items.append({"role": "user", "content": entry.content})
            continue
        if entry.role != "assistant" or (entry.metadata or {}).get("error"):
            continue
        for index, call in enumerate(entry.tool_calls or []):
            if not _complete_call(call):
                continue
            call_id = f"call_{position}_{index}"
            outcome = call["result"] if "result" in call else {"error": call["error"]}
            items.append(
                {
                    "type": "function_call",
                    "call_id": call_id,
                    "name": call["name"],
                    "arguments": json.dumps(call["arguments"]),
                }
            )
            items.append(
                {"type": "function_call_output", "call_id": call_id, "output": json.dumps(outcome)}
            )
        if entry.content:
            items.append({"role": "assistant", "content": entry.content})
    return items


_SECRET = re.compile(r"(?i)(bearer\s+|sk-|api[_-]?key[\"':=\s]+)[A-Za-z0-9._\-]{6,}")


def provider_detail(exc: BaseException, secret: str | None = None) -> str | None:
    """What the provider said, for the log and the stored note: the status and an
    excerpt of its body (or of its streamed error), with anything like a key removed."""
    if isinstance(exc, openai.APIStatusError):
        text = f"HTTP {exc.status_code}: {exc.response.text}"
    elif isinstance(exc, openai.APIError | AgentsException):
        text = str(exc)
    else:
        return None
    if secret:
        text = text.replace(secret, "[redacted]")
    text = _SECRET.sub(lambda match: match.group(1) + "[redacted]", " ".join(text.split()))
    return text[:300]


def provider_error(exc: BaseException, secret: str | None = None) -> AgentError:
    """A provider or model failure as a clean AgentError (502, or 504 for timeouts),
    carrying what the provider said (see provider_detail)."""
    error = _provider_error(exc)
    error.detail = provider_detail(exc, secret)
    return error


def _provider_error(exc: BaseException) -> AgentError:
    if isinstance(exc, openai.APITimeoutError):
        return AgentError("the model provider timed out", code="provider_timeout", status=504)
    if isinstance(exc, openai.RateLimitError):
        return AgentError("the model provider is rate limiting requests", code="provider_busy")
    if isinstance(exc, openai.APIStatusError):
        return AgentError(
            f"the model provider answered with an error (HTTP {exc.status_code})",
            code="provider_error",
        )
    if isinstance(exc, openai.APIConnectionError):
        return AgentError("the model provider cannot be reached", code="provider_unreachable")
    if isinstance(exc, openai.APIError):
        # An error sent inside a stream, after the 200 headers (llama-cpp-python).
        return AgentError("the model provider failed while answering", code="provider_error")
    if isinstance(exc, MaxTurnsExceeded):
        return AgentError("the model did not finish within its turn limit", code="model_error")
    if isinstance(exc, ModelBehaviorError | AgentsException | openai.OpenAIError):
        return AgentError("the model returned something unusable", code="model_error")
    raise exc


class LLMAgent:
    """An OpenAI-compatible model driving the tools (see the module docstring).

    Every request carries `tool_choice: "auto"` (llama-cpp-python ignores the tools
    without it) and `max_tokens` (so that a cut-off call is seen as cut off); it
    streams only when the client streams, or as `llm_streaming` says. The whole turn
    is bounded by `llm_turn_timeout_seconds`, and its tool calls by
    `llm_max_tool_calls`."""

    name = "llm"
    answers_at_once = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        self._secret = api_key
        self._client = openai.AsyncOpenAI(
            base_url=settings.llm_base_url,
            # Local servers (Ollama, vLLM) take any key; the client insists on one.
            api_key=api_key or "not-needed",
            timeout=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
        )
        self._model = CheckedChatModel(model=settings.llm_model, openai_client=self._client)
        self._model_settings = ModelSettings(
            tool_choice="auto",
            max_tokens=settings.llm_max_tokens,
            parallel_tool_calls=settings.llm_parallel_tool_calls,
        )

    def _instructions(self, timezone: str) -> str:
        now = datetime.now(UTC).astimezone(ZoneInfo(timezone))
        return INSTRUCTIONS.format(timezone=timezone, now=now.strftime("%A %d %B %Y, %H:%M"))

    def _streams(self, request: AgentRequest) -> bool:
        mode = self.settings.llm_streaming
        return mode == "always" or (mode == "client" and request.streaming)

    async def stream(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        if not isinstance(request.tools, McpTools):
            raise AgentError("the LLM agent reaches the tools through MCP only")
        tools = request.tools
        # The run is a task of its own that reports into this queue, so that the turn's
        # deadline can end it wherever it is, without cancelling whoever reads these
        # events (a timeout around `yield` would).
        events: asyncio.Queue[AgentEvent] = asyncio.Queue()
        server = TurnToolServer(tools, events, self.settings.llm_max_tool_calls)
        run = asyncio.create_task(self._run(request, server, events))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.llm_turn_timeout_seconds
        try:
            while not run.done() or not events.empty():
                if not events.empty():
                    yield events.get_nowait()
                    continue
                waiter = asyncio.ensure_future(events.get())
                done, _ = await asyncio.wait(
                    {waiter, run},
                    timeout=max(0.0, deadline - loop.time()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if waiter in done:
                    yield waiter.result()
                    continue
                waiter.cancel()
                if not done:
                    logger.warning("chat turn ended at its deadline")
                    raise AgentError(
                        "the turn took longer than "
                        f"{self.settings.llm_turn_timeout_seconds:g} seconds",
                        code="turn_timeout",
                        status=504,
                    )
            text = run.result()
        except AgentError:
            raise
        except Exception as exc:
            error = provider_error(exc, self._secret)
            logger.warning("model run failed: %s (%s)", type(exc).__name__, error.detail or "-")
            raise error from exc
        finally:
            if not run.done():
                run.cancel()
                await asyncio.gather(run, return_exceptions=True)
        metadata: dict[str, Any] = {}
        if server.limit_reached:
            limit = self.settings.llm_max_tool_calls
            note = f"I stopped after {limit} tool calls, the most one turn may make."
            text = f"{note} {text}".strip()
            metadata["stopped"] = "tool_call_limit"
        yield ReplyDone(
            AgentReply(text=text.strip(), tool_calls=list(tools.calls), metadata=metadata)
        )

    async def _run(
        self, request: AgentRequest, server: TurnToolServer, events: asyncio.Queue[AgentEvent]
    ) -> str:
        """The model's run, its text deltas put into `events`; its final text."""
        agent = Agent(
            name="todochat",
            instructions=self._instructions(request.timezone),
            model=self._model,
            model_settings=self._model_settings,
            # The SDK drops tool_choice after the first tool call (against loops of
            # forced calls); "auto" forces nothing, and llama-cpp-python needs it on
            # every request to see the tools at all.
            reset_tool_choice=False,
            mcp_servers=[server],
        )
        items = [*history_as_model_input(request.history)]
        items.append({"role": "user", "content": request.message})
        run_config = RunConfig(
            tracing_disabled=not self.settings.llm_tracing, workflow_name="todochat chat"
        )
        max_turns = self.settings.llm_max_turns
        try:
            if not self._streams(request):
                result = await Runner.run(agent, items, run_config=run_config, max_turns=max_turns)
                text = result.final_output if isinstance(result.final_output, str) else ""
                if text.strip():
                    events.put_nowait(TextDelta(text))
                return text
            streamed = Runner.run_streamed(agent, items, run_config=run_config, max_turns=max_turns)
            parts: list[str] = []
            async for event in streamed.stream_events():
                if event.type == "raw_response_event" and isinstance(
                    event.data, ResponseTextDeltaEvent
                ):
                    parts.append(event.data.delta)
                    events.put_nowait(TextDelta(event.data.delta))
                if server.limit_reached:
                    streamed.cancel()
            final = streamed.final_output
            return final if isinstance(final, str) and final else "".join(parts)
        except MaxTurnsExceeded:
            if server.limit_reached:
                return ""
            raise
