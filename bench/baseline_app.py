"""The raw baseline: FastAPI with asyncpg (or aiosqlite) doing todochat's work by hand.

Same routes and JSON shapes as todochat for what the benchmark sends, the same
token check (PyJWT, HS256, issuer and audience), the user looked up by the token's
subject, and the same SQL, each request in one transaction (a chat turn in two).
No ORM, no service layer, no agent: what is left is the floor that todochat's
figures are compared with.

Run by the benchmark with uvicorn:

  BENCH_DATABASE_URL=postgresql://… (or sqlite:///path) BENCH_JWT_SECRET=… \
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

On SQLite the SQL is the same, with numbered `?N` parameters, UUIDs as 32 hex
digits and timestamps as text (as todochat's SQLAlchemy types store them); write
transactions start with BEGIN IMMEDIATE, as todochat's do.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import aiosqlite
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
            # todochat's default pool: 5 connections, up to 10 more under load.
            pool_min=int(os.environ.get("BENCH_POOL_MIN", "5")),
            pool_max=int(os.environ.get("BENCH_POOL_MAX", "15")),
        )


# --- the database, behind the few operations the routes need ---------------------------


class Transaction(Protocol):
    """The statements of the routes, inside one transaction."""

    async def fetch(self, sql: str, *args: Any) -> list[Mapping[str, Any]]: ...

    async def fetchrow(self, sql: str, *args: Any) -> Mapping[str, Any] | None: ...

    async def fetchval(self, sql: str, *args: Any) -> Any: ...

    async def execute(self, sql: str, *args: Any) -> None: ...


class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    def transaction(self, write: bool) -> AbstractAsyncContextManager[Transaction]: ...


async def _json_codecs(connection: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await connection.set_type_codec(
            kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """No reset on release: this app never changes session state (no SET, LISTEN,
    advisory lock), so asyncpg's default reset query would be a wasted round trip."""


class PostgresStore:
    """An asyncpg pool; statements are prepared and cached per connection."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self._config.database_url,
            min_size=self._config.pool_min,
            max_size=self._config.pool_max,
            init=_json_codecs,
            reset=_keep_session,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    @asynccontextmanager
    async def transaction(self, write: bool) -> AsyncIterator[Transaction]:
        del write  # PostgreSQL takes row locks as statements need them
        assert self._pool is not None
        async with self._pool.acquire() as connection, connection.transaction():
            yield _PostgresTransaction(connection)


class _PostgresTransaction:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def fetch(self, sql: str, *args: Any) -> list[Mapping[str, Any]]:
        return list(await self._connection.fetch(sql, *args))

    async def fetchrow(self, sql: str, *args: Any) -> Mapping[str, Any] | None:
        row: Mapping[str, Any] | None = await self._connection.fetchrow(sql, *args)
        return row

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self._connection.fetchval(sql, *args)

    async def execute(self, sql: str, *args: Any) -> None:
        await self._connection.execute(sql, *args)


_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


def _sqlite_sql(sql: str) -> str:
    """The PostgreSQL text for SQLite: `$N` → `?N`, now() → todochat's timestamp text."""
    return re.sub(r"\$(\d+)", r"?\1", sql).replace("now()", _SQLITE_NOW)


class SqliteStore:
    """A few aiosqlite connections (each with its own thread), handed out in turn."""

    def __init__(self, config: Config) -> None:
        self._path = config.database_url.removeprefix("sqlite:///")
        self._size = max(1, min(config.pool_min, 5))
        self._idle: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        for _ in range(self._size):
            connection = await aiosqlite.connect(self._path, isolation_level=None)
            connection.row_factory = sqlite3.Row
            for pragma in (
                "PRAGMA busy_timeout=10000",
                "PRAGMA foreign_keys=ON",
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=NORMAL",
            ):
                await connection.execute(pragma)
            self._all.append(connection)
            self._idle.put_nowait(connection)

    async def close(self) -> None:
        for connection in self._all:
            await connection.close()

    @asynccontextmanager
    async def transaction(self, write: bool) -> AsyncIterator[Transaction]:
        connection = await self._idle.get()
        try:
            await connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield _SqliteTransaction(connection)
            except BaseException:
                await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")
        finally:
            self._idle.put_nowait(connection)


class _SqliteTransaction:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def fetch(self, sql: str, *args: Any) -> list[Mapping[str, Any]]:
        async with self._connection.execute(_sqlite_sql(sql), _sqlite_args(args)) as cursor:
            return [_sqlite_row(row) for row in await cursor.fetchall()]

    async def fetchrow(self, sql: str, *args: Any) -> Mapping[str, Any] | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = await self.fetchrow(sql, *args)
        return next(iter(row.values())) if row else None

    async def execute(self, sql: str, *args: Any) -> None:
        await self._connection.execute(_sqlite_sql(sql), _sqlite_args(args))


def _sqlite_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        a.hex if isinstance(a, uuid.UUID) else json.dumps(a) if isinstance(a, list) else a
        for a in args
    )


def _sqlite_row(row: sqlite3.Row) -> dict[str, Any]:
    values = dict(zip(row.keys(), tuple(row), strict=True))
    if isinstance(values.get("tool_calls"), str):
        values["tool_calls"] = json.loads(values["tool_calls"])
    for key in ("due_at", "completed_at", "created_at", "updated_at"):
        if isinstance(values.get(key), str):
            values[key] = values[key].replace(" ", "T") + "Z"
    return values


def make_store(config: Config) -> Store:
    if config.database_url.startswith("sqlite:"):
        return SqliteStore(config)
    return PostgresStore(config)


# --- HTTP ------------------------------------------------------------------------------


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


def _task(row: Mapping[str, Any]) -> dict[str, Any]:
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
    """The baseline app; its connections open with the app and close with it."""
    config = config or Config.from_environment()
    store = make_store(config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await store.open()
        try:
            yield
        finally:
            await store.close()

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

    async def require_user(tx: Transaction, user_id: str) -> None:
        if await tx.fetchrow(SELECT_USER, user_id) is None:
            raise HTTPError(401, "unauthorized", "unknown user")

    @app.get("/readyz")
    async def readyz() -> Response:
        async with store.transaction(write=False) as tx:
            await tx.fetchval("SELECT 1")
        return _json({"status": "ready"})

    @app.get("/api/{user_id}/tasks")
    async def list_tasks(request: Request, user_id: str, limit: int = 50) -> Response:
        subject = authenticate(request, user_id)
        limit = max(1, min(limit, 1000))
        async with store.transaction(write=False) as tx:
            await require_user(tx, subject)
            rows = await tx.fetch(LIST_TASKS, subject, limit + 1)
        items = [_task(row) for row in rows[:limit]]
        next_cursor = _cursor(rows[limit - 1]["number"]) if len(rows) > limit else None
        return _json({"items": items, "next_cursor": next_cursor})

    @app.post("/api/{user_id}/tasks")
    async def create_task(request: Request, user_id: str) -> Response:
        subject = authenticate(request, user_id)
        title = _title(await request.json())
        async with store.transaction(write=True) as tx:
            await require_user(tx, subject)
            number = await tx.fetchval(ALLOCATE_TASK_NUMBER, subject)
            row = await tx.fetchrow(INSERT_TASK, uuid.uuid4(), subject, number, title)
        assert row is not None
        return _json(_task(row), 201)

    @app.get("/api/{user_id}/conversations/{conversation_id}/messages")
    async def history_page(
        request: Request, user_id: str, conversation_id: uuid.UUID, limit: int = 50
    ) -> Response:
        subject = authenticate(request, user_id)
        limit = max(1, min(limit, 200))
        async with store.transaction(write=False) as tx:
            await require_user(tx, subject)
            rows = await tx.fetch(LAST_MESSAGES, conversation_id, subject, limit)
            # An empty page: tell an empty conversation from another user's one.
            if not rows and not await tx.fetchval(CONVERSATION_EXISTS, conversation_id, subject):
                raise HTTPError(404, "not_found", "conversation not found")
        return _json({"items": [dict(row) for row in reversed(rows)]})

    @app.post("/api/{user_id}/chat")
    async def chat(request: Request, user_id: str) -> Response:
        subject = authenticate(request, user_id)
        body = await request.json()
        message = str(body.get("message", ""))
        if not message.strip() or len(message) > 1000:
            raise HTTPError(422, "invalid_input", "message must be 1-1000 characters")
        async with store.transaction(write=True) as tx:
            await require_user(tx, subject)
            conversation_id, seq = await _append_user_message(
                tx, subject, body.get("conversation_id"), message
            )
            # What an agent reads; the trivial parser below needs none of it.
            await tx.fetch(HISTORY_BEFORE, conversation_id, subject, seq, HISTORY_MESSAGES)
            await tx.execute(
                INSERT_MESSAGE, uuid.uuid4(), conversation_id, subject, seq, "user", message, None
            )
        async with store.transaction(write=True) as tx:
            reply, calls = await _act(tx, subject, message)
            seq = await tx.fetchval(NEXT_MESSAGE_SEQ, conversation_id, subject, None)
            await tx.execute(
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
    tx: Transaction, user_id: str, given: Any, message: str
) -> tuple[uuid.UUID, int]:
    """The conversation (created, or owner-checked by the UPDATE) and the message's seq."""
    flat = " ".join(message.split())
    title = flat if len(flat) <= TITLE_LENGTH else flat[: TITLE_LENGTH - 1] + "…"
    if given is None:
        conversation_id = uuid.uuid4()
        await tx.execute(INSERT_CONVERSATION, conversation_id, user_id, title)
        return conversation_id, 1
    try:
        conversation_id = uuid.UUID(str(given))
    except ValueError as exc:
        raise HTTPError(422, "invalid_input", "conversation_id must be a UUID") from exc
    seq = await tx.fetchval(NEXT_MESSAGE_SEQ, conversation_id, user_id, title)
    if seq is None:
        raise HTTPError(404, "not_found", "conversation not found")
    return conversation_id, int(seq)


async def _act(tx: Transaction, user_id: str, message: str) -> tuple[str, list[dict[str, Any]]]:
    """The trivial agent: "add a task to X" or "what's pending?"."""
    if added := _ADD.match(message):
        title = added["title"][:1].upper() + added["title"][1:200]
        number = await tx.fetchval(ALLOCATE_TASK_NUMBER, user_id)
        await tx.fetchrow(INSERT_TASK, uuid.uuid4(), user_id, number, title)
        result = {"task_id": number, "status": "created", "title": title}
        call = {"name": "add_task", "arguments": {"title": title}, "result": result}
        return f"Added task #{number}: “{title}”.", [call]
    if _PENDING.match(message):
        rows = await tx.fetch(LIST_OPEN_TASKS, user_id, LIST_TOOL_LIMIT)
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
