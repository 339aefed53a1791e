"""Rate-limit counters in the database (both backends): one upsert per hit, so that
concurrent hits are counted exactly, and sign-in delays that grow."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest
from sqlmodel import select

from todochat.db import Database
from todochat.errors import RateLimitedError
from todochat.models import RateLimitBucket
from todochat.ratelimit import RateLimiter
from todochat.services import ratelimits
from todochat.services.ratelimits import LoginPolicy


class FakeClock:
    """Epoch seconds that move only when told."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _allowed(call: Awaitable[None]) -> bool:
    try:
        await call
    except RateLimitedError:
        return False
    return True


async def test_concurrent_hits_let_exactly_the_limit_through(db: Database) -> None:
    limiter = RateLimiter(db)
    outcomes = await asyncio.gather(
        *(_allowed(limiter.hit("chat:ada", limit=7, window=60)) for _ in range(20))
    )
    async with db.session() as session:
        stored = (await session.exec(select(RateLimitBucket))).one()
    assert outcomes.count(True) == 7
    assert stored.hits == 20


async def test_a_refused_hit_says_when_the_window_ends(db: Database) -> None:
    clock = FakeClock()
    limiter = RateLimiter(db, clock)
    await limiter.hit("k", limit=1, window=60)
    clock.now += 15.5
    with pytest.raises(RateLimitedError) as refused:
        await limiter.hit("k", limit=1, window=60)
    assert refused.value.retry_after == 45


async def test_a_passed_window_starts_afresh(db: Database) -> None:
    clock = FakeClock()
    limiter = RateLimiter(db, clock)
    await limiter.hit("k", limit=1, window=60)
    clock.now += 60
    await limiter.hit("k", limit=1, window=60)
    with pytest.raises(RateLimitedError):
        await limiter.hit("k", limit=1, window=60)


async def test_keys_are_counted_separately(db: Database) -> None:
    limiter = RateLimiter(db)
    await limiter.hit("chat:ada", limit=1, window=60)
    await limiter.hit("chat:ben", limit=1, window=60)
    with pytest.raises(RateLimitedError):
        await limiter.hit("chat:ada", limit=1, window=60)


POLICY = LoginPolicy(free_attempts=2, base_delay=2, max_delay=8, window=300)


async def _attempt(db: Database, now: float, policy: LoginPolicy = POLICY) -> float | None:
    async with db.session() as session:
        return await ratelimits.take_login_attempt(session, "login:a:ada", policy, now)


async def test_login_attempts_are_free_then_wait_a_doubling_delay(db: Database) -> None:
    t = 1_000_000.0
    assert await _attempt(db, t) is None
    assert await _attempt(db, t) is None  # the second failure imposes 2 s
    assert await _attempt(db, t + 1) == t + 2
    assert await _attempt(db, t + 2) is None  # then 4 s
    assert await _attempt(db, t + 5) == t + 6
    assert await _attempt(db, t + 6) is None  # then 8 s, the most
    assert await _attempt(db, t + 14) is None  # still 8 s
    assert await _attempt(db, t + 21) == t + 22


async def test_concurrent_login_attempts_get_exactly_the_free_ones(db: Database) -> None:
    policy = LoginPolicy(free_attempts=3, base_delay=60, max_delay=600, window=300)
    outcomes = await asyncio.gather(*(_attempt(db, 1_000_000.0, policy) for _ in range(12)))
    assert outcomes.count(None) == 3


async def test_a_cleared_login_record_starts_free_again(db: Database) -> None:
    t = 1_000_000.0
    await _attempt(db, t)
    await _attempt(db, t)
    async with db.session() as session:
        await ratelimits.clear(session, "login:a:ada")
    assert await _attempt(db, t + 1) is None


async def test_failures_are_forgotten_a_window_after_the_last_attempt(db: Database) -> None:
    t = 1_000_000.0
    await _attempt(db, t)
    await _attempt(db, t)
    assert await _attempt(db, t + 300) is None
    assert await _attempt(db, t + 300) is None


async def test_the_sweep_deletes_only_counters_whose_window_and_block_passed(
    db: Database,
) -> None:
    t = 1_000_000.0
    async with db.session() as session:
        await ratelimits.count_hit(session, "old", 60, t)
        await ratelimits.count_hit(session, "current", 60, t + 100)
        blocked = LoginPolicy(free_attempts=1, base_delay=1000, max_delay=1000, window=10)
        await ratelimits.take_login_attempt(session, "blocked", blocked, t)
    async with db.session() as session:
        deleted = await ratelimits.sweep(session, t + 120)
    async with db.session() as session:
        keys = set((await session.exec(select(RateLimitBucket.key))).all())
    assert deleted == 1
    assert keys == {"current", "blocked"}
