"""Helpers shared by the chat, MCP and agent tests. (A module of its own: several
`conftest` modules exist, so importing from `conftest` would be ambiguous.)"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from fastapi import FastAPI

JWT_SECRET = "chat-tests-jwt-secret-0123456789-abcdefghijklmno"
PASSWORD = "correct horse battery"
TODOCHAT = str(Path(sys.executable).with_name("todochat"))
SERVER_START_SECONDS = 60

T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    token: str
    timezone: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register(
    http: httpx.AsyncClient, email: str, timezone: str = "UTC", name: str = ""
) -> Account:
    """A new account, registered through the API."""
    response = await http.post(
        "/api/auth/register",
        json={"email": email, "password": PASSWORD, "name": name, "timezone": timezone},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(body["user"]["id"], email, body["access_token"], timezone)


class Chatter:
    """One account's view of a server: chat turns, tasks and stored messages."""

    def __init__(self, http: httpx.AsyncClient, account: Account) -> None:
        self.http = http
        self.account = account

    async def post_chat(
        self, message: str, conversation_id: str | None = None, *, path_user: str | None = None
    ) -> httpx.Response:
        """POST /api/{user_id}/chat (the account's own id unless told otherwise)."""
        body: dict[str, Any] = {"message": message}
        if conversation_id is not None:
            body["conversation_id"] = conversation_id
        user = path_user or self.account.id
        return await self.http.post(
            f"/api/{user}/chat", json=body, headers=self.account.headers, timeout=60
        )

    async def say(self, message: str, conversation_id: str | None = None) -> dict[str, Any]:
        """One successful chat turn's JSON."""
        response = await self.post_chat(message, conversation_id)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def add_task(self, title: str, **fields: Any) -> dict[str, Any]:
        """A task created through the REST API (not through the chat)."""
        response = await self.http.post(
            "/api/me/tasks", json={"title": title, **fields}, headers=self.account.headers
        )
        assert response.status_code == 201, response.text
        task: dict[str, Any] = response.json()
        return task

    async def complete(self, number: int) -> None:
        """Complete a task through the REST API."""
        response = await self.http.patch(
            f"/api/me/tasks/{number}/complete",
            json={"completed": True},
            headers=self.account.headers,
        )
        assert response.status_code == 200, response.text

    async def tasks(self) -> list[dict[str, Any]]:
        response = await self.http.get("/api/me/tasks", headers=self.account.headers)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def task(self, number: int) -> dict[str, Any]:
        response = await self.http.get(f"/api/me/tasks/{number}", headers=self.account.headers)
        assert response.status_code == 200, response.text
        task: dict[str, Any] = response.json()
        return task

    async def titles(self) -> dict[int, str]:
        """Task number → title, for every task."""
        return {t["id"]: t["title"] for t in await self.tasks()}

    async def statuses(self) -> dict[int, str]:
        """Task number → status, for every task."""
        return {t["id"]: t["status"] for t in await self.tasks()}

    async def conversations(self) -> list[dict[str, Any]]:
        response = await self.http.get("/api/me/conversations", headers=self.account.headers)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        response = await self.http.get(
            f"/api/me/conversations/{conversation_id}/messages", headers=self.account.headers
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


@asynccontextmanager
async def in_own_task(manager: AbstractAsyncContextManager[T]) -> AsyncIterator[T]:
    """Enter and exit `manager` in a task of its own. anyio task groups (the MCP session
    manager's, the MCP client's) must be left by the task that entered them, and a
    fixture's setup and teardown run in different tasks."""
    entered: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    leave = asyncio.Event()

    async def hold() -> None:
        try:
            async with manager as value:
                entered.set_result(value)
                await leave.wait()
        except BaseException as exc:
            if not entered.done():
                entered.set_exception(exc)
            raise

    holder = asyncio.create_task(hold())
    try:
        value = await entered
    except BaseException:
        await asyncio.gather(holder, return_exceptions=True)
        raise
    try:
        yield value
    finally:
        leave.set()
        await holder


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    """The app with its lifespan entered (migrations, MCP session manager)."""
    async with in_own_task(app.router.lifespan_context(app)):
        yield app


def tool_names(turn: dict[str, Any]) -> list[str]:
    return [call["name"] for call in turn["tool_calls"]]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(base_url: str, alive: Callable[[], bool], log: Path | None = None) -> None:
    """Poll /readyz until the server answers (bounded); `alive()` False means it died."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if not alive() or time.monotonic() > deadline:
            output = log.read_text()[-3000:] if log is not None and log.exists() else ""
            raise RuntimeError(f"the server at {base_url} did not come up\n{output}")
        time.sleep(0.1)


class ServerProcess:
    """A real `todochat serve` process (built-in agent) that can be stopped and started
    again on the same port."""

    def __init__(self, workdir: Path, database_url: str, **env: str) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "TODOCHAT_DATABASE_URL": database_url,
            "TODOCHAT_JWT_SECRET": JWT_SECRET,
            "TODOCHAT_AGENT": "builtin",
            "TODOCHAT_LOG_LEVEL": "WARNING",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [TODOCHAT, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process = self.process
        wait_until_ready(self.base_url, lambda: process.poll() is None, self.log)
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None


class ThreadedServer:
    """An app served by uvicorn on a real socket, in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        wait_until_ready(self.base_url, self.thread.is_alive)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """Server-Sent Events as (event, JSON data) pairs, in order."""
    import json

    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, list[str]] = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields.setdefault(name, []).append(value.removeprefix(" "))
        if "data" in fields:
            event = fields.get("event", ["message"])[0]
            events.append((event, json.loads("\n".join(fields["data"]))))
    return events
