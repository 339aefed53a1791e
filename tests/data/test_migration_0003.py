"""Revision 0003 (idempotency keys, users.token_version) on each backend: it goes
down and up again without losing the users it finds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import sqlite_url
from todochat import migrate
from todochat.config import Settings
from todochat.db import create_engine

BEFORE = "0002"


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new database that has never been migrated."""
    if backend == "sqlite":
        return sqlite_url(tmp_path / "fresh.db")
    return str(request.getfixturevalue("postgres_databases").create())


@pytest.fixture
async def engine(fresh_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(Settings(database_url=fresh_url))
    yield engine
    await engine.dispose()


async def shape(engine: AsyncEngine) -> tuple[set[str], set[str]]:
    """The tables, and the columns of `users`."""
    async with engine.connect() as connection:

        def read(sync: object) -> tuple[set[str], set[str]]:
            inspector = inspect(sync)
            columns = {column["name"] for column in inspector.get_columns("users")}
            return set(inspector.get_table_names()), columns

        return await connection.run_sync(read)


async def test_0003_downgrades_and_upgrades_keeping_users(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO users (id, email, token_version) VALUES ('u1', 'a@b.c', 3)")
        )

    await migrate.downgrade(engine, BEFORE)
    tables, columns = await shape(engine)
    assert "idempotency_keys" not in tables
    assert "token_version" not in columns

    await migrate.upgrade(engine)
    tables, columns = await shape(engine)
    assert "idempotency_keys" in tables
    assert "token_version" in columns
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, token_version FROM users"))).all()
    assert [tuple(row) for row in rows] == [("u1", 0)]
    assert await migrate.check(engine) is None
