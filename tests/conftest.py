"""Shared fixtures: a migrated database per test, on SQLite and (when
TODOCHAT_TEST_DATABASE_URL names a server) on PostgreSQL too."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.support import ServerProcess, sqlite_url
from todochat import migrate
from todochat.config import Settings
from todochat.db import Database, create_engine, normalize_database_url
from todochat.models import User
from todochat.services import users

POSTGRES_SERVER_URL = os.environ.get("TODOCHAT_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_SERVER_URL else ["sqlite"]


async def _admin_execute(statement: str) -> None:
    """Run a statement on the PostgreSQL server's maintenance database."""
    server = make_url(POSTGRES_SERVER_URL)
    dsn = normalize_database_url(str(server.set(database="postgres"))).url
    connection = await asyncpg.connect(
        user=dsn.username,
        password=dsn.password,
        host=dsn.host,
        port=dsn.port,
        database=dsn.database,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


class PostgresDatabases:
    """Creates fresh databases on the test server and drops them at the end."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self) -> str:
        name = f"todochat_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return str(make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(False))

    def drop_all(self) -> None:
        for name in self.created:
            asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


def _migrate(url: str) -> None:
    async def run() -> None:
        engine = create_engine(Settings(database_url=url))
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "todochat.db"
    _migrate(sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def postgres_url(postgres_databases: PostgresDatabases) -> str:
    """One migrated PostgreSQL database for the session, emptied before each test."""
    url = postgres_databases.create()
    _migrate(url)
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a migrated, empty database for this test."""
    if backend == "sqlite":
        path = tmp_path / "todochat.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return sqlite_url(path)
    url = str(request.getfixturevalue("postgres_url"))
    asyncio.run(
        _truncate_all(url),
    )
    return url


async def _truncate_all(url: str) -> None:
    engine = create_engine(Settings(database_url=url))
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "TRUNCATE users, tasks, conversations, messages, rate_limit_buckets"
                " RESTART IDENTITY CASCADE"
            )
    finally:
        await engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at this test's database."""
    return Settings(database_url=database_url)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings)
    yield database
    await database.dispose()


@pytest.fixture
async def session(db: Database) -> AsyncIterator[object]:
    async with db.session() as session:
        yield session


@pytest.fixture
async def alice(db: Database) -> User:
    async with db.session() as session:
        return await users.create_user(
            session, email="alice@example.com", password_hash=None, name="Alice"
        )


@pytest.fixture
async def bob(db: Database) -> User:
    async with db.session() as session:
        return await users.create_user(
            session, email="bob@example.com", password_hash=None, name="Bob"
        )


@pytest.fixture
def live_server(tmp_path: Path, database_url: str) -> Iterator[str]:
    """A real `todochat serve` process on a free port and this test's database; yields
    its base URL."""
    with ServerProcess(tmp_path, database_url) as server:
        yield server.base_url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.postgresql_only`: keep only the PostgreSQL run of such a test; skip
    it, saying why, when no server is configured (CI always configures one)."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        if item.get_closest_marker("postgresql_only") is None:
            kept.append(item)
            continue
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec is not None else None
        if not POSTGRES_SERVER_URL:
            item.add_marker(pytest.mark.skip(reason="needs TODOCHAT_TEST_DATABASE_URL"))
            kept.append(item)
        elif backend not in (None, "postgresql"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
