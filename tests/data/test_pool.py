"""The connection pool on PostgreSQL: connections in steady use are not pinged, and one
that the server (or a pooler, or Neon) closed while it sat idle is replaced without
failing the request that picks it up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, text

from todochat.config import Settings
from todochat.db import Database

BACKEND_PID = text("SELECT pg_backend_pid()")


@dataclass
class Pings:
    """Statements sent that were not the test's own (the pool's liveness checks)."""

    count: int = 0

    def on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "pg_backend_pid" not in statement and "pg_terminate_backend" not in statement:
            self.count += 1


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[Database]:
    """One pooled connection, checked before use once it idled for 0.2 s."""
    database = Database(
        settings.model_copy(
            update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_ping_after_idle_seconds": 0.2}
        )
    )
    yield database
    await database.dispose()


async def backend_pid(database: Database) -> int:
    async with database.session() as session:
        return int((await session.exec(BACKEND_PID)).scalar_one())  # type: ignore[call-overload]


@pytest.mark.postgresql_only
async def test_a_connection_in_steady_use_is_not_pinged(pool: Database) -> None:
    await backend_pid(pool)
    pings = Pings()
    event.listen(pool.engine.sync_engine, "before_cursor_execute", pings.on_execute)
    for _ in range(5):
        await backend_pid(pool)
    assert pings.count == 0


@pytest.mark.postgresql_only
async def test_a_connection_closed_while_idle_is_replaced_without_an_error(
    pool: Database,
) -> None:
    first = await backend_pid(pool)
    admin = Database(Settings(database_url=pool.settings.database_url))
    try:
        async with admin.session() as session:
            terminate = text("SELECT pg_terminate_backend(:pid)").bindparams(pid=first)
            await session.exec(terminate)  # type: ignore[call-overload]
    finally:
        await admin.dispose()
    await asyncio.sleep(0.3)

    second = await backend_pid(pool)

    assert second != first
