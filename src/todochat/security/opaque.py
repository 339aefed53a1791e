"""Opaque tokens: random strings with a recognisable prefix, kept only as digests.

Personal access tokens, OAuth codes and tokens, and calendar feed addresses are opaque
(not JWTs): the database row is the token's truth, so revoking is deleting. The prefix
tells the server which table to look in, and lets secret scanners recognise a leaked
token."""

from __future__ import annotations

import hashlib
import secrets

# Prefixes, not secrets.
PERSONAL_ACCESS_TOKEN_PREFIX = "todochat_pat_"  # noqa: S105
OAUTH_ACCESS_TOKEN_PREFIX = "todochat_oat_"  # noqa: S105
OAUTH_REFRESH_TOKEN_PREFIX = "todochat_ort_"  # noqa: S105
OAUTH_CODE_PREFIX = "todochat_code_"
CALENDAR_FEED_PREFIX = "todochat_cal_"
# 32 random bytes: 256 bits, far beyond guessing.
TOKEN_BYTES = 32


def new_token(prefix: str) -> str:
    """A fresh random token with `prefix`."""
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256 digest in hex. A plain hash is
    enough (no salt, no work factor): the token is random, not a password."""
    return hashlib.sha256(token.encode()).hexdigest()
