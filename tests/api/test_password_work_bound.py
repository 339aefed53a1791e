"""Argon2 holds 64 MiB per hash while it runs: a burst of sign-ups queues behind a
bound of concurrent hashes instead of growing the process's memory with the burst."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from todochat.security import passwords


class CountingHasher:
    """Stands in for argon2: records how many hashes run at the same moment."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def _work(self) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)  # long enough for the others to pile up, if they could
        with self.lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._work()
        return f"hashed:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self._work()
        return password_hash == f"hashed:{password}"


async def test_a_burst_of_hashes_runs_at_most_the_bound_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    hashes = await asyncio.gather(
        *(passwords.hash_password_async(f"password{n}") for n in range(8)),
        *(passwords.verify_password_async("hashed:x", "x") for _ in range(8)),
    )
    assert hasher.most == passwords.MAX_CONCURRENT_HASHES == 2
    assert hashes[:8] == [f"hashed:password{n}" for n in range(8)]
    assert all(hashes[8:])
