"""The raw baseline: FastAPI and asyncpg doing the work of todochat's requests by hand.

Same routes and JSON shapes as todochat for what the benchmark sends, the same
token check (PyJWT, HS256, issuer and audience), the user looked up by the token's
subject, and the same SQL, each request in one transaction (a chat turn in two).
No ORM, no service layer, no agent: what is left is the floor that todochat's
figures are compared with.

Run by the benchmark with uvicorn:

  BENCH_DATABASE_URL=postgresql://… BENCH_JWT_SECRET=… \
      python -m uvicorn bench.baseline_app:app --workers N

A chat turn ("add a task to X" or "what's pending?"), as todochat's built-in
agent does it:

  transaction 1  select the user; append the user message (the UPDATE of the
                 conversation, filtered by its owner, checks ownership and takes
                 the next seq); read the last 20 earlier messages; insert the
                 message
  transaction 2  the tool: allocate a task number and insert the task, or list
                 the open tasks; then append the assistant message (UPDATE …
                 RETURNING message_seq, INSERT) with its tool call
"""

from __future__ import annotations

import base64
import json
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import jwt
from fastapi import FastAPI, Request
from fastapi.responses import Response

ISSUER = AUDIENCE = "todochat"
HISTORY_MESSAGES = 20
TITLE_LENGTH = 100
LIST_TOOL_LIMIT = 200

SELECT_USER = "SELECT id, name, timezone FROM users WHERE id = $1"
TASK_COLUMNS = (
    "number, title, description, status, priority, due_at, completed_at, created_at, updated_at"
)
LIST_TASKS = f"SELECT {TASK_COLUMNS} FROM tasks WHERE user_id = $1 ORDER BY number LIMIT $2"
LIST_OPEN_TASKS = (
    f"SELECT {TASK_COLUMNS} FROM tasks WHERE user_id = $1 "
    "AND status IN ('pending', 'in_progress') ORDER BY number LIMIT $2"
)
ALLOCATE_TASK_NUMBER = "UPDATE users SET task_seq = task_seq + 1 WHERE id = $1 RETURNING task_seq"
INSERT_TASK = (
    "INSERT INTO tasks (id, user_id, number, title, status, priority) "
    f"VALUES ($1, $2, $3, $4, 'pending', 'medium') RETURNING {TASK_COLUMNS}"
)
CONVERSATION_EXISTS = "SELECT 1 FROM conversations WHERE id = $1 AND user_id = $2"
LAST_MESSAGES = (
    "SELECT seq, role, content, tool_calls, created_at FROM messages "
    "WHERE conversation_id = $1 AND user_id = $2 ORDER BY seq DESC LIMIT $3"
)
HISTORY_BEFORE = (
    "SELECT seq, role, content, tool_calls FROM messages "
    "WHERE conversation_id = $1 AND user_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4"
)
NEXT_MESSAGE_SEQ = (
    "UPDATE conversations SET message_seq = message_seq + 1, updated_at = now(), "
    "title = coalesce(title, $3) WHERE id = $1 AND user_id = $2 RETURNING message_seq"
)
INSERT_CONVERSATION = (
    "INSERT INTO conversations (id, user_id, title, message_seq) VALUES ($1, $2, $3, 1)"
)
INSERT_MESSAGE = (
    "INSERT INTO messages (id, conversation_id, user_id, seq, role, content, tool_calls) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
)

_ADD = re.compile(r"^\s*add (?:a )?task to (?P<title>.+?)\s*$", re.IGNORECASE)
_PENDING = re.compile(r"^\s*what'?s pending\??\s*$", re.IGNORECASE)


class HTTPError(Exception):
    """An error answered in todochat's shape: {"error": {"code", "message"}}."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Config:
    database_url: str
    jwt_secret: str
    pool_min: int
    pool_max: int

    @classmethod
    def from_environment(cls) -> Config:
        return cls(
            database_url=os.environ["BENCH_DATABASE_URL"],
            jwt_secret=os.environ["BENCH_JWT_SECRET"],
            pool_min=int(os.environ.get("BENCH_POOL_MIN", "5")),
            pool_max=int(os.environ.get("BENCH_POOL_MAX", "15")),
        )


async def _json_codecs(connection: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await connection.set_type_codec(
            kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """No reset on release: this app never changes session state (no SET, LISTEN,
    advisory lock), so asyncpg's default reset query would be a wasted round trip."""


def _json(body: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(body, default=_iso, separators=(",", ":")),
        status_code=status,
        media_type="application/json",
    )


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _task(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["number"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "completed": row["status"] == "completed",
        "priority": row["priority"],
        "due_at": row["due_at"],
        "completed_at": row["completed_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _cursor(number: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"n": number}).encode()).decode()


def create_app(config: Config | None = None) -> FastAPI:
    """The baseline app; its pool opens with the app and closes with it."""
    config = config or Config.from_environment()
    pool_holder: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pool_holder["pool"] = await asyncpg.create_pool(
            config.database_url,
            min_size=config.pool_min,
            max_size=config.pool_max,
            init=_json_codecs,
            reset=_keep_session,
        )
        try:
            yield
        finally:
            await pool_holder["pool"].close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.exception_handler(HTTPError)
    async def _error(_request: Request, exc: HTTPError) -> Response:
        return _json({"error": {"code": exc.code, "message": exc.message}}, exc.status)

    def authenticate(request: Request, path_user: str) -> str:
        """The token's subject, once the token and the path's user are checked."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPError(401, "unauthorized", "authentication required")
        try:
            claims = jwt.decode(
                token,
                config.jwt_secret,
                algorithms=["HS256"],
                issuer=ISSUER,
                audience=AUDIENCE,
                options={"require": ["sub", "exp", "iat", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise HTTPError(401, "unauthorized", "token is invalid") from exc
        subject = str(claims["sub"])
        if path_user not in ("me", subject):
            raise HTTPError(403, "forbidden", "this path belongs to another user")
        return subject

    async def require_user(connection: asyncpg.Connection, user_id: str) -> asyncpg.Record:
        user = await connection.fetchrow(SELECT_USER, user_id)
        if user is None:
            raise HTTPError(401, "unauthorized", "unknown user")
        return user

    @app.get("/readyz")
    async def readyz() -> Response:
        async with pool_holder["pool"].acquire() as connection:
            await connection.fetchval("SELECT 1")
        return _json({"status": "ready"})

    @app.get("/api/{user_id}/tasks")
    async def list_tasks(request: Request, user_id: str, limit: int = 50) -> Response:
        subject = authenticate(request, user_id)
        limit = max(1, min(limit, 1000))
        async with pool_holder["pool"].acquire() as connection, connection.transaction():
            await require_user(connection, subject)
            rows = await connection.fetch(LIST_TASKS, subject, limit + 1)
        items = [_task(row) for row in rows[:limit]]
        next_cursor = _cursor(rows[limit - 1]["number"]) if len(rows) > limit else None
        return _json({"items": items, "next_cursor": next_cursor})

    @app.post("/api/{user_id}/tasks")
    async def create_task(request: Request, user_id: str) -> Response:
        subject = authenticate(request, user_id)
        title = _title(await request.json())
        async with pool_holder["pool"].acquire() as connection, connection.transaction():
            await require_user(connection, subject)
            number = await connection.fetchval(ALLOCATE_TASK_NUMBER, subject)
            row = await connection.fetchrow(INSERT_TASK, uuid.uuid4(), subject, number, title)
        return _json(_task(row), 201)

    @app.get("/api/{user_id}/conversations/{conversation_id}/messages")
    async def history_page(
        request: Request, user_id: str, conversation_id: uuid.UUID, limit: int = 50
    ) -> Response:
        subject = authenticate(request, user_id)
        limit = max(1, min(limit, 200))
        async with pool_holder["pool"].acquire() as connection, connection.transaction():
            await require_user(connection, subject)
            rows = await connection.fetch(LAST_MESSAGES, conversation_id, subject, limit)
            # An empty page: tell an empty conversation from another user's one.
            if not rows and not await connection.fetchval(
                CONVERSATION_EXISTS, conversation_id, subject
            ):
                raise HTTPError(404, "not_found", "conversation not found")
        items = [dict(row) for row in reversed(rows)]
        return _json({"items": items})

    @app.post("/api/{user_id}/chat")
    async def chat(request: Request, user_id: str) -> Response:
        subject = authenticate(request, user_id)
        body = await request.json()
        message = str(body.get("message", ""))
        if not message.strip() or len(message) > 1000:
            raise HTTPError(422, "invalid_input", "message must be 1-1000 characters")
        given = body.get("conversation_id")
        pool = pool_holder["pool"]
        async with pool.acquire() as connection:
            async with connection.transaction():
                await require_user(connection, subject)
                conversation_id, seq = await _append_user_message(
                    connection, subject, given, message
                )
                # What an agent reads; the trivial parser below needs none of it.
                await connection.fetch(
                    HISTORY_BEFORE, conversation_id, subject, seq, HISTORY_MESSAGES
                )
                await connection.execute(
                    INSERT_MESSAGE,
                    uuid.uuid4(),
                    conversation_id,
                    subject,
                    seq,
                    "user",
                    message,
                    None,
                )
            async with connection.transaction():
                reply, calls = await _act(connection, subject, message)
                seq = await connection.fetchval(NEXT_MESSAGE_SEQ, conversation_id, subject, None)
                await connection.execute(
                    INSERT_MESSAGE,
                    uuid.uuid4(),
                    conversation_id,
                    subject,
                    seq,
                    "assistant",
                    reply,
                    calls or None,
                )
        return _json(
            {"conversation_id": str(conversation_id), "response": reply, "tool_calls": calls}
        )

    return app


def _title(body: Any) -> str:
    title = " ".join(str(body.get("title", "")).split()) if isinstance(body, dict) else ""
    if not 1 <= len(title) <= 200:
        raise HTTPError(422, "invalid_input", "title must be 1-200 characters")
    return title


async def _append_user_message(
    connection: asyncpg.Connection, user_id: str, given: Any, message: str
) -> tuple[uuid.UUID, int]:
    """The conversation (created, or owner-checked by the UPDATE) and the message's seq."""
    flat = " ".join(message.split())
    title = flat if len(flat) <= TITLE_LENGTH else flat[: TITLE_LENGTH - 1] + "…"
    if given is None:
        conversation_id = uuid.uuid4()
        await connection.execute(INSERT_CONVERSATION, conversation_id, user_id, title)
        return conversation_id, 1
    try:
        conversation_id = uuid.UUID(str(given))
    except ValueError as exc:
        raise HTTPError(422, "invalid_input", "conversation_id must be a UUID") from exc
    seq = await connection.fetchval(NEXT_MESSAGE_SEQ, conversation_id, user_id, title)
    if seq is None:
        raise HTTPError(404, "not_found", "conversation not found")
    return conversation_id, int(seq)


async def _act(
    connection: asyncpg.Connection, user_id: str, message: str
) -> tuple[str, list[dict[str, Any]]]:
    """The trivial agent: "add a task to X" or "what's pending?"."""
    if added := _ADD.match(message):
        title = added["title"][:1].upper() + added["title"][1:200]
        number = await connection.fetchval(ALLOCATE_TASK_NUMBER, user_id)
        await connection.fetchrow(INSERT_TASK, uuid.uuid4(), user_id, number, title)
        result = {"task_id": number, "status": "created", "title": title}
        call = {"name": "add_task", "arguments": {"title": title}, "result": result}
        return f"Added task #{number}: “{title}”.", [call]
    if _PENDING.match(message):
        rows = await connection.fetch(LIST_OPEN_TASKS, user_id, LIST_TOOL_LIMIT)
        items = [
            {"id": r["number"], "title": r["title"], "completed": False, "status": r["status"]}
            for r in rows
        ]
        lines = [f"You have {len(rows)} tasks pending:"]
        lines += [f"#{r['number']} {r['title']}" for r in rows]
        arguments = {"status": "pending", "limit": LIST_TOOL_LIMIT}
        return "\n".join(lines), [{"name": "list_tasks", "arguments": arguments, "result": items}]
    return "Sorry, I only know “add a task to …” and “what's pending?”.", []


app = create_app() if "BENCH_DATABASE_URL" in os.environ else None
