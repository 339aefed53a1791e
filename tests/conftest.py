"""Shared fixtures: settings built for each test, a migrated database per test, and real
`todochat serve` processes.

Which databases a test runs on
------------------------------
A test that uses a database (`backend`, `database_url`, `settings`, `db`, an app, a
server …) runs on SQLite. When TODOCHAT_TEST_DATABASE_URL names a PostgreSQL server
(`.ci/run` sets it), a test whose behaviour depends on the database engine runs on
PostgreSQL as well, and says so with a marker:

* `@pytest.mark.both_databases`: SQLite and PostgreSQL. For what goes through SQL that
  the two engines may answer differently: the data layer (every test in tests/data, which
  its conftest marks), concurrent writers, constraints and lengths, ordering and paging,
  time zones, the cross-tenant matrix, migrations, and a few end-to-end tests of each
  surface (REST, chat, MCP, the page, a real `todochat serve`).
* `@pytest.mark.postgresql_only`: PostgreSQL alone. Without a server such a test is
  skipped, saying why; in CI (CI set) that is an error instead.
* No marker: SQLite only. HTTP shapes, the error format, tokens, the agents' phrasing
  and replies, the page's behaviour and the terminal do not depend on the engine.

The test's id says which run it is (`[sqlite]`, `[postgresql]`).

Settings
--------
A test builds a `Settings` and passes it; it never patches the environment. `settings`
is `make_settings(database_url)` (tests/support.py), which reads no environment variable
and no .env file; a test that needs other values uses `settings.model_copy(update=...)`.
Real server processes get their settings as environment variables of the child process.

Parallel runs
-------------
`make pytest` runs the tests in pytest-xdist workers. Everything session-scoped here is
per worker: the SQLite template lives in the worker's own temporary directory, each
worker creates (and drops at its end) its own PostgreSQL databases, named after it, and
servers listen on ports from the worker's own range (`free_port`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import asyncpg
import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url

from tests.support import ServerProcess, make_settings, sqlite_url, xdist_worker
from todochat import migrate
from todochat.config import Settings
from todochat.db import Database, create_engine, normalize_database_url
from todochat.models import User
from todochat.security import passwords
from todochat.services import users

POSTGRES_SERVER_URL = os.environ.get("TODOCHAT_TEST_DATABASE_URL", "").strip()
IN_CI = bool(os.environ.get("CI"))
# The engines a `both_databases` test runs on.
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_SERVER_URL else ["sqlite"]
NO_POSTGRESQL = "needs PostgreSQL: set TODOCHAT_TEST_DATABASE_URL"


# Choosing the databases ---------------------------------------------------------------


def backends_for(definition: pytest.Item) -> list[str]:
    """The engines a test runs on, from its marker (see the top of this file)."""
    if definition.get_closest_marker("postgresql_only") is not None:
        return ["postgresql"]
    if definition.get_closest_marker("both_databases") is not None:
        return BACKENDS
    return ["sqlite"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses a database once per engine it is meant for."""
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backends_for(metafunc.definition), indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A `postgresql_only` test without a PostgreSQL server is skipped, saying why, or
    stops the run in CI, which must run every test."""
    if POSTGRES_SERVER_URL:
        return
    unrunnable = [item for item in items if item.get_closest_marker("postgresql_only")]
    if unrunnable and IN_CI:
        raise pytest.UsageError(f"CI runs the PostgreSQL tests: {NO_POSTGRESQL}")
    for item in unrunnable:
        item.add_marker(pytest.mark.skip(reason=NO_POSTGRESQL))


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine of this run of the test: "sqlite" or "postgresql"."""
    return str(request.param)


# PostgreSQL ------------------------------------------------------------------------------


async def _connect(url: str) -> asyncpg.Connection:
    dsn = normalize_database_url(url).url
    return await asyncpg.connect(
        user=dsn.username,
        password=dsn.password,
        host=dsn.host,
        port=dsn.port,
        database=dsn.database,
    )


async def _admin_execute(statement: str) -> None:
    """Run a statement on the PostgreSQL server's maintenance database."""
    server = make_url(POSTGRES_SERVER_URL).set(database="postgres")
    connection = await _connect(server.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


class PostgresDatabases:
    """Creates fresh databases on the test server, named after the xdist worker, and
    drops them at the end of the worker's session."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self) -> str:
        """The URL of a new, empty (not migrated) database."""
        name = f"todochat_test_{xdist_worker()}_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return str(make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(False))

    def drop_all(self) -> None:
        for name in self.created:
            asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    """This worker's PostgreSQL databases: made on demand, dropped at the end."""
    if not POSTGRES_SERVER_URL:
        pytest.fail(NO_POSTGRESQL)
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


def _migrate(url: str) -> None:
    async def run() -> None:
        engine = create_engine(make_settings(url))
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


@pytest.fixture(scope="session")
def postgres_url(postgres_databases: PostgresDatabases) -> str:
    """One migrated PostgreSQL database for the worker's session, emptied before each
    test that uses it."""
    url = postgres_databases.create()
    _migrate(url)
    return url


async def _empty(url: str) -> None:
    """Remove every row of every table but Alembic's, in one statement."""
    connection = await _connect(url)
    try:
        tables = await connection.fetch(
            "SELECT quote_ident(tablename) AS name FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
        )
        names = ", ".join(table["name"] for table in tables)
        await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


# The database of a test ----------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time);
    in the worker's own temporary directory."""
    path = tmp_path_factory.mktemp("template") / "todochat.db"
    _migrate(sqlite_url(path))
    return path


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a migrated, empty database for this test."""
    if backend == "sqlite":
        path = tmp_path / "todochat.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return sqlite_url(path)
    url = str(request.getfixturevalue("postgres_url"))
    asyncio.run(_empty(url))
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """This test's settings: its database, the tests' signing secret, the built-in agent
    and the defaults, none of it read from the environment. For other values:
    `settings.model_copy(update=...)`."""
    return make_settings(database_url)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """The test's database, as the app would open it."""
    database = Database(settings)
    yield database
    await database.dispose()


@pytest.fixture
async def session(db: Database) -> AsyncIterator[object]:
    """One session on the test's database."""
    async with db.session() as session:
        yield session


@pytest.fixture
async def alice(db: Database) -> User:
    """A user made through the services (no password)."""
    async with db.session() as session:
        return await users.create_user(
            session, email="alice@example.com", password_hash=None, name="Alice"
        )


@pytest.fixture
async def bob(db: Database) -> User:
    """Another user made through the services."""
    async with db.session() as session:
        return await users.create_user(
            session, email="bob@example.com", password_hash=None, name="Bob"
        )


_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_CHEAP_DUMMY_HASH = _CHEAP_HASHER.hash("todochat-no-such-account")


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with the smallest cost in the test process: real hashing and verification,
    a fraction of the time (the production cost makes every sign-up take a noticeable
    while). Server processes keep the production cost."""
    monkeypatch.setattr(passwords, "_hasher", _CHEAP_HASHER)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", _CHEAP_DUMMY_HASH)


# Real servers ----------------------------------------------------------------------------


@pytest.fixture
def live_server(tmp_path: Path, database_url: str) -> Iterator[str]:
    """A real `todochat serve` process of this test's own, on a free port and this
    test's database; yields its base URL."""
    with ServerProcess(tmp_path, database_url) as server:
        yield server.base_url


class SharedServers:
    """One `todochat serve` process per database engine, started when a test first asks
    for it and shared by every later test of the worker's session."""

    # Every browser signs in (and up) from 127.0.0.1: the per-address limits are for
    # attackers, not for a test session.
    ENV = {
        "TODOCHAT_LOGIN_ATTEMPTS_PER_ADDRESS": "100000",
        "TODOCHAT_REGISTRATIONS_PER_ADDRESS": "100000",
    }

    def __init__(self, workdir: Path, postgres: PostgresDatabases | None) -> None:
        self.workdir = workdir
        self.postgres = postgres
        self.servers: dict[str, ServerProcess] = {}

    def base_url(self, backend: str) -> str:
        if backend not in self.servers:
            self.servers[backend] = ServerProcess(
                self.workdir, self._new_database(backend), **self.ENV
            ).start()
        return self.servers[backend].base_url

    def _new_database(self, backend: str) -> str:
        """A database of the server's own (migrated by the server as it starts)."""
        if backend == "sqlite":
            return sqlite_url(self.workdir / "shared.db")
        if self.postgres is None:
            pytest.fail(NO_POSTGRESQL)
        return self.postgres.create()

    def output(self, backend: str) -> str:
        """The end of what the server of this engine has written."""
        server = self.servers.get(backend)
        return server.output()[-5000:] if server is not None else ""

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()


@pytest.fixture(scope="session")
def shared_servers(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[SharedServers]:
    """The worker's shared `todochat serve` processes, stopped at the end (before
    their PostgreSQL databases are dropped)."""
    postgres = request.getfixturevalue("postgres_databases") if POSTGRES_SERVER_URL else None
    servers = SharedServers(tmp_path_factory.mktemp("shared-server"), postgres)
    yield servers
    servers.stop_all()


@pytest.fixture
def shared_server(backend: str, shared_servers: SharedServers) -> str:
    """The base URL of a real `todochat serve` shared with other tests, on this test's
    database engine. For a test that needs only a running server: it signs up accounts
    of its own (`unique_email`) and looks at nothing else. A test that stops or restarts
    a server, or needs other settings, starts its own (`live_server`, `ServerProcess`)."""
    return shared_servers.base_url(backend)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test that used a shared server shows the end of that server's log (the
    log's directory is gone after a few more runs)."""
    report: pytest.TestReport = yield
    if not report.failed or not isinstance(item, pytest.Function):
        return report
    servers = item.funcargs.get("shared_servers")
    if isinstance(servers, SharedServers):
        backend = item.callspec.params["backend"]
        report.sections.append((f"todochat serve ({backend}, shared) log", servers.output(backend)))
    return report
