"""Helpers for the chat, MCP and agent tests (the shared ones are in tests/support.py)."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from tests.support import Account, free_port, wait_until_ready


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


def tool_names(turn: dict[str, Any]) -> list[str]:
    return [call["name"] for call in turn["tool_calls"]]


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
