"""One real `todochat serve` process for the OAuth tests (each test signs up its own
accounts and registers its own clients), and HTTP clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import Account, ServerProcess, register, sqlite_url, unique_email

from .support import OAuthClient


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("oauth")
    with ServerProcess(workdir, sqlite_url(workdir / "todochat.db")) as process:
        yield process


@pytest.fixture
def database_file(server: ServerProcess) -> Path:
    return server.workdir / "todochat.db"


@pytest.fixture
async def http(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        yield client


@pytest.fixture
async def amy(http: httpx.AsyncClient) -> Account:
    return await register(http, unique_email("amy"), timezone="Europe/Paris")


@pytest.fixture
async def ben(http: httpx.AsyncClient) -> Account:
    return await register(http, unique_email("ben"))


@pytest.fixture
async def assistant(http: httpx.AsyncClient) -> OAuthClient:
    """A public client registered the way hosted assistants register."""
    return await OAuthClient.register(http)
