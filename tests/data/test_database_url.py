"""Database URLs as providers print them become URLs the async drivers accept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import make_settings, sqlite_url
from todochat.db import DatabaseURLError, create_engine, normalize_database_url

NEON = (
    "postgresql://alex:s3cret@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb"
    "?sslmode=require&channel_binding=require"
)
NEON_POOLER = NEON.replace("-123456.", "-123456-pooler.")


@pytest.mark.parametrize(
    "url", ["postgres://u:p@db.example.com/app", "postgresql://u:p@db.example.com/app"]
)
def test_postgres_urls_use_asyncpg(url: str) -> None:
    target = normalize_database_url(url)

    assert target.url.drivername == "postgresql+asyncpg"
    assert (target.url.host, target.url.database, target.url.username) == (
        "db.example.com",
        "app",
        "u",
    )
    assert target.url.password == "p"
    assert target.url.get_backend_name() == "postgresql"


def test_an_asyncpg_url_is_kept() -> None:
    target = normalize_database_url("postgresql+asyncpg://u@localhost:5433/app")

    assert target.url.render_as_string(hide_password=False) == (
        "postgresql+asyncpg://u@localhost:5433/app"
    )
    assert target.connect_args == {}


def test_plain_postgres_url_has_no_driver_arguments() -> None:
    target = normalize_database_url("postgresql://u@db.example.com/app")

    assert target.connect_args == {}
    assert dict(target.url.query) == {}
    assert target.transaction_pooler is False


def test_neon_sslmode_becomes_the_asyncpg_ssl_argument() -> None:
    target = normalize_database_url(NEON)

    assert target.connect_args["ssl"] == "require"


def test_neon_libpq_parameters_are_removed_from_the_url() -> None:
    target = normalize_database_url(NEON)

    assert dict(target.url.query) == {}
    assert target.url.password == "s3cret"


def test_neon_direct_host_is_not_a_transaction_pooler() -> None:
    target = normalize_database_url(NEON)

    assert target.transaction_pooler is False
    assert "statement_cache_size" not in target.connect_args


@pytest.mark.parametrize(
    "url",
    [
        NEON_POOLER,
        "postgresql://u@pgbouncer.internal:6432/app",
        "postgresql://u@db.example.com/app?pgbouncer=true",
    ],
    ids=["neon-pooler-host", "port-6432", "pgbouncer-true"],
)
def test_transaction_pooler_turns_prepared_statement_caches_off(url: str) -> None:
    target = normalize_database_url(url)

    assert target.transaction_pooler is True
    assert target.connect_args["statement_cache_size"] == 0
    assert dict(target.url.query) == {"prepared_statement_cache_size": "0"}


def test_transaction_pooler_gives_statements_unique_names() -> None:
    name_of = normalize_database_url(NEON_POOLER).connect_args["prepared_statement_name_func"]

    assert name_of() != name_of()


def test_neon_pooler_keeps_its_tls_mode() -> None:
    assert normalize_database_url(NEON_POOLER).connect_args["ssl"] == "require"


def test_transaction_pooler_can_be_forced_off() -> None:
    target = normalize_database_url(NEON_POOLER, transaction_pooler=False)

    assert "statement_cache_size" not in target.connect_args
    assert dict(target.url.query) == {}


def test_transaction_pooler_can_be_forced_on() -> None:
    target = normalize_database_url("postgresql://u@db.example.com/app", transaction_pooler=True)

    assert target.connect_args["statement_cache_size"] == 0


@pytest.mark.parametrize(
    "mode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
)
def test_every_libpq_sslmode_is_accepted(mode: str) -> None:
    target = normalize_database_url(f"postgresql://u@h/db?sslmode={mode}")

    assert target.connect_args["ssl"] == mode


def test_unknown_sslmode_is_a_url_error() -> None:
    with pytest.raises(DatabaseURLError, match="sometimes"):
        normalize_database_url("postgresql://u@h/db?sslmode=sometimes")


def test_connect_timeout_becomes_the_driver_timeout() -> None:
    target = normalize_database_url("postgresql://u@h/db?connect_timeout=10")

    assert target.connect_args["timeout"] == 10
    assert dict(target.url.query) == {}


def test_other_query_parameters_are_kept() -> None:
    target = normalize_database_url("postgresql://u@h/db?sslmode=require&application_name=todo")

    assert dict(target.url.query) == {"application_name": "todo"}


@pytest.mark.parametrize(
    ("url", "database"),
    [("sqlite:///./todochat.db", "./todochat.db"), ("sqlite:////var/lib/t.db", "/var/lib/t.db")],
)
def test_sqlite_urls_use_aiosqlite(url: str, database: str) -> None:
    target = normalize_database_url(url)

    assert target.url.drivername == "sqlite+aiosqlite"
    assert target.url.database == database
    assert target.is_sqlite


def test_surrounding_whitespace_is_ignored() -> None:
    assert normalize_database_url("  sqlite:///t.db\n").url.database == "t.db"


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/todo", "mssql+pyodbc://u@h/db", "oracle://u@h/db"]
)
def test_other_databases_are_a_url_error(url: str) -> None:
    with pytest.raises(DatabaseURLError, match="unsupported database"):
        normalize_database_url(url)


@pytest.mark.parametrize("url", ["", "not a url", "://nothing"])
def test_a_non_url_is_a_url_error(url: str) -> None:
    with pytest.raises(DatabaseURLError):
        normalize_database_url(url)


# The SQLite engine -------------------------------------------------------------


BUSY_TIMEOUT_MS = 4321


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    settings = make_settings(sqlite_url(tmp_path / "t.db"), sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS)
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


async def pragma(engine: AsyncEngine, name: str) -> object:
    async with engine.connect() as connection:
        return (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()


async def test_sqlite_engine_enforces_foreign_keys(sqlite_engine: AsyncEngine) -> None:
    assert await pragma(sqlite_engine, "foreign_keys") == 1


async def test_sqlite_engine_uses_write_ahead_logging(sqlite_engine: AsyncEngine) -> None:
    assert await pragma(sqlite_engine, "journal_mode") == "wal"


async def test_sqlite_engine_waits_for_the_write_lock(sqlite_engine: AsyncEngine) -> None:
    assert await pragma(sqlite_engine, "busy_timeout") == BUSY_TIMEOUT_MS


async def test_sqlite_engine_accepts_a_plain_sqlite_url(tmp_path: Path) -> None:
    engine = create_engine(make_settings(f"sqlite:///{tmp_path / 'plain.db'}"))
    try:
        assert engine.dialect.driver == "aiosqlite"
        assert await pragma(engine, "foreign_keys") == 1
    finally:
        await engine.dispose()
