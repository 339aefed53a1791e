"""The five tools through the MCP Inspector's CLI (`mcp-inspector --cli`), the client
most people try an MCP server with: over stdio against `todochat mcp --user …`, and over
Streamable HTTP against a real `todochat serve`, with the bearer token sent by the
Inspector's `--header`.

The Inspector is pinned in package.json and package-lock.json beside this file;
`make install` installs it when npm is on the machine. Without it (or without Node),
these tests skip, saying why; in CI (CI set) they fail instead. The pinned version
(2.12.0) declares Node 22.19 or newer in its package.json; its CLI, all these tests use,
runs on the project's Node 20 (npm ci only warns), and these tests are what show it:
a newer pin must pass them on Node 20 too.

Each run of the Inspector is one process that connects, sends one request and prints
one JSON object (`--format json`). The assertions read that output as a client would and
ask only for what the tools promise, so that they hold when the tools gain optional
arguments or result fields: a change's task is found by its `task_id` or in a `task`
object, and a listing's tasks by their titles wherever in the result they are (a bare
list under `result`, or `{"tasks": [...], "next_cursor": ...}`).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import (
    PASSWORD,
    ServerProcess,
    clean_environment,
    make_settings,
    todochat_command,
)
from todochat.db import Database
from todochat.services import users

HERE = Path(__file__).resolve().parent
INSPECTOR = HERE / "node_modules" / ".bin" / "mcp-inspector"
IN_CI = bool(os.environ.get("CI"))
INSPECTOR_SECONDS = 120
# How long the Inspector waits for the server to answer `initialize` (its default, 15 s,
# is less than a `todochat mcp` process can take to start on a busy machine).
CONNECT_MILLISECONDS = 90_000
FIVE_TOOLS = {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"}
EMAIL = "ada@example.com"

# The Inspector CLI's exit codes that these tests expect.
EXIT_OK = 0
EXIT_AUTH_REQUIRED = 3
EXIT_TOOL_ERROR = 5


def missing_inspector() -> str | None:
    """Why the Inspector cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "needs Node.js (20 or newer) on the PATH for the MCP Inspector"
    if not INSPECTOR.exists():
        return (
            "needs the MCP Inspector: run `make install` with npm on the PATH "
            f"(it runs `npm ci --prefix {HERE.relative_to(HERE.parents[1])}`)"
        )
    return None


@pytest.fixture(autouse=True)
def inspector_installed() -> None:
    """Skip without the Inspector, saying why; in CI, which must run every test, fail."""
    reason = missing_inspector()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI runs the MCP Inspector tests: {reason}")
    pytest.skip(reason)


# Running the Inspector --------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One run of the Inspector: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        """The one JSON object `--format json` prints on stdout."""
        try:
            value = json.loads(self.stdout)
        except json.JSONDecodeError as exc:
            raise AssertionError(f"not JSON on stdout: {self}") from exc
        assert isinstance(value, dict), self
        return value

    def result(self) -> dict[str, Any]:
        """The result of a request that succeeded."""
        assert self.returncode == EXIT_OK, self
        result: dict[str, Any] = self.json()["result"]
        return result


@dataclass(frozen=True)
class Target:
    """Where the Inspector connects: the arguments that name the server, and the
    directory it runs in."""

    arguments: tuple[str, ...]
    workdir: Path

    def run(self, method: str, *options: str) -> Run:
        """Run `mcp-inspector --cli` once: `method` with `options`, against the server."""
        finished = subprocess.run(
            [
                str(INSPECTOR),
                "--cli",
                "--format",
                "json",
                "--connect-timeout",
                str(CONNECT_MILLISECONDS),
                "--method",
                method,
                *options,
                *self.arguments,
            ],
            cwd=self.workdir,
            # The Inspector keeps its catalog, settings and secrets under HOME: a
            # directory of the test's own, and secrets in memory only.
            env=clean_environment(
                HOME=str(self.workdir / "home"), MCP_INSPECTOR_SECRET_STORE="memory"
            ),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=INSPECTOR_SECONDS,
            check=False,
        )
        return Run(finished.returncode, finished.stdout, finished.stderr)

    def tools(self) -> list[dict[str, Any]]:
        tools: list[dict[str, Any]] = self.run("tools/list").result()["tools"]
        return tools

    def call_run(self, tool: str, arguments: dict[str, Any]) -> Run:
        # JSON arguments keep their types (a task number stays an integer).
        return self.run(
            "tools/call", "--tool-name", tool, "--tool-args-json", json.dumps(arguments)
        )

    def call(self, tool: str, arguments: dict[str, Any]) -> Any:
        """What a tool call that succeeded returned (its structured content)."""
        result = self.call_run(tool, arguments).result()
        assert result.get("isError") is not True, result
        return payload(result)

    def listed(self, **arguments: Any) -> dict[str, dict[str, Any]]:
        """The tasks list_tasks shows, by title."""
        return by_title(self.call("list_tasks", arguments))


# Reading results --------------------------------------------------------------------------


def payload(result: dict[str, Any]) -> Any:
    """A tool result's structured content; without one, its text blocks read as JSON."""
    if result.get("structuredContent") is not None:
        return result["structuredContent"]
    texts = [block["text"] for block in result["content"] if block.get("type") == "text"]
    return [json.loads(text) for text in texts]


def tasks_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every task in a result, wherever it is: an object with an id (or task_id) and a
    title, at any depth of lists and objects."""
    if isinstance(value, dict):
        if "title" in value and ("id" in value or "task_id" in value):
            yield value
            return
        for inner in value.values():
            yield from tasks_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from tasks_in(inner)


def by_title(listing: Any) -> dict[str, dict[str, Any]]:
    tasks = list(tasks_in(listing))
    titles = [task["title"] for task in tasks]
    assert len(set(titles)) == len(titles), f"a title listed twice: {listing}"
    return {task["title"]: task for task in tasks}


def number(task: dict[str, Any]) -> int:
    value = task.get("id", task.get("task_id"))
    assert isinstance(value, int), task
    return value


@dataclass(frozen=True)
class Change:
    """What add/update/complete/delete_task say they did."""

    task_id: int
    title: str
    status: str | None


def change(result: Any) -> Change:
    """The change a tool reports: `task_id`, `title` and `status` at the top, or the
    same task in a `task` object."""
    assert isinstance(result, dict), result
    task = result.get("task") if isinstance(result.get("task"), dict) else {}
    task_id = result.get("task_id", task.get("id"))
    title = result.get("title", task.get("title"))
    assert isinstance(task_id, int), result
    assert isinstance(title, str), result
    status = result.get("status")
    return Change(task_id, title, status if isinstance(status, str) else None)


def is_done(task: dict[str, Any]) -> bool:
    if "completed" in task:
        return bool(task["completed"])
    return bool(task["status"] == "completed")


# Servers ----------------------------------------------------------------------------------


async def _create_user(database_url: str, email: str) -> None:
    database = Database(make_settings(database_url))
    try:
        async with database.session() as session:
            await users.create_user(session, email=email, password_hash=None, name="Ada")
    finally:
        await database.dispose()


@pytest.fixture
def stdio(database_url: str, tmp_path: Path) -> Target:
    """`todochat mcp --user` for a new account, on this test's own SQLite database, as
    the Inspector starts it (`-e` gives the server process its database)."""
    asyncio.run(_create_user(database_url, EMAIL))
    return Target(
        (
            "-e",
            f"TODOCHAT_DATABASE_URL={database_url}",
            "--cwd",
            str(tmp_path),
            # Everything after `--` is the server's command line.
            "--",
            *todochat_command("mcp", "--user", EMAIL),
        ),
        tmp_path,
    )


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A real `todochat serve` on this test's database."""
    with ServerProcess(tmp_path, database_url) as process:
        yield process


def http_target(server: ServerProcess, workdir: Path, token: str | None) -> Target:
    """The server's /mcp over Streamable HTTP; with `token`, sent as a bearer header.
    `--stored-auth-only`: never start an interactive OAuth login."""
    header = ("--header", f"Authorization: Bearer {token}") if token is not None else ()
    return Target(
        (
            "--transport",
            "http",
            "--server-url",
            f"{server.base_url}/mcp",
            "--stored-auth-only",
            *header,
        ),
        workdir,
    )


def register(base_url: str, email: str) -> str:
    """Sign up over HTTP; the new account's access token."""
    response = httpx.post(
        f"{base_url}/api/auth/register",
        json={"email": email, "password": PASSWORD, "name": "", "timezone": "UTC"},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    token: str = response.json()["access_token"]
    return token


# tools/list ---------------------------------------------------------------------------------


def test_tools_list_shows_the_five_tools_with_their_input_schemas(stdio: Target) -> None:
    # `--strict` also checks the schemas' portability: exit 6 on an error.
    run = stdio.run("tools/list", "--strict")
    tools = {tool["name"]: tool for tool in run.result()["tools"]}
    assert set(tools) == FIVE_TOOLS
    for name, tool in tools.items():
        assert tool.get("description"), name
        schema = tool["inputSchema"]
        assert schema["type"] == "object", name
        assert isinstance(schema.get("properties"), dict), name
    # One task by `title`, or several as `tasks`: neither is required on its own.
    assert {"title", "tasks"} <= set(tools["add_task"]["inputSchema"]["properties"])
    for name in ("complete_task", "delete_task", "update_task"):
        schema = tools[name]["inputSchema"]
        assert "task_id" in schema["required"], name
        assert schema["properties"]["task_id"]["type"] == "integer", name


# tools/call ---------------------------------------------------------------------------------


def test_every_tool_called_in_turn_over_stdio(stdio: Target) -> None:
    """add → list shows it → update → complete → list shows both → delete → list no
    longer shows it (and still shows the other task)."""
    added = change(
        stdio.call(
            "add_task", {"title": "Buy milk", "description": "two litres", "priority": "high"}
        )
    )
    assert (added.title, added.status) == ("Buy milk", "created")
    other = change(stdio.call("add_task", {"title": "Call mom"}))
    assert other.task_id != added.task_id

    listed = stdio.listed()
    assert set(listed) == {"Buy milk", "Call mom"}
    milk = listed["Buy milk"]
    assert number(milk) == added.task_id
    assert (milk["priority"], milk["description"], is_done(milk)) == ("high", "two litres", False)

    updated = change(
        stdio.call(
            "update_task", {"task_id": added.task_id, "title": "Buy oat milk", "priority": "urgent"}
        )
    )
    assert updated == Change(added.task_id, "Buy oat milk", "updated")
    completed = change(stdio.call("complete_task", {"task_id": added.task_id}))
    assert completed == Change(added.task_id, "Buy oat milk", "completed")

    listed = stdio.listed(status="all")
    assert set(listed) == {"Buy oat milk", "Call mom"}
    oat_milk = listed["Buy oat milk"]
    # Only what update_task was given changed; complete_task completed it.
    assert (number(oat_milk), oat_milk["priority"], oat_milk["description"]) == (
        added.task_id,
        "urgent",
        "two litres",
    )
    assert is_done(oat_milk)
    assert not is_done(listed["Call mom"])

    deleted = change(stdio.call("delete_task", {"task_id": added.task_id}))
    assert deleted == Change(added.task_id, "Buy oat milk", "deleted")
    listed = stdio.listed()
    assert set(listed) == {"Call mom"}
    assert number(listed["Call mom"]) == other.task_id


def test_a_missing_task_is_a_tool_error_the_inspector_reports(stdio: Target) -> None:
    run = stdio.call_run("complete_task", {"task_id": 42})
    assert run.returncode == EXIT_TOOL_ERROR, run
    result = run.json()["result"]
    assert result["isError"] is True
    assert "task 42 not found" in " ".join(block.get("text", "") for block in result["content"])


# Streamable HTTP, with the token in a header ------------------------------------------------


def test_every_tool_over_http_with_a_bearer_header(server: ServerProcess, tmp_path: Path) -> None:
    token = register(server.base_url, "ada-http@example.com")
    http = http_target(server, tmp_path, token)
    assert {tool["name"] for tool in http.tools()} == FIVE_TOOLS

    added = change(http.call("add_task", {"title": "Buy milk", "priority": "low"}))
    assert (added.title, added.status) == ("Buy milk", "created")
    updated = change(http.call("update_task", {"task_id": added.task_id, "priority": "high"}))
    assert updated == Change(added.task_id, "Buy milk", "updated")
    completed = change(http.call("complete_task", {"task_id": added.task_id}))
    assert completed == Change(added.task_id, "Buy milk", "completed")
    milk = http.listed()["Buy milk"]
    assert (number(milk), milk["priority"], is_done(milk)) == (added.task_id, "high", True)

    deleted = change(http.call("delete_task", {"task_id": added.task_id}))
    assert deleted == Change(added.task_id, "Buy milk", "deleted")
    assert http.listed() == {}


def test_each_token_sees_only_its_own_tasks_over_http(
    server: ServerProcess, tmp_path: Path
) -> None:
    ada = http_target(server, tmp_path, register(server.base_url, "ada-own@example.com"))
    ben = http_target(server, tmp_path, register(server.base_url, "ben-own@example.com"))
    ada.call("add_task", {"title": "Ada's task"})
    ben.call("add_task", {"title": "Ben's task"})
    assert set(ada.listed()) == {"Ada's task"}
    assert set(ben.listed()) == {"Ben's task"}


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_without_a_valid_bearer_header_the_inspector_is_refused(
    server: ServerProcess, tmp_path: Path, token: str | None
) -> None:
    run = http_target(server, tmp_path, token).run("tools/list")
    assert run.returncode == EXIT_AUTH_REQUIRED, run
    assert run.stdout == ""
    assert "auth_required" in run.stderr
