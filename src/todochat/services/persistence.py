"""Writing one row and reading back what the database filled in."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

RowT = TypeVar("RowT", bound=SQLModel)


async def save(session: AsyncSession, row: RowT) -> RowT:
    """Commit `row` and refresh it, so that database defaults (timestamps) are loaded."""
    session.add(row)
    await session.commit()
    await session.refresh(row)
    return row
