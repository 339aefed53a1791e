"""The benchmark's data: users with their tasks and conversations, loaded in bulk.

The schema is created by todochat itself (`todochat db upgrade`); this module only
fills it, with explicit column lists so that a later migration adding columns with
defaults does not break the load. Every id is derived from the user's index, so a
`Dataset` can be rebuilt from its `DatasetSpec` without reading the database.

The users are split into five equal groups, one per kind of load, so that no
measure changes the data another one reads:

  list      GET /api/me/tasks, MCP list_tasks (read only)
  create    POST /api/me/tasks (their tasks accumulate)
  add       chat "add a task to …" (tasks and messages accumulate)
  pending   chat "what's pending?" (exactly `pending_per_user` open tasks each)
  spare     the history owner (one short and one long conversation)

Tasks are numbered 1..tasks_per_user; `pending_per_user` of them, spread evenly,
are pending, the others completed. users.task_seq is set to the last number, so
new tasks continue from there.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

GROUPS = ("list", "create", "add", "pending", "spare")
_NAMESPACE = uuid.UUID("5f0c7c1e-3f43-4d8e-9a53-6a0f1b7d2c11")
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_VERBS = ("Buy", "Call", "Email", "Fix", "Plan", "Read", "Write", "Book", "Clean", "Review")
_OBJECTS = (
    "milk",
    "the dentist",
    "mom",
    "the bike",
    "the quarterly report",
    "train tickets",
    "the garage",
    "the pull request",
    "a birthday present",
    "the budget",
    "the kitchen sink",
    "flowers",
)
_PRIORITIES = ("low", "medium", "medium", "high", "urgent")

USER_COLUMNS = (
    "id",
    "email",
    "password_hash",
    "name",
    "timezone",
    "task_seq",
    "created_at",
    "updated_at",
)
TASK_COLUMNS = (
    "id",
    "user_id",
    "number",
    "title",
    "description",
    "status",
    "priority",
    "due_at",
    "completed_at",
    "metadata",
    "created_at",
    "updated_at",
)
CONVERSATION_COLUMNS = (
    "id",
    "user_id",
    "title",
    "summary",
    "message_seq",
    "metadata",
    "created_at",
    "updated_at",
)
MESSAGE_COLUMNS = (
    "id",
    "conversation_id",
    "user_id",
    "seq",
    "role",
    "content",
    "tool_calls",
    "metadata",
    "created_at",
    "updated_at",
)

Row = tuple[Any, ...]


@dataclass(frozen=True)
class DatasetSpec:
    """How much data to load."""

    users: int = 1000
    tasks_per_user: int = 1000
    pending_per_user: int = 40
    short_conversation: int = 100
    long_conversation: int = 100_000
    # Messages already in each chat user's conversation before the first turn.
    seed_messages: int = 6

    def __post_init__(self) -> None:
        if self.users < 16 * len(GROUPS):
            raise ValueError(f"need at least {16 * len(GROUPS)} users (16 per group)")
        if not 0 < self.pending_per_user <= self.tasks_per_user:
            raise ValueError("pending_per_user must be between 1 and tasks_per_user")

    def describe(self) -> str:
        return (
            f"{self.users} users x {self.tasks_per_user} tasks ({self.pending_per_user} "
            f"pending each), conversations of {self.short_conversation} and "
            f"{self.long_conversation} messages"
        )


def user_id(index: int) -> str:
    return f"bench-user-{index:05d}"


def chat_conversation_id(index: int) -> uuid.UUID:
    """The conversation a chat user's turns continue."""
    return uuid.uuid5(_NAMESPACE, f"chat-{index}")


def history_conversation_id(kind: str) -> uuid.UUID:
    """The 'short' or 'long' conversation whose last page is read."""
    return uuid.uuid5(_NAMESPACE, f"history-{kind}")


@dataclass(frozen=True)
class ChatUser:
    user_id: str
    conversation_id: str


@dataclass(frozen=True)
class Dataset:
    """Who to act as for each kind of load (derived from the spec alone)."""

    spec: DatasetSpec

    def _indexes(self, group: str) -> range:
        size = self.spec.users // len(GROUPS)
        start = GROUPS.index(group) * size
        return range(start, start + size)

    def users(self, group: str) -> list[str]:
        return [user_id(i) for i in self._indexes(group)]

    def chat_users(self, group: str) -> list[ChatUser]:
        return [ChatUser(user_id(i), str(chat_conversation_id(i))) for i in self._indexes(group)]

    @property
    def history_user(self) -> str:
        return user_id(self._indexes("spare")[-1])

    @property
    def short_conversation(self) -> str:
        return str(history_conversation_id("short"))

    @property
    def long_conversation(self) -> str:
        return str(history_conversation_id("long"))

    def is_chat_user(self, index: int) -> bool:
        return index in self._indexes("add") or index in self._indexes("pending")


# --- rows, backend-neutral: aware datetimes, UUID objects, JSON as Python values -----


def _user_rows(spec: DatasetSpec) -> Iterator[Row]:
    for index in range(spec.users):
        created = _EPOCH - timedelta(days=400)
        yield (
            user_id(index),
            f"user{index:05d}@bench.example",
            "!unusable",  # nobody logs in: the bench signs its own tokens
            f"Bench User {index}",
            "UTC",
            spec.tasks_per_user,
            created,
            created,
        )


def _task_rows(spec: DatasetSpec, index: int) -> Iterator[Row]:
    count = spec.tasks_per_user
    stride = count // spec.pending_per_user
    for number in range(1, count + 1):
        created = _EPOCH - timedelta(minutes=(count - number) * 30)
        pending = number % stride == 0 and number // stride <= spec.pending_per_user
        verb = _VERBS[number % len(_VERBS)]
        thing = _OBJECTS[(number * 7 + index) % len(_OBJECTS)]
        yield (
            uuid.uuid4(),
            user_id(index),
            number,
            f"{verb} {thing}",
            f"Notes for task {number}" if number % 5 == 0 else None,
            "pending" if pending else "completed",
            _PRIORITIES[number % len(_PRIORITIES)],
            created + timedelta(days=3) if number % 3 == 0 else None,
            None if pending else created + timedelta(hours=5),
            {},
            created,
            created,
        )


def _message_rows(
    conversation_id: uuid.UUID, owner: str, count: int, last_at: datetime
) -> Iterator[Row]:
    for seq in range(1, count + 1):
        at = last_at - timedelta(seconds=(count - seq) * 10)
        item = f"buy milk {seq // 2}"
        if seq % 2:
            role, content, calls = "user", f"add a task to {item}", None
        else:
            title = item.capitalize()
            role, content = "assistant", f"Added task #{seq // 2}: “{title}”."
            calls = [
                {
                    "name": "add_task",
                    "arguments": {"title": title},
                    "result": {"task_id": seq // 2, "status": "created", "title": title},
                }
            ]
        yield (uuid.uuid4(), conversation_id, owner, seq, role, content, calls, {}, at, at)


def _conversations(spec: DatasetSpec) -> Iterator[tuple[Row, int]]:
    """(conversation row, its message count) for every conversation to load."""
    dataset = Dataset(spec)
    for index in range(spec.users):
        if dataset.is_chat_user(index):
            yield (
                _conversation_row(chat_conversation_id(index), user_id(index), "Chat", 0),
                (spec.seed_messages),
            )
    for kind, count in (("short", spec.short_conversation), ("long", spec.long_conversation)):
        row = _conversation_row(history_conversation_id(kind), dataset.history_user, kind, count)
        yield row, count


def _conversation_row(conversation_id: uuid.UUID, owner: str, title: str, count: int) -> Row:
    return (conversation_id, owner, title, None, count, {}, _EPOCH, _EPOCH)


def _with_seq(row: Row, count: int) -> Row:
    return (*row[:4], count, *row[5:])


# --- PostgreSQL ------------------------------------------------------------------------


def _pg(row: Row) -> Row:
    """JSON-valued columns as text, as asyncpg's json/jsonb codecs expect."""
    return tuple(json.dumps(v) if isinstance(v, dict | list) else v for v in row)


async def load_postgresql(dsn: str, spec: DatasetSpec) -> None:
    """Fill an empty, migrated PostgreSQL database."""
    connection = await asyncpg.connect(dsn)
    try:
        await _copy(connection, "users", USER_COLUMNS, [_pg(r) for r in _user_rows(spec)])
        batch: list[Row] = []
        for index in range(spec.users):
            batch.extend(_pg(r) for r in _task_rows(spec, index))
            if len(batch) >= 100_000 or index == spec.users - 1:
                await _copy(connection, "tasks", TASK_COLUMNS, batch)
                batch = []
        for conversation, count in _conversations(spec):
            row = _with_seq(conversation, count)
            await _copy(connection, "conversations", CONVERSATION_COLUMNS, [_pg(row)])
            messages = _message_rows(row[0], row[1], count, _EPOCH)
            await _copy(connection, "messages", MESSAGE_COLUMNS, [_pg(m) for m in messages])
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def _copy(
    connection: asyncpg.Connection, table: str, columns: Sequence[str], rows: list[Row]
) -> None:
    if rows:
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))


async def count_users_postgresql(dsn: str) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM users"))
    finally:
        await connection.close()


# --- SQLite ----------------------------------------------------------------------------
# How todochat's SQLAlchemy types store values in SQLite: UUIDs as 32 hex digits,
# timestamps as naive UTC text with microseconds, JSON as text.


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _sqlite(row: Row) -> Row:
    return tuple(_sqlite_value(v) for v in row)


def load_sqlite(path: str, spec: DatasetSpec) -> None:
    """Fill an empty, migrated SQLite database file."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            _insert(connection, "users", USER_COLUMNS, (_sqlite(r) for r in _user_rows(spec)))
            for index in range(spec.users):
                rows = (_sqlite(r) for r in _task_rows(spec, index))
                _insert(connection, "tasks", TASK_COLUMNS, rows)
            for conversation, count in _conversations(spec):
                row = _with_seq(conversation, count)
                _insert(connection, "conversations", CONVERSATION_COLUMNS, [_sqlite(row)])
                messages = (_sqlite(m) for m in _message_rows(row[0], row[1], count, _EPOCH))
                _insert(connection, "messages", MESSAGE_COLUMNS, messages)
        connection.execute("ANALYZE")
    finally:
        connection.close()


def _insert(
    connection: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterator[Row] | list[Row],
) -> None:
    placeholders = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    connection.executemany(statement, rows)


def count_users_sqlite(path: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM users").fetchone()[0])
    finally:
        connection.close()
