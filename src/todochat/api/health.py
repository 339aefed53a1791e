"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from todochat.api.deps import runtime_of
from todochat.api.errors import database_unavailable
from todochat.api.schemas import error_responses

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


# Checks that outlived their bound are left to finish (or fail) in the background:
# cancelling one would wait for its connection's cleanup, on a host that is not
# answering. Kept here so that they are not garbage-collected half-way.
_lingering_checks: set[asyncio.Task[None]] = set()


async def _check_database(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


@router.get(
    "/readyz",
    response_model=dict[str, str],
    responses=error_responses(e503="The database did not answer in time"),
)
async def readyz(request: Request) -> JSONResponse:
    """The database answers within the readiness bound; 503 otherwise."""
    runtime = runtime_of(request)
    check = asyncio.create_task(_check_database(runtime.database.engine))
    done, _ = await asyncio.wait({check}, timeout=runtime.settings.db_ready_timeout_seconds)
    if not done:
        # A frozen database host must not hang a load balancer's probe. The check
        # still ends within the connect and statement bounds.
        _lingering_checks.add(check)
        check.add_done_callback(_forget_check)
        return database_unavailable("the database did not answer in time")
    if check.exception() is not None:  # any failure to reach the database: not ready
        return database_unavailable("the database is unavailable")
    return JSONResponse({"status": "ready"})


def _forget_check(check: asyncio.Task[None]) -> None:
    _lingering_checks.discard(check)
    if not check.cancelled():
        check.exception()  # retrieved: a late failure is expected, not worth a warning
