"""The SQLite database (with its -wal and -shm files) and the generated token secret
beside it are created readable and writable by their owner only (0600)."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
from sqlalchemy import text

from tests.support import ServerProcess, sqlite_url
from todochat.config import Settings
from todochat.db import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    database = Database(Settings(database_url=sqlite_url(path)))
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
            await connection.execute(text("INSERT INTO t VALUES (1)"))
        # While a connection is open in WAL mode, the -wal and -shm files exist.
        files = [path, path.with_name("new.db-wal"), path.with_name("new.db-shm")]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        await database.dispose()


async def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    database = Database(Settings(database_url=sqlite_url(path)))
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await database.dispose()

    assert mode(path) == 0o640


def test_the_server_creates_its_default_database_and_secret_private(tmp_path: Path) -> None:
    # No configuration at all: todochat.db and its secret in the working directory.
    with ServerProcess(tmp_path) as server:
        assert httpx.get(f"{server.base_url}/readyz").status_code == 200
        created = {name: mode(tmp_path / name) for name in ("todochat.db", "todochat.db.secret")}

    assert created == {"todochat.db": 0o600, "todochat.db.secret": 0o600}
