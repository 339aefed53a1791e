"""A sliding-window rate limiter kept in process memory.

Counters are ephemeral by nature: losing them on restart is harmless, and with
several processes each one limits on its own (the effective limit is multiplied by
the number of processes).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from todochat.errors import RateLimitedError

# Past this many tracked keys, idle ones are dropped so memory stays bounded.
_MAX_KEYS = 100_000


class SlidingWindowLimiter:
    """At most `limit` events per key in any `window` seconds."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    def hit(self, key: str, message: str = "too many attempts, try again later") -> None:
        """Record an event for `key`; RateLimitedError if it is over the limit."""
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            retry_after = max(1, math.ceil(events[0] + self.window - now))
            raise RateLimitedError(message, retry_after)
        events.append(now)
        # A sweep is a full scan: at most one per window, even under a flood of keys.
        if len(self._events) > _MAX_KEYS and now >= self._next_sweep:
            self._forget_idle(now)
            self._next_sweep = now + self.window

    def reset(self, key: str) -> None:
        """Forget the events of `key`."""
        self._events.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]


class LoginLimits:
    """Sign-in attempts per account and per client address."""

    def __init__(self, per_account: int, per_address: int, window: float) -> None:
        self.per_account = SlidingWindowLimiter(per_account, window)
        self.per_address = SlidingWindowLimiter(per_address, window)

    def check(self, account: str, address: str) -> None:
        """RateLimitedError once either the account or the address is over its limit."""
        message = "too many login attempts, try again later"
        self.per_address.hit(address, message)
        self.per_account.hit(account, message)
