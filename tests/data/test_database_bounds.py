"""Every wait on the database is bounded by the settings: a unit of work behind
another (both backends); on PostgreSQL, opening a connection (a
`connect_timeout` in the URL wins), one statement (on the server, and on the client
when the host stops answering), and a statement that runs too long is a
DATABASE_UNAVAILABLE timeout, not a generic database error."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.tcp_proxy import FreezableProxy
from todochat.config import Settings
from todochat.db import DATABASE_UNAVAILABLE, Database

BOUND_SECONDS = 1.0
# Beyond the bound, for a shared, busy machine; far below the unbounded waits
# (minutes) that a missing bound would give.
MARGIN_SECONDS = 5.0


@pytest.fixture
def proxy(database_url: str) -> Iterator[FreezableProxy]:
    url = make_url(database_url)
    with FreezableProxy(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


def through(proxy: FreezableProxy, database_url: str, query: str = "") -> str:
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(False) + query


@pytest.mark.postgresql_only
async def test_the_server_applies_the_statement_bound(settings: Settings) -> None:
    database = Database(settings.model_copy(update={"db_statement_timeout_seconds": 1.5}))
    try:
        async with database.session() as session:
            shown = (await session.exec(text("SHOW statement_timeout"))).scalar_one()  # type: ignore[call-overload]
    finally:
        await database.dispose()
    assert shown == "1500ms"


@pytest.mark.postgresql_only
async def test_a_statement_past_its_bound_is_a_database_unavailable_error(
    settings: Settings,
) -> None:
    database = Database(settings.model_copy(update={"db_statement_timeout_seconds": 0.5}))
    try:
        with pytest.raises(DATABASE_UNAVAILABLE):
            async with database.session() as session:
                await session.exec(text("SELECT pg_sleep(5)"))  # type: ignore[call-overload]
    finally:
        await database.dispose()


@pytest.mark.postgresql_only
async def test_a_statement_to_a_frozen_host_gives_up_at_the_bound(
    settings: Settings, proxy: FreezableProxy, database_url: str
) -> None:
    bounded = settings.model_copy(
        update={
            "database_url": through(proxy, database_url),
            "db_statement_timeout_seconds": BOUND_SECONDS,
            "db_connect_timeout_seconds": BOUND_SECONDS,
        }
    )
    database = Database(bounded)
    try:
        async with database.session() as session:  # connected while the host answers
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        with proxy.frozen():
            started = time.monotonic()
            with pytest.raises(DATABASE_UNAVAILABLE):
                async with database.session() as session:
                    await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            elapsed = time.monotonic() - started
    finally:
        await database.dispose()
    assert elapsed < BOUND_SECONDS + MARGIN_SECONDS


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    ("query", "setting"),
    [("", BOUND_SECONDS), ("?connect_timeout=1", 120.0)],
    ids=["setting", "url-connect-timeout-wins"],
)
async def test_connecting_to_a_frozen_host_gives_up_at_the_bound(
    settings: Settings, proxy: FreezableProxy, database_url: str, query: str, setting: float
) -> None:
    bounded = settings.model_copy(
        update={
            "database_url": through(proxy, database_url, query),
            "db_connect_timeout_seconds": setting,
        }
    )
    database = Database(bounded)
    try:
        with proxy.frozen():
            started = time.monotonic()
            with pytest.raises(DATABASE_UNAVAILABLE):
                async with database.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            elapsed = time.monotonic() - started
    finally:
        await database.dispose()
    assert elapsed < BOUND_SECONDS + MARGIN_SECONDS


@pytest.mark.postgresql_only
async def test_a_transaction_pooler_gets_no_startup_parameters(settings: Settings) -> None:
    """PgBouncer and Neon's pooler refuse unknown startup parameters: behind one, the
    statement bound is the client's alone."""
    pooled = Database(settings.model_copy(update={"db_transaction_pooler": True}))
    try:
        async with pooled.session() as session:
            shown = (await session.exec(text("SHOW statement_timeout"))).scalar_one()  # type: ignore[call-overload]
    finally:
        await pooled.dispose()
    assert shown == "0"


async def test_a_unit_of_work_waiting_behind_another_gives_up_at_the_bound(
    settings: Settings,
) -> None:
    """PostgreSQL: the one pooled connection is taken (pool checkout bound). SQLite:
    the write lock is taken (busy_timeout)."""
    database = Database(
        settings.model_copy(
            update={
                "db_pool_size": 1,
                "db_max_overflow": 0,
                "db_pool_timeout": BOUND_SECONDS,
                "sqlite_busy_timeout_ms": int(BOUND_SECONDS * 1000),
            }
        )
    )
    try:
        async with database.session() as holder:
            await holder.exec(text("SELECT 1"))  # type: ignore[call-overload]
            started = time.monotonic()
            with pytest.raises(DATABASE_UNAVAILABLE):
                async with database.session() as waiter:
                    await waiter.exec(text("SELECT 1"))  # type: ignore[call-overload]
            elapsed = time.monotonic() - started
    finally:
        await database.dispose()
    assert elapsed < BOUND_SECONDS + MARGIN_SECONDS
