"""The requests each measure sends, and the checks that they do what they should.

Tokens are minted here with the server's shared secret, exactly as todochat issues
its own (HS256; sub, iat, nbf, exp, iss and aud "todochat"), so no account needs to
log in. Every request list spreads over one group of users (see dataset.py); wrk's
connections take the requests in turn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt

from bench.dataset import Dataset
from bench.loadgen import HttpRequest

LIST_LIMIT = 20
HISTORY_LIMIT = 50
MCP_PROTOCOL_VERSION = "2025-11-25"


def mint_token(secret: str, user_id: str, lifetime: timedelta = timedelta(days=1)) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "iss": "todochat",
        "aud": "todochat",
    }
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass(frozen=True)
class Kind:
    """One type of request: its name, how to build it for a user, how to check it."""

    name: str
    description: str


KINDS = {
    kind.name: kind
    for kind in (
        Kind("list", f"GET /api/me/tasks?limit={LIST_LIMIT}"),
        Kind("create", 'POST /api/me/tasks {"title": …}'),
        Kind("chat_add", 'POST /api/me/chat "add a task to buy milk N"'),
        Kind("chat_pending", 'POST /api/me/chat "what\'s pending?"'),
        Kind("history_short", f"GET …/messages?limit={HISTORY_LIMIT}, 100-message conversation"),
        Kind("history_long", f"GET …/messages?limit={HISTORY_LIMIT}, long conversation"),
        Kind("mcp_list", f"POST /mcp tools/call list_tasks limit={LIST_LIMIT}"),
    )
}


class Workload:
    """Request lists for every kind, over the dataset's users."""

    def __init__(self, dataset: Dataset, secret: str) -> None:
        self.dataset = dataset
        self._secret = secret
        self._tokens: dict[str, str] = {}

    def _auth(self, user_id: str) -> dict[str, str]:
        token = self._tokens.get(user_id)
        if token is None:
            token = self._tokens[user_id] = mint_token(self._secret, user_id)
        return {"Authorization": f"Bearer {token}"}

    def requests(self, kind: str) -> list[HttpRequest]:
        """The requests of one kind, one or more per user of its group."""
        data = self.dataset
        if kind == "list":
            path = f"/api/me/tasks?limit={LIST_LIMIT}"
            return [HttpRequest("GET", path, self._auth(u)) for u in data.users("list")]
        if kind == "create":
            return [
                HttpRequest.json(
                    "POST", "/api/me/tasks", {"title": f"Bench task {i}"}, self._auth(u)
                )
                for i, u in enumerate(data.users("create"))
            ]
        if kind in ("chat_add", "chat_pending"):
            group = "add" if kind == "chat_add" else "pending"
            requests = []
            for i, user in enumerate(data.chat_users(group)):
                message = f"add a task to buy milk {i}" if kind == "chat_add" else "what's pending?"
                body = {"message": message, "conversation_id": user.conversation_id}
                requests.append(
                    HttpRequest.json("POST", "/api/me/chat", body, self._auth(user.user_id))
                )
            return requests
        if kind in ("history_short", "history_long"):
            conversation = (
                data.short_conversation if kind == "history_short" else data.long_conversation
            )
            path = f"/api/me/conversations/{conversation}/messages?limit={HISTORY_LIMIT}"
            return [HttpRequest("GET", path, self._auth(data.history_user))]
        if kind == "mcp_list":
            return [self._mcp_list(u) for u in data.users("list")]
        raise ValueError(f"unknown kind of request: {kind}")

    def _mcp_list(self, user_id: str) -> HttpRequest:
        call = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "list_tasks", "arguments": {"limit": LIST_LIMIT}},
        }
        headers = {
            **self._auth(user_id),
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": MCP_PROTOCOL_VERSION,
        }
        return HttpRequest.json("POST", "/mcp", call, headers)

    def mixed(self, kinds: list[str]) -> list[HttpRequest]:
        """The kinds interleaved (one of each in turn), for the memory soak."""
        lists = [self.requests(kind) for kind in kinds]
        longest = max(len(requests) for requests in lists)
        return [requests[i % len(requests)] for i in range(longest) for requests in lists]


def send(client: httpx.Client, request: HttpRequest) -> httpx.Response:
    return client.request(
        request.method,
        request.path,
        headers=request.headers,
        content=request.body.encode() if request.body is not None else None,
    )


def check_response(kind: str, response: httpx.Response, pending_per_user: int) -> str | None:
    """Why the response is not what the measure assumes (None when it is)."""
    if not response.is_success:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    body: Any = response.json()
    if kind == "list" and len(body.get("items", [])) != LIST_LIMIT:
        return f"expected {LIST_LIMIT} tasks, got {body!r:.200}"
    if kind == "create" and not isinstance(body.get("id"), int):
        return f"no task number in {body!r:.200}"
    if kind in ("chat_add", "chat_pending"):
        calls = body.get("tool_calls") or []
        expected = "add_task" if kind == "chat_add" else "list_tasks"
        if [call.get("name") for call in calls] != [expected]:
            return f"expected one {expected} call, got {json.dumps(body)[:300]}"
        if kind == "chat_pending" and str(pending_per_user) not in body.get("response", ""):
            return f"expected {pending_per_user} pending tasks in {body['response'][:200]!r}"
    if kind.startswith("history") and len(body.get("items", [])) != HISTORY_LIMIT:
        return f"expected {HISTORY_LIMIT} messages, got {len(body.get('items', []))}"
    if kind == "mcp_list":
        result = body.get("result") or {}
        if "error" in body or result.get("isError"):
            return f"tool call failed: {json.dumps(body)[:300]}"
        # The listing, wherever the structured result keeps it, has `limit` items.
        structured = result.get("structuredContent") or {}
        listed = next((v for v in structured.values() if isinstance(v, list)), None)
        if listed is not None and len(listed) != LIST_LIMIT:
            return f"expected {LIST_LIMIT} tasks from list_tasks, got {len(listed)}"
    return None
