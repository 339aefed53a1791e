"""Helpers for the data-layer tests (the shared ones are in tests/support.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.engine import CursorResult
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.db import Database
from todochat.errors import TodochatError
from todochat.models import metadata
from todochat.models.base import UTCDateTime

E = TypeVar("E", bound=TodochatError)

# Parameters that need a type to be bound the same way on SQLite (CHAR(32) hex, naive
# UTC text) and PostgreSQL (uuid, timestamptz).
_TYPED_PARAMS = {
    "id": Uuid(),
    "conversation_id": Uuid(),
    "completed_at": UTCDateTime(),
    "due_at": UTCDateTime(),
}


async def rejected(session: AsyncSession, error: type[E], call: Awaitable[Any]) -> E:
    """The `error` that `call` raises. What the test did before is committed first (as
    earlier requests would have), and the failed call's transaction is then rolled
    back, as Database.session() does for every caller, so later reads see what the
    database holds. Objects loaded before are detached first: they keep their values
    (a rollback would expire them) and later reads load fresh copies."""
    await session.commit()
    with pytest.raises(error) as caught:
        await call
    session.expunge_all()
    await session.rollback()
    return caught.value


async def a_moment_later(session: AsyncSession) -> None:
    """End this "request" and start the next a moment later: commit what was done
    (PostgreSQL's clock stands still within one transaction) and let time pass."""
    await session.commit()
    await asyncio.sleep(0.01)


async def delete_user_row(session: AsyncSession, user_id: str) -> None:
    """Delete the user's row as an administrator would (there is no route for it); the
    database cascades to everything they own."""
    await session.exec(text("DELETE FROM users WHERE id = :id").bindparams(id=user_id))  # type: ignore[call-overload]


async def count_rows(session: AsyncSession, table: str, **where: Any) -> int:
    """How many rows of `table` match the column values in `where`."""
    columns = metadata.tables[table].c
    statement = (
        select(func.count())
        .select_from(metadata.tables[table])
        .where(*(columns[name] == value for name, value in where.items()))
    )
    return int((await session.exec(statement)).one())


async def raw_sql(db: Database, sql: str, **params: Any) -> CursorResult[Any]:
    """Run one statement straight on the engine, bypassing the services, in its own
    transaction (rolled back if the database refuses it)."""
    statement = text(sql).bindparams(
        *(bindparam(name, type_=kind) for name, kind in _TYPED_PARAMS.items() if name in params)
    )
    async with db.engine.begin() as connection:
        return await connection.execute(statement, params)
