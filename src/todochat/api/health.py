"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from todochat.api.deps import runtime_of
from todochat.api.errors import database_unavailable

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=dict[str, str])
async def readyz(request: Request) -> JSONResponse:
    """The database answers; 503 otherwise."""
    try:
        async with runtime_of(request).database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not ready"
        return database_unavailable("the database is unavailable")
    return JSONResponse({"status": "ready"})
