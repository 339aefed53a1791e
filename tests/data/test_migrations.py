"""Migrations on a fresh, empty database of each backend: through todochat.migrate,
through the real `todochat db` command, and two at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support import make_settings, sqlite_url
from todochat import migrate
from todochat.db import create_engine

TABLES = {
    "users",
    "tasks",
    "conversations",
    "messages",
    "idempotency_keys",
    "rate_limit_buckets",
    "personal_access_tokens",
    "oauth_clients",
    "oauth_codes",
    "oauth_tokens",
    "calendar_feeds",
    "labels",
    "task_labels",
}
INDEXES = {
    "tasks": {"ix_tasks_user_id_status", "ix_tasks_user_id_due_at", "ix_tasks_user_id_priority"},
    "conversations": {"ix_conversations_user_id_updated_at"},
    "rate_limit_buckets": {"ix_rate_limit_buckets_resets_at"},
}
CONSTRAINTS = {
    "uq_tasks_user_id_number",
    "ck_tasks_task_status",
    "ck_tasks_task_priority",
    "ck_tasks_completed_at_matches_status",
    "ck_tasks_number_positive",
    "fk_tasks_user_id_users",
    "uq_users_email",
    "ck_users_task_seq_non_negative",
    "uq_conversations_id_user_id",
    "fk_conversations_user_id_users",
    "ck_messages_message_role",
    "ck_messages_seq_positive",
    "fk_messages_conversation_id_user_id_conversations",
    "uq_messages_conversation_id_seq",
}


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a new database that has never been migrated."""
    if backend == "sqlite":
        return sqlite_url(tmp_path / "fresh.db")
    return str(request.getfixturevalue("postgres_databases").create())


@pytest.fixture
async def engine(fresh_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(make_settings(fresh_url))
    yield engine
    await engine.dispose()


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    return set(names) - {"alembic_version"}


# todochat.migrate ---------------------------------------------------------------


async def test_fresh_database_is_at_no_revision(engine: AsyncEngine) -> None:
    assert await migrate.current_revision(engine) is None
    assert migrate.head_revision() is not None


async def test_check_reports_an_unmigrated_database(engine: AsyncEngine) -> None:
    problem = await migrate.check(engine)

    assert problem is not None
    assert str(migrate.head_revision()) in problem


async def test_upgrade_creates_the_tables_at_head(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)

    assert await table_names(engine) == TABLES
    assert await migrate.current_revision(engine) == migrate.head_revision()


async def test_upgraded_schema_matches_the_models_exactly(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)

    assert await migrate.check(engine) is None


async def test_upgrade_again_changes_nothing(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)

    await migrate.upgrade(engine)

    assert await migrate.current_revision(engine) == migrate.head_revision()
    assert await migrate.check(engine) is None


async def test_downgrade_to_base_removes_every_table(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)

    await migrate.downgrade(engine, "base")

    assert await table_names(engine) == set()
    assert await migrate.current_revision(engine) is None
    assert await migrate.check(engine) is not None


async def test_upgrade_downgrade_upgrade_round_trip(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)
    await migrate.downgrade(engine, "base")

    await migrate.upgrade(engine)

    assert await table_names(engine) == TABLES
    assert await migrate.check(engine) is None


async def test_migrated_schema_has_the_named_indexes(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)

    async with engine.connect() as connection:
        for table, expected in INDEXES.items():
            indexes = await connection.run_sync(lambda c, t=table: inspect(c).get_indexes(t))
            assert expected <= {index["name"] for index in indexes}


async def test_two_upgrades_at_once_both_succeed_and_reach_head(fresh_url: str) -> None:
    engines = [create_engine(make_settings(fresh_url)) for _ in range(2)]
    try:
        await asyncio.gather(*(migrate.upgrade(engine) for engine in engines))

        assert await migrate.current_revision(engines[0]) == migrate.head_revision()
        assert await migrate.check(engines[1]) is None
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.mark.postgresql_only
async def test_postgresql_schema_has_the_named_constraints_and_indexes(
    engine: AsyncEngine,
) -> None:
    await migrate.upgrade(engine)

    async with engine.connect() as connection:
        constraints = set(
            (await connection.execute(text("SELECT conname FROM pg_constraint"))).scalars()
        )
        indexes = set(
            (
                await connection.execute(
                    text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
                )
            ).scalars()
        )

    assert constraints >= CONSTRAINTS
    assert indexes >= set().union(*INDEXES.values()) | {"uq_messages_conversation_id_seq"}


WAITING_FOR_ADVISORY_LOCK = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@pytest.mark.postgresql_only
async def test_postgresql_migration_waits_for_the_advisory_lock(engine: AsyncEngine) -> None:
    key = {"key": migrate.MIGRATION_LOCK_KEY}
    async with engine.connect() as holder:
        await holder.execute(text("SELECT pg_advisory_lock(:key)"), key)
        await holder.commit()
        waiting = asyncio.ensure_future(migrate.upgrade(engine))
        # Until the migration either waits for the lock or (wrongly) finishes.
        while not waiting.done():
            await asyncio.sleep(0.05)
            if (await holder.execute(WAITING_FOR_ADVISORY_LOCK)).scalar_one():
                break

        assert not waiting.done()
        assert (await holder.execute(WAITING_FOR_ADVISORY_LOCK)).scalar_one() == 1
        assert await table_names(engine) == set()
        await holder.execute(text("SELECT pg_advisory_unlock(:key)"), key)
        await holder.commit()

    await waiting
    assert await migrate.current_revision(engine) == migrate.head_revision()


# The `todochat db` command ------------------------------------------------------


def todochat_db(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `todochat db ARGS` in a fresh process against `url`."""
    env = {**os.environ, "TODOCHAT_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "todochat.cli", "db", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_current_on_a_fresh_database_says_none(fresh_url: str, tmp_path: Path) -> None:
    result = todochat_db(fresh_url, tmp_path, "current")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"none (head is {migrate.head_revision()})"


def test_cli_check_fails_on_a_fresh_database(fresh_url: str, tmp_path: Path) -> None:
    result = todochat_db(fresh_url, tmp_path, "check")

    assert result.returncode == 1
    assert "schema check failed" in result.stderr


def test_cli_upgrade_then_check_and_current(fresh_url: str, tmp_path: Path) -> None:
    upgrade = todochat_db(fresh_url, tmp_path, "upgrade")
    check = todochat_db(fresh_url, tmp_path, "check")
    current = todochat_db(fresh_url, tmp_path, "current")

    assert (upgrade.returncode, upgrade.stdout.strip()) == (0, "database upgraded to head")
    assert (check.returncode, check.stdout.strip()) == (0, "schema matches the models")
    assert (current.returncode, current.stdout.strip()) == (
        0,
        f"{migrate.head_revision()} (head)",
    )


def test_cli_downgrade_to_base_then_check_fails(fresh_url: str, tmp_path: Path) -> None:
    todochat_db(fresh_url, tmp_path, "upgrade")

    downgrade = todochat_db(fresh_url, tmp_path, "downgrade", "base")
    check = todochat_db(fresh_url, tmp_path, "check")

    assert (downgrade.returncode, downgrade.stdout.strip()) == (0, "database downgraded to base")
    assert check.returncode == 1


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/todo", "postgresql://u@h/db?sslmode=sometimes"]
)
def test_cli_rejects_an_unusable_database_url(url: str, tmp_path: Path) -> None:
    result = todochat_db(url, tmp_path, "current")

    assert result.returncode == 2
    assert "TODOCHAT_DATABASE_URL" in result.stderr
