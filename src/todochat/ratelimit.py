"""Rate limits shared by every process on one database.

Each check is one short unit of work of its own (`services.ratelimits`), committed
before the limited work starts: a refused request rolls back its own transaction,
and that must not undo the count. Windows are fixed (opened by a key's first hit),
so at most `limit` events pass per window across all workers.

Times come from this process's clock (epoch seconds): several machines on one
database should keep their clocks in sync (NTP), as they must for tokens anyway.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.db import Database
from todochat.errors import RateLimitedError
from todochat.services import ratelimits
from todochat.services.ratelimits import LoginPolicy

# Stale counters are swept at most this often by each process.
_SWEEP_EVERY_SECONDS = 60.0


def _retry_after(until: float, now: float) -> int:
    return max(1, math.ceil(until - now))


class RateLimiter:
    """Fixed-window counters kept in the database."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self._clock = clock
        self._next_sweep = 0.0

    async def hit(
        self,
        key: str,
        limit: int,
        window: float,
        message: str = "too many attempts, try again later",
    ) -> None:
        """Count one event for `key`; RateLimitedError (with the seconds until the
        window ends) once more than `limit` happened in the window."""
        now = self._clock()
        async with self.database.session() as session:
            count = await ratelimits.count_hit(session, key, window, now)
        await self._maybe_sweep(now)
        if count.hits > limit:
            raise RateLimitedError(message, _retry_after(count.resets_at, now))

    async def take_login_attempt(self, key: str, policy: LoginPolicy, message: str) -> None:
        """Reserve a sign-in attempt for `key`; RateLimitedError while it must wait."""
        now = self._clock()
        async with self.database.session() as session:
            blocked_until = await ratelimits.take_login_attempt(session, key, policy, now)
        if blocked_until is not None:
            raise RateLimitedError(message, _retry_after(blocked_until, now))

    async def clear(self, key: str) -> None:
        """Forget the events of `key`."""
        async with self.database.session() as session:
            await ratelimits.clear(session, key)

    async def _maybe_sweep(self, now: float) -> None:
        # Keeps the table bounded by the keys active in the last window or so.
        if now < self._next_sweep:
            return
        self._next_sweep = now + _SWEEP_EVERY_SECONDS
        async with self.database.session() as session:
            await ratelimits.sweep(session, now)


class LoginLimits:
    """Sign-in throttling: per (account, address), a growing delay after a few
    failures; per address, a generous cap on attempts of any kind.

    Keying the delay by account *and* address means that someone else's wrong
    passwords, from elsewhere, never lock the owner out.
    """

    _MESSAGE = "too many login attempts, try again later"

    def __init__(
        self, limiter: RateLimiter, policy: LoginPolicy, per_address: int, window: float
    ) -> None:
        self.limiter = limiter
        self.policy = policy
        self.per_address = per_address
        self.window = window

    @staticmethod
    def _key(account: str, address: str) -> str:
        # The account as typed may hold anything (NUL, lone surrogates) that a
        # database refuses to store: keep a digest of it instead.
        digest = hashlib.sha256(account.encode("utf-8", "surrogatepass")).hexdigest()
        return f"login:{address}:{digest}"

    async def check(self, account: str, address: str) -> None:
        """Reserve an attempt; RateLimitedError while the address is over its cap or
        this account must still wait after its last failures from this address."""
        await self.limiter.hit(
            f"login-address:{address}", self.per_address, self.window, self._MESSAGE
        )
        await self.limiter.take_login_attempt(
            self._key(account, address), self.policy, self._MESSAGE
        )

    async def succeeded(self, session: AsyncSession, account: str, address: str) -> None:
        """The password was right: its failures from this address are forgotten, in
        the request's own unit of work (on SQLite, a second one would wait for the
        first's write lock)."""
        await ratelimits.clear(session, self._key(account, address))
