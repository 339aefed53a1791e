"""A chat turn whose database stops answering after the user message was stored (the
turn's second step) fails with 503 `unavailable` and Retry-After, as JSON and as an
SSE `error` event; it is not an unexpected error (500)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc

from todochat.db import Database

from .chat_helpers import Chatter


class FailingAfter:
    """A database whose sessions fail (as an unreachable one does) after `healthy`."""

    def __init__(self, database: Database, healthy: int) -> None:
        self._database = database
        self._left = healthy

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database, name)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Any]:
        if self._left <= 0:
            raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
        self._left -= 1
        async with self._database.session() as session:
            yield session


@pytest.fixture
def second_step_fails(app: FastAPI) -> None:
    flow = app.state.runtime.chat
    flow.database = FailingAfter(flow.database, healthy=1)


async def test_a_chat_turn_answers_503_when_the_database_fails_mid_turn(
    ada: Chatter, second_step_fails: None
) -> None:
    response = await ada.post_chat("add buy stamps")
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "unavailable"
    assert "conversation_id" in error["details"]


async def test_a_streamed_turn_ends_in_an_unavailable_error_when_the_database_fails_mid_turn(
    ada: Chatter, second_step_fails: None
) -> None:
    response = await ada.http.post(
        "/api/me/chat/stream", json={"message": "add buy stamps"}, headers=ada.account.headers
    )
    assert response.status_code == 200
    events = [
        line.split(": ", 1)[1] for line in response.text.splitlines() if line.startswith("event: ")
    ]
    assert events == ["start", "error"]
    assert '"code": "unavailable"' in response.text
