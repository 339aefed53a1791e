"""Fixtures for the chat, MCP and agent tests: the app served in-process, accounts
registered through the API, and real servers (subprocesses, or a thread on a socket)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.support import ServerProcess, register, running
from todochat.config import Settings
from todochat.runtime import create_app

from .chat_helpers import Chatter, ThreadedServer


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app, started (migrations applied, MCP session manager running)."""
    application = create_app(settings)
    async with running(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


@pytest.fixture
async def ada(client: httpx.AsyncClient) -> Chatter:
    """A registered user (time zone UTC) of the in-process app."""
    return Chatter(client, await register(client, "ada@example.com"))


@pytest.fixture
async def ben(client: httpx.AsyncClient) -> Chatter:
    """Another registered user of the same app."""
    return Chatter(client, await register(client, "ben@example.com"))


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Make `todochat serve` processes (not started yet); all are stopped at the end."""
    made: list[ServerProcess] = []

    def make(database_url: str, **env: str) -> ServerProcess:
        made.append(ServerProcess(tmp_path, database_url, **env))
        return made[-1]

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The base URL of a freshly created app served by uvicorn on a real socket."""
    with ThreadedServer(create_app(settings)) as server:
        yield server.base_url
