"""Liveness and readiness."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from todochat.api.deps import get_database
from todochat.api.errors import database_unavailable
from todochat.db import Database

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=dict[str, str])
async def readyz(database: Annotated[Database, Depends(get_database)]) -> JSONResponse:
    """The database answers; 503 otherwise."""
    try:
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        return database_unavailable("the database is unavailable")
    return JSONResponse({"status": "ready"})
