"""Password hashing with argon2id."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the account does not exist, so that an unknown email costs
# as much time as a wrong password and the two cannot be told apart.
_DUMMY_HASH = _hasher.hash("todochat-no-such-account")


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; False for a missing hash (after the same work)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


# Each argon2 hash holds its memory cost (64 MiB) while it runs: a burst of sign-ups
# or logins must queue here, not run all at once (RSS would grow with the burst).
# A private pool rather than a semaphore: it belongs to no event loop.
MAX_CONCURRENT_HASHES = 2
_hashing = ThreadPoolExecutor(max_workers=MAX_CONCURRENT_HASHES, thread_name_prefix="argon2")


async def hash_password_async(password: str) -> str:
    """`hash_password` off the event loop, at most MAX_CONCURRENT_HASHES at a time."""
    return await asyncio.get_running_loop().run_in_executor(_hashing, hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """`verify_password` off the event loop, at most MAX_CONCURRENT_HASHES at a time."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hashing, verify_password, password_hash, password)
