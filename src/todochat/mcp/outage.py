"""`/mcp` during a database outage: a JSON error with status 503 and Retry-After.

The MCP SDK turns whatever fails inside a request (the token check, a tool call) into
its own answer: a 401 for a token it could not verify, a tool result flagged as an
error, or a plain-text 500. None of those tells a client to come back shortly. So the
code that meets the outage notes it (`note_database_unavailable`), and
`DatabaseOutageGuard`, around the SDK's app, answers such a request with 503 instead
of what the SDK was about to send.

The note travels in a context variable holding a mutable list: the guard sets it for
the request, and the SDK's tasks for that request (the auth middleware, the tool
handlers) run in copies of the request's context, so they append to the same list.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from todochat.db import DATABASE_RETRY_AFTER_SECONDS as RETRY_AFTER_SECONDS
from todochat.db import DATABASE_UNAVAILABLE

UNAVAILABLE_MESSAGE = "the database is unavailable, try again shortly"
# JSON-RPC's range for implementation-defined server errors.
_JSONRPC_SERVER_ERROR = -32000

_outage: ContextVar[list[str] | None] = ContextVar("todochat_mcp_outage", default=None)


def note_database_unavailable(exc: BaseException) -> None:
    """Mark the current `/mcp` request as failed by the database (no-op elsewhere, e.g.
    in-process or over stdio, where the caller sees the tool error itself)."""
    notes = _outage.get()
    if notes is not None:
        notes.append(type(exc).__name__)


class DatabaseOutageGuard:
    """ASGI wrapper: a request that met a database outage gets 503 + Retry-After, with
    a JSON-RPC error body naming the request's id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        notes: list[str] = []
        token = _outage.set(notes)
        body = bytearray()
        started = False
        replaced = False

        async def receive_and_keep() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
            return message

        async def send_or_replace(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return  # the SDK's own answer, superseded by the 503
            if message["type"] == "http.response.start":
                if notes:
                    replaced = True
                    await self._unavailable(scope, receive, send, bytes(body))
                    return
                started = True
            await send(message)

        try:
            await self.app(scope, receive_and_keep, send_or_replace)
        except DATABASE_UNAVAILABLE:
            if started or replaced:
                raise
            await self._unavailable(scope, receive, send, bytes(body))
        finally:
            _outage.reset(token)

    @staticmethod
    async def _unavailable(scope: Scope, receive: Receive, send: Send, request_body: bytes) -> None:
        error: dict[str, Any] = {
            "code": _JSONRPC_SERVER_ERROR,
            "message": UNAVAILABLE_MESSAGE,
            "data": {"code": "unavailable", "retry_after": RETRY_AFTER_SECONDS},
        }
        response = JSONResponse(
            {"jsonrpc": "2.0", "id": _request_id(request_body), "error": error},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
        await response(scope, receive, send)


def _request_id(request_body: bytes) -> Any:
    """The JSON-RPC id of the request, if it is a single request with one."""
    try:
        request = json.loads(request_body)
    except ValueError:
        return None
    request_id = request.get("id") if isinstance(request, dict) else None
    return request_id if isinstance(request_id, str | int) else None
