"""Engine, session factory and the unit of work.

The database is todochat's only state. This module turns a URL as a provider prints
it into a working async engine, with the pool and driver settings that SQLite files,
plain PostgreSQL and serverless PostgreSQL behind a transaction pooler each need.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.config import Settings

# libpq spells TLS as `sslmode`; asyncpg takes the same modes as its `ssl` argument.
_SSL_MODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
# libpq-only query parameters that asyncpg would reject as unknown keyword arguments.
_LIBPQ_ONLY_PARAMS = {"sslmode", "channel_binding", "pgbouncer", "connect_timeout"}
_PGBOUNCER_PORT = 6432

# What "the database did not answer" looks like, from the pool, the drivers and the
# network: every surface turns these into its own "unavailable, try again" (503).
# How long a client is told to wait before trying again (Retry-After) after a 503.
DATABASE_RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    ConnectionError,
    TimeoutError,
    OSError,
)


# SQLSTATE 57014: PostgreSQL cancelled the statement (its statement_timeout ran out).
_QUERY_CANCELED = "57014"


class StatementTimeoutError(TimeoutError):
    """The database cancelled a statement that ran past its bound (one of
    DATABASE_UNAVAILABLE, as a TimeoutError)."""


def _is_statement_timeout(exc: sa_exc.DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == _QUERY_CANCELED


class DatabaseURLError(ValueError):
    """The database URL cannot be used."""


@dataclass(frozen=True)
class DatabaseTarget:
    """A normalised URL plus the driver arguments it implies."""

    url: URL
    connect_args: dict[str, Any] = field(default_factory=dict)
    transaction_pooler: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_file(self) -> str | None:
        """The database file (or "" / ":memory:") of a SQLite URL; None otherwise."""
        return (self.url.database or "") if self.is_sqlite else None


def normalize_database_url(raw_url: str, transaction_pooler: bool | None = None) -> DatabaseTarget:
    """Turn a URL as users paste it into one the async drivers accept.

    `postgres://` and `postgresql://` (with libpq options such as Neon's
    `sslmode=require&channel_binding=require`) become `postgresql+asyncpg://` with the
    TLS mode passed to asyncpg; `sqlite://` becomes `sqlite+aiosqlite://`.
    """
    try:
        url = make_url(raw_url.strip())
    except Exception as exc:  # SQLAlchemy raises ArgumentError with the URL inside
        raise DatabaseURLError("the database URL is not a valid URL") from exc

    backend = url.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend == "sqlite":
        return DatabaseTarget(url=url.set(drivername="sqlite+aiosqlite"))
    if backend != "postgresql":
        raise DatabaseURLError(
            f"unsupported database '{backend}': use a sqlite:// or postgresql:// URL"
        )

    query = dict(url.query)
    connect_args: dict[str, Any] = {}
    sslmode = query.get("sslmode") or query.get("ssl")
    if isinstance(sslmode, str):
        if sslmode not in _SSL_MODES:
            raise DatabaseURLError(f"unknown sslmode '{sslmode}'")
        connect_args["ssl"] = sslmode
    if isinstance(timeout := query.get("connect_timeout"), str) and timeout.isdigit():
        connect_args["timeout"] = int(timeout)

    if transaction_pooler is None:
        transaction_pooler = (
            "-pooler" in (url.host or "")
            or url.port == _PGBOUNCER_PORT
            or str(query.get("pgbouncer", "")).lower() == "true"
        )
    if transaction_pooler:
        # A transaction pooler hands each transaction to any server connection, so
        # prepared statements from one transaction are unknown in the next.
        connect_args["statement_cache_size"] = 0
        connect_args["prepared_statement_name_func"] = _unique_statement_name

    kept = {k: v for k, v in query.items() if k not in _LIBPQ_ONLY_PARAMS and k != "ssl"}
    if transaction_pooler:
        kept["prepared_statement_cache_size"] = "0"
    normalised = url.set(drivername="postgresql+asyncpg", query=kept)
    return DatabaseTarget(
        url=normalised, connect_args=connect_args, transaction_pooler=transaction_pooler
    )


def _unique_statement_name() -> str:
    return f"__todochat_{uuid.uuid4().hex}__"


def create_engine(settings: Settings) -> AsyncEngine:
    """An async engine configured for the database the settings point at.

    Its errors never show the bound parameters (`hide_parameters`): they hold message
    text, task titles and password hashes, and database errors end up in the logs."""
    target = normalize_database_url(settings.database_url, settings.db_transaction_pooler)
    if target.is_sqlite:
        engine = create_async_engine(target.url, hide_parameters=True)
        if isinstance(engine.pool, QueuePool):
            # A file database has a queue pool, whose checkout wait is bounded like
            # PostgreSQL's (lock waits are bounded by busy_timeout). An in-memory one
            # has one static connection, no wait, and no such argument.
            engine = create_async_engine(
                target.url, hide_parameters=True, pool_timeout=settings.db_pool_timeout
            )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms, target.sqlite_file or "")
        return engine
    engine = create_async_engine(
        target.url,
        connect_args=_bounded_connect_args(target, settings),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_pre_ping=settings.db_pool_ping_after_idle_seconds == 0,
        pool_recycle=settings.db_pool_recycle,
        hide_parameters=True,
    )
    if settings.db_pool_ping_after_idle_seconds > 0:
        _ping_after_idle(engine, settings.db_pool_ping_after_idle_seconds)
    _drop_connections_that_timed_out(engine)
    return engine


def _drop_connections_that_timed_out(engine: AsyncEngine) -> None:
    """A connection whose statement ran out of time (asyncpg's `command_timeout`) is
    in an unknown state, most likely to a host that does not answer: it is discarded
    at once rather than rolled back, which would wait out the bound a second time.

    SQLAlchemy closes an invalidated asyncpg connection politely, waiting up to 2 s
    for the host to acknowledge; the socket is aborted first so that no one waits.
    """

    @event.listens_for(engine.sync_engine, "handle_error")
    def on_error(context: ExceptionContext) -> None:
        if not isinstance(context.original_exception, TimeoutError):
            return
        context.is_disconnect = True
        pooled = context.connection.connection if context.connection is not None else None
        adapted = getattr(pooled, "dbapi_connection", None)
        driver_connection = getattr(adapted, "_connection", None)
        terminate = getattr(driver_connection, "terminate", None)
        if callable(terminate):
            terminate()


def _bounded_connect_args(target: DatabaseTarget, settings: Settings) -> dict[str, Any]:
    """The driver arguments plus the bounds on every wait of a connection.

    - `timeout`: opening a connection (TCP, TLS, authentication); a `connect_timeout`
      in the URL wins over the setting.
    - `command_timeout`: asyncpg gives up on any one statement after this long, even
      when the host stops answering altogether (the connection is then dropped).
    - `statement_timeout` (server side): PostgreSQL itself cancels a statement that runs
      too long, so a write whose client has given up is not committed long after.
      Transaction poolers (PgBouncer, Neon's pooler) refuse unknown startup
      parameters, so behind one only the client-side bound applies.
    """
    connect_args = dict(target.connect_args)
    connect_args.setdefault("timeout", settings.db_connect_timeout_seconds)
    connect_args["command_timeout"] = settings.db_statement_timeout_seconds
    if not target.transaction_pooler:
        server_settings = dict(connect_args.get("server_settings") or {})
        statement_ms = int(settings.db_statement_timeout_seconds * 1000)
        server_settings.setdefault("statement_timeout", str(statement_ms))
        connect_args["server_settings"] = server_settings
    return connect_args


def _ping_after_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Check a pooled connection before use only if it sat idle for `idle_seconds`.

    Poolers and serverless PostgreSQL close connections that idle too long; a ping on
    every checkout (SQLAlchemy's pre_ping) would catch that but costs a round trip on
    every request. Connections in steady use are fresh by construction.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def on_checkin(_dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:
            # The pool drops this connection and hands out a fresh one.
            raise sa_exc.DisconnectionError("pooled connection was closed") from exc


def _switch_to_wal(cursor: Any, busy_timeout_ms: int) -> None:
    """Put the database file in WAL mode, waiting for the lock this needs.

    SQLite does not apply busy_timeout to this switch: a brand-new database opened
    by two processes at once (two workers starting) would fail in one of them.
    Once the file is in WAL mode the switch is a no-op and returns at once.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _create_private_file(path: str) -> None:
    """Create `path` readable and writable by its owner only (0600), unless it exists.

    SQLite would create the database with the umask's mode (typically 0644: readable
    by every local user), and it gives the -wal and -shm files it creates beside it
    the database file's own mode. An empty file is a valid, empty database."""
    if path in ("", ":memory:") or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # an existing database keeps the mode its operator gave it
    except OSError:
        pass  # a missing directory: let SQLite report it when it connects


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int, path: str) -> None:
    """Foreign keys on, WAL, write transactions that wait instead of failing, and a
    database file created private to its owner.

    The driver's own implicit BEGIN is turned off so that every transaction starts
    with BEGIN IMMEDIATE: SQLite then takes the write lock up front and waits for it
    (busy_timeout), instead of failing when a reader later tries to become a writer.
    """

    @event.listens_for(engine.sync_engine, "do_connect")
    def before_connect(*_args: Any) -> None:
        _create_private_file(path)

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        _switch_to_wal(cursor, busy_timeout_ms)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory: what one process needs to reach the data."""

    def __init__(self, settings: Settings, engine: AsyncEngine | None = None) -> None:
        self.settings = settings
        self.engine = engine or create_engine(settings)
        self.sessionmaker = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: a session whose transaction is committed when the block
        ends and rolled back if it raises. Services only add and flush; this is the
        one place where their work is committed."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except sa_exc.DBAPIError as exc:
                await session.rollback()
                if _is_statement_timeout(exc):
                    raise StatementTimeoutError("the statement ran past its time limit") from exc
                raise
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
