"""Fixtures for the HTTP API tests: an app on this test's database, a client that
talks to it in process, and registered users."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.support import Account, register
from todochat.config import Settings
from todochat.runtime import create_app

from .support import serving


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app on this test's database (not started: `client` starts it)."""
    return create_app(settings)


@pytest.fixture
def make_app(settings: Settings) -> Callable[..., FastAPI]:
    """An app on this test's database with some settings changed."""

    def make(**changes: Any) -> FastAPI:
        return create_app(settings.model_copy(update=changes))

    return make


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the started app in process."""
    async with serving(app) as client:
        yield client


@pytest.fixture
async def alice_auth(client: httpx.AsyncClient) -> Account:
    """Alice, signed up over HTTP."""
    return await register(client, "alice@example.com", name="Alice")


@pytest.fixture
async def bob_auth(client: httpx.AsyncClient) -> Account:
    """Bob, signed up over HTTP."""
    return await register(client, "bob@example.com", name="Bob")
