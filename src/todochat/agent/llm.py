"""The LLM agent: the OpenAI Agents SDK on any OpenAI-compatible Chat Completions
endpoint (OpenAI, Ollama, vLLM, LM Studio …), reaching the tools through MCP."""

from __future__ import annotations

import json
import logging
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
    OpenAIChatCompletionsModel,
    RunConfig,
    Runner,
    TResponseInputItem,
)
from agents.mcp import MCPServer as AgentsMCPServer
from mcp.types import CallToolResult, GetPromptResult, ListPromptsResult, Tool
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
    constructor for an already-connected session)."""

    def __init__(self, tools: McpTools) -> None:
        super().__init__(use_structured_content=True)
        self._tools = tools

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
        return await self._tools.call_raw(tool_name, arguments or {})

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


def provider_error(exc: BaseException) -> AgentError:
    """A provider or model failure as a clean AgentError (502, or 504 for timeouts)."""
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
    if isinstance(exc, MaxTurnsExceeded):
        return AgentError("the model did not finish within its turn limit", code="model_error")
    if isinstance(exc, ModelBehaviorError | AgentsException | openai.OpenAIError):
        return AgentError("the model returned something unusable", code="model_error")
    raise exc


class LLMAgent:
    """An OpenAI-compatible model driving the tools (see the module docstring)."""

    name = "llm"
    answers_at_once = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        self._client = openai.AsyncOpenAI(
            base_url=settings.llm_base_url,
            # Local servers (Ollama, vLLM) take any key; the client insists on one.
            api_key=api_key or "not-needed",
            timeout=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
        )
        self._model = OpenAIChatCompletionsModel(
            model=settings.llm_model, openai_client=self._client
        )

    def _instructions(self, timezone: str) -> str:
        now = datetime.now(UTC).astimezone(ZoneInfo(timezone))
        return INSTRUCTIONS.format(timezone=timezone, now=now.strftime("%A %d %B %Y, %H:%M"))

    async def stream(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        if not isinstance(request.tools, McpTools):
            raise AgentError("the LLM agent reaches the tools through MCP only")
        agent = Agent(
            name="todochat",
            instructions=self._instructions(request.timezone),
            model=self._model,
            mcp_servers=[TurnToolServer(request.tools)],
        )
        items = [*history_as_model_input(request.history)]
        items.append({"role": "user", "content": request.message})
        run_config = RunConfig(
            tracing_disabled=not self.settings.llm_tracing, workflow_name="todochat chat"
        )
        reported = 0
        text_parts: list[str] = []
        try:
            result = Runner.run_streamed(
                agent, items, run_config=run_config, max_turns=self.settings.llm_max_turns
            )
            async for event in result.stream_events():
                if event.type == "raw_response_event" and isinstance(
                    event.data, ResponseTextDeltaEvent
                ):
                    text_parts.append(event.data.delta)
                    yield TextDelta(event.data.delta)
                while reported < len(request.tools.calls):
                    yield ToolCalled(request.tools.calls[reported])
                    reported += 1
            final = result.final_output
        except AgentError:
            raise
        except Exception as exc:
            logger.warning("model run failed: %s", type(exc).__name__)
            raise provider_error(exc) from exc
        for call in request.tools.calls[reported:]:
            yield ToolCalled(call)
        text = final if isinstance(final, str) and final else "".join(text_parts)
        yield ReplyDone(AgentReply(text=text.strip(), tool_calls=list(request.tools.calls)))
