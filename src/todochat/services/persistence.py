"""Writing one new row and getting back what the database filled in."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

RowT = TypeVar("RowT", bound=SQLModel)


async def insert_row(session: AsyncSession, row: RowT) -> RowT:
    """INSERT `row` now (the unit of work commits it later). The ORM asks for the
    database's defaults (timestamps) in the same statement, with RETURNING."""
    session.add(row)
    await session.flush()
    return row
