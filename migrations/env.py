"""Alembic environment: async engines, one set of revisions for SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection

from todochat import models
from todochat.config import Settings
from todochat.db import create_engine
from todochat.migrate import take_migration_lock

config = context.config
target_metadata = models.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine() -> None:
    engine = create_engine(Settings())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(take_migration_lock)
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=Settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif (given := config.attributes.get("connection")) is not None:
    # Called by todochat.migrate with a connection that already holds the lock.
    run_migrations(given)
else:
    # Called by the plain `alembic` command.
    asyncio.run(run_with_own_engine())
