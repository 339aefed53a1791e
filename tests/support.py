"""Helpers shared by every test folder: settings built for a test, accounts registered
over HTTP, the app started in process, and real `todochat serve` processes. (Fixtures
live in the conftest.py files; this module holds what they and the tests call.)"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
import httpx2
from fastapi import FastAPI
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from todochat.config import Settings

# 48 characters: the server wants at least 32.
JWT_SECRET = "todochat-tests-secret-0123456789-abcdefghijklmn"
PASSWORD = "correct horse battery"
SERVER_START_SECONDS = 60
SERVER_STOP_SECONDS = 20

T = TypeVar("T")


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


class _ExplicitSettings(Settings):
    """Settings made from the values given and the defaults alone: no environment
    variable, no .env file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def make_settings(database_url: str, **values: Any) -> Settings:
    """The settings of a test: its database, the tests' signing secret, the built-in
    agent, `values`, and the defaults for everything else. Nothing is read from the
    environment or a .env file, so what a developer has exported cannot change a test.
    (A test that needs other values from a `settings` fixture uses
    `settings.model_copy(update=...)`.)"""
    return _ExplicitSettings(
        **{"database_url": database_url, "jwt_secret": JWT_SECRET, "agent": "builtin", **values}
    )


def xdist_worker() -> str:
    """The pytest-xdist worker running this process ("gw0", "gw1" …), or "main"."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# Listening ports come from below Linux's ephemeral range (32768 and up), where outgoing
# connections never take a port, and each xdist worker draws from a slice of its own,
# starting at a random place in it: two workers never hand out the same port, and a
# server stopped and started again on its port finds it free.
_PORTS = range(20_000, 32_000)


@functools.cache
def _worker_ports() -> Iterator[int]:
    """This worker's ports, round and round from a random start."""
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    worker = xdist_worker()
    index = int(worker.removeprefix("gw")) % workers if worker.startswith("gw") else 0
    size = len(_PORTS) // workers
    ports = _PORTS[index * size : (index + 1) * size]
    start = random.randrange(len(ports))
    return itertools.cycle([*ports[start:], *ports[:start]])


def free_port() -> int:
    """A TCP port of this worker's own that nobody listens on right now."""
    for port in itertools.islice(_worker_ports(), len(_PORTS)):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port left in this worker's range")


def unique_email(name: str) -> str:
    """An address no other test uses, for an account on a server shared between tests."""
    return f"{name}-{uuid.uuid4().hex[:12]}@example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Account:
    """A registered user: who it is and the token that authenticates as it."""

    id: str
    email: str
    token: str
    timezone: str = "UTC"

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


async def register(
    http: httpx.AsyncClient,
    email: str,
    *,
    password: str = PASSWORD,
    name: str = "",
    timezone: str = "UTC",
) -> Account:
    """Sign up over HTTP; the new account."""
    response = await http.post(
        "/api/auth/register",
        json={"email": email, "password": password, "name": name, "timezone": timezone},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(body["user"]["id"], email, body["access_token"], timezone)


@asynccontextmanager
async def in_own_task(manager: AbstractAsyncContextManager[T]) -> AsyncIterator[T]:
    """Enter and exit `manager` in a task of its own. anyio task groups (the MCP session
    manager's, the MCP client's) must be left by the task that entered them, and
    pytest-asyncio may tear a fixture down from another task than the one that set it up.
    """
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


def todochat_command(*args: str) -> list[str]:
    """The installed `todochat` script beside this interpreter, or the module."""
    script = Path(sys.executable).with_name("todochat")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "todochat.cli", *args]


# Variables besides TODOCHAT_* that the settings read (the model provider's key and
# address): a child process gets them only when a test says so.
_SETTINGS_FROM_OUTSIDE = ("OPENAI_API_KEY", "OPENAI_BASE_URL")


def clean_environment(**values: str) -> dict[str, str]:
    """This process's environment without any setting of todochat's, plus `values`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TODOCHAT_") and k not in _SETTINGS_FROM_OUTSIDE
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(values)
    return env


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
    """A real `todochat serve` process on a free port, which can be stopped and started
    again on the same port.

    Its environment holds no TODOCHAT_ setting of the test run's own: with a
    `database_url`, it gets that database, the tests' JWT secret and the built-in agent;
    without one, nothing at all (the defaults a new user gets). `env` adds to either.
    """

    def __init__(self, workdir: Path, database_url: str | None = None, **env: str) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"server-{self.port}.log"
        configured = (
            {
                "TODOCHAT_DATABASE_URL": database_url,
                "TODOCHAT_JWT_SECRET": JWT_SECRET,
                "TODOCHAT_AGENT": "builtin",
            }
            if database_url is not None
            else {}
        )
        # The address it answers at is the one it advertises (OAuth metadata, /mcp).
        self.env = clean_environment(**{"TODOCHAT_PUBLIC_URL": self.base_url, **configured, **env})
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                todochat_command("serve", "--host", "127.0.0.1", "--port", str(self.port)),
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process = self.process
        try:
            wait_until_ready(self.base_url, lambda: process.poll() is None, self.log)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> int | None:
        """Stop the process (SIGTERM, then SIGKILL if it hangs); its exit code."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is None:
            process.terminate()
            try:
                return process.wait(timeout=SERVER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=SERVER_STOP_SECONDS)
        return process.returncode

    def output(self) -> str:
        """Everything the process has written so far."""
        return self.log.read_text() if self.log.exists() else ""

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


@asynccontextmanager
async def mcp_over_http(base_url: str, token: str | None) -> AsyncIterator[Client]:
    """The official MCP client at `base_url`/mcp, sending `token` as its bearer."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(f"{base_url}/mcp", http_client=http)) as client,
    ):
        yield client


async def make_access_token(
    http: httpx.AsyncClient,
    account: Account,
    *,
    name: str = "script",
    scopes: list[str] | None = None,
    expires_in_days: int | None = None,
) -> dict[str, Any]:
    """Make a personal access token over HTTP as `account` (signed in); the answer,
    whose `token` is the token's text."""
    body: dict[str, Any] = {"name": name, "expires_in_days": expires_in_days}
    if scopes is not None:
        body["scopes"] = scopes
    response = await http.post(f"/api/{account.id}/tokens", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made
