"""Rate-limit counters as database rows: each check is one upsert, race-free on
PostgreSQL and SQLite alike (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), so that
every worker and machine on one database counts together.

Like every service, these functions never commit: the caller runs them in a short
unit of work of their own, so that the request that is refused (and rolls back) does
not undo its own count.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import RateLimitedError
from todochat.models import RateLimitBucket

_table = RateLimitBucket.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Count:
    """A counter after one hit: `hits` in the window that ends at `resets_at`."""

    hits: int
    resets_at: float


def _insert(session: AsyncSession) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(_table)
    return sqlite.insert(_table)


async def count_hit(session: AsyncSession, key: str, window: float, now: float) -> Count:
    """Add one hit to `key`'s fixed window (opened by its first hit, `window` seconds
    long; a passed window starts afresh). Returns the count including this hit."""
    statement = _insert(session).values(key=key, hits=1, resets_at=now + window)
    expired = _table.c.resets_at <= now
    statement = statement.on_conflict_do_update(
        index_elements=[_table.c.key],
        set_={
            "hits": case((expired, 1), else_=_table.c.hits + 1),
            "resets_at": case((expired, now + window), else_=_table.c.resets_at),
        },
    ).returning(_table.c.hits, _table.c.resets_at)
    row = (await session.exec(statement)).one()
    return Count(hits=row.hits, resets_at=row.resets_at)


async def count_within_limit(
    session: AsyncSession, key: str, limit: int, window: float, message: str
) -> None:
    """Count one event for `key` in the caller's own transaction; RateLimitedError
    (with the seconds until the window ends) once more than `limit` happened in it.
    A refused request rolls back with its own work, so it is not counted."""
    now = time.time()
    count = await count_hit(session, key, window, now)
    if count.hits > limit:
        raise RateLimitedError(message, max(1, math.ceil(count.resets_at - now)))


@dataclass(frozen=True)
class LoginPolicy:
    """`free_attempts` failures cost nothing; after that, each one makes the next
    attempt wait `base_delay` seconds, doubling up to `max_delay`. The record of
    failures is forgotten `window` seconds after the last attempt."""

    free_attempts: int
    base_delay: float
    max_delay: float
    window: float


def _next_delay(hits: ColumnElement[Any], delay: ColumnElement[Any], policy: LoginPolicy) -> Any:
    """The wait after the attempt numbered `hits`, given the previous wait."""
    doubled = delay * 2
    return case(
        (hits < policy.free_attempts, literal(0.0)),
        (delay <= 0, literal(policy.base_delay)),
        (doubled > policy.max_delay, literal(policy.max_delay)),
        else_=doubled,
    )


async def take_login_attempt(
    session: AsyncSession, key: str, policy: LoginPolicy, now: float
) -> float | None:
    """Reserve one sign-in attempt for `key`, counted as a failure until it is proven
    right (`clear`). None when allowed; else the time (epoch seconds) it is blocked
    until. One statement: concurrent attempts cannot slip past the block together."""
    first_delay = policy.base_delay if policy.free_attempts <= 1 else 0.0
    statement = _insert(session).values(
        key=key,
        hits=1,
        resets_at=now + policy.window,
        delay=first_delay,
        blocked_until=now + first_delay,
    )
    expired = _table.c.resets_at <= now
    hits = case((expired, 1), else_=_table.c.hits + 1)
    previous = case((expired, literal(0.0)), else_=_table.c.delay)
    delay = _next_delay(hits, previous, policy)
    statement = statement.on_conflict_do_update(
        index_elements=[_table.c.key],
        set_={
            "hits": hits,
            "delay": delay,
            "blocked_until": now + delay,
            "resets_at": now + policy.window,
        },
        where=_table.c.blocked_until <= now,
    ).returning(_table.c.hits)
    if (await session.exec(statement)).first() is not None:
        return None
    blocked = select(col(RateLimitBucket.blocked_until)).where(col(RateLimitBucket.key) == key)
    blocked_until = (await session.exec(blocked)).first()
    return blocked_until if blocked_until is not None else now


async def clear(session: AsyncSession, key: str) -> None:
    """Forget `key`'s counter (a right password wipes its failures)."""
    await session.exec(delete(RateLimitBucket).where(col(RateLimitBucket.key) == key))


async def sweep(session: AsyncSession, now: float, limit: int = 1000) -> int:
    """Delete up to `limit` counters whose window and block have both passed; how many
    were deleted. Bounded, so that one sweep is one short statement."""
    stale = (
        select(col(RateLimitBucket.key))
        .where(col(RateLimitBucket.resets_at) <= now, col(RateLimitBucket.blocked_until) <= now)
        .limit(limit)
    )
    result = await session.exec(delete(RateLimitBucket).where(col(RateLimitBucket.key).in_(stale)))
    return int(getattr(result, "rowcount", 0) or 0)
