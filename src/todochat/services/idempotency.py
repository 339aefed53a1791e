"""Idempotency keys: a POST sent again with the same `Idempotency-Key` gets the first
answer back instead of doing the work twice.

A key is claimed by inserting its row (with no response yet) in the same transaction
as the work, and the response is written to that row before the transaction commits:
a crash before the commit leaves neither the work nor the key, a crash after it leaves
both, so a client retrying after a timeout always finds what happened. A second request
with the same key waits on the first one's row (the unique index on PostgreSQL, the
write lock on SQLite) and then replays its answer. A chat turn spans several
transactions: its key is claimed (pending) in the first and answered in the last, and
a request that meets a pending key is told to retry later (409).

Keys are per user, live 24 hours, and are swept a few at a time whenever a key is used.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import ConflictError, InvalidInputError
from todochat.models import IdempotencyKey
from todochat.models.idempotency import IDEMPOTENCY_KEY_MAX_LENGTH

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Table

KEY_LIFETIME = timedelta(hours=24)
# A key claimed by a chat turn that never answered (its process died) is given up
# after this long, so that a retry can run the turn again.
PENDING_LIFETIME = timedelta(minutes=5)
# How many expired keys one use sweeps away at most: the sweep stays cheap.
SWEEP_BATCH = 50
# What a client told to wait for a running request should wait, in seconds.
PENDING_RETRY_AFTER = 2
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyKeyInUseError(ConflictError):
    """The request that first sent this key is still running; try again shortly."""

    code = "idempotency_key_in_use"

    def __init__(self) -> None:
        super().__init__(
            "a request with this Idempotency-Key is still running; retry shortly",
            {"retry_after": PENDING_RETRY_AFTER},
        )
        self.retry_after = PENDING_RETRY_AFTER


class IdempotencyKeyReusedError(InvalidInputError):
    """The key was first sent with another request (method, path or body)."""

    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was already used for a different request", HEADER)


def check_key(key: str) -> str:
    """The key if it is 1 to 255 printable ASCII characters; InvalidInputError otherwise."""
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidInputError(
            f"{HEADER} must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters", HEADER
        )
    if not all(" " <= char <= "~" for char in key):
        raise InvalidInputError(f"{HEADER} must be printable ASCII", HEADER)
    return key


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What identifies a request: its method, path and a hash of its body's bytes."""
    digest = hashlib.sha256(body).hexdigest()
    head = f"{method.upper()} {path}"
    # The path is bounded by the server's routes; keep the column bounded all the same.
    if len(head) > 60:
        head = head[:24] + "…" + hashlib.sha256(head.encode()).hexdigest()[:32]
    return f"{head} {digest}"


@dataclass(frozen=True)
class IdempotentRequest:
    """A request that carries a key: the key and the request's fingerprint."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class Claim:
    """The key is this request's: its row, to `record` the answer on."""

    id: uuid.UUID


@dataclass(frozen=True)
class StoredResponse:
    """The first answer to a key: its status and JSON body."""

    status_code: int
    body: Any


async def claim(
    session: AsyncSession, user_id: str, request: IdempotentRequest
) -> Claim | StoredResponse:
    """Claim the key for this request, in the caller's transaction: a Claim when the
    work is this request's to do (then `record` its answer in the same transaction),
    or the first answer to replay. IdempotencyKeyReusedError if the key came with
    another request, IdempotencyKeyInUseError while the first is still running."""
    await _sweep(session, user_id)
    claimed = await _insert(session, user_id, request)
    if claimed is not None:
        return claimed
    # Taken: the insert waited for the transaction that took it, which has committed
    # (a rolled-back one leaves the key free, and the insert succeeds).
    row = (
        await session.exec(
            select(
                col(IdempotencyKey.id),
                col(IdempotencyKey.fingerprint),
                col(IdempotencyKey.status_code),
                col(IdempotencyKey.response_body),
            ).where(col(IdempotencyKey.user_id) == user_id, col(IdempotencyKey.key) == request.key)
        )
    ).first()
    if row is None:  # swept meanwhile by another request: practically never
        raise IdempotencyKeyInUseError()
    row_id, stored_fingerprint, status_code, response_body = row
    if await _forget_if_stale(session, user_id, row_id):
        # Expired, or given up by a turn that never answered: the key is free again.
        claimed = await _insert(session, user_id, request)
        if claimed is None:
            raise IdempotencyKeyInUseError()
        return claimed
    if stored_fingerprint != request.fingerprint:
        raise IdempotencyKeyReusedError()
    if status_code is None or response_body is None:
        raise IdempotencyKeyInUseError()
    return StoredResponse(status_code, json.loads(response_body))


async def _insert(session: AsyncSession, user_id: str, request: IdempotentRequest) -> Claim | None:
    """The key's row inserted (pending), or None if the user has that key already."""
    table = cast("Table", IdempotencyKey.__table__)  # type: ignore[attr-defined]
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(user_id=user_id, key=request.key, fingerprint=request.fingerprint)
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(table.c.id)
    )
    claimed = (await session.exec(statement)).first()
    return Claim(claimed[0]) if claimed is not None else None


async def record(
    session: AsyncSession, user_id: str, claim: Claim, status_code: int, body: Any
) -> None:
    """Store the answer to a claimed key, in the transaction that did the work. By the
    claim's row, and only while pending: a turn that outlived its claim (given up,
    claimed again by a retry) does not overwrite the retry's answer."""
    await session.exec(
        update(IdempotencyKey)
        .where(
            col(IdempotencyKey.user_id) == user_id,
            col(IdempotencyKey.id) == claim.id,
            col(IdempotencyKey.status_code).is_(None),
        )
        .values(status_code=status_code, response_body=json.dumps(body, default=str))
        .execution_options(synchronize_session=False)
    )


def _stale_conditions() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(expired, stale): a key past its lifetime; that, or a claim given up."""
    # The application's clock: one bound value that works on both backends' columns.
    now = datetime.now(UTC)
    expired = col(IdempotencyKey.created_at) < now - KEY_LIFETIME
    abandoned = and_(
        col(IdempotencyKey.status_code).is_(None),
        col(IdempotencyKey.created_at) < now - PENDING_LIFETIME,
    )
    return expired, or_(expired, abandoned)


async def _forget_if_stale(session: AsyncSession, user_id: str, row_id: uuid.UUID) -> bool:
    """Delete the key's row if it has expired or its claim was given up; whether it
    was."""
    _expired, stale = _stale_conditions()
    deleted = await session.exec(
        delete(IdempotencyKey)
        .where(col(IdempotencyKey.user_id) == user_id, col(IdempotencyKey.id) == row_id, stale)
        .execution_options(synchronize_session=False)
    )
    return bool(deleted.rowcount)


async def _sweep(session: AsyncSession, user_id: str) -> None:
    """Forget a bounded batch of this user's expired keys."""
    expired, _stale = _stale_conditions()
    # SKIP LOCKED (PostgreSQL; SQLite runs one writer at a time): two sweeps at once
    # take different rows instead of waiting on, or deadlocking with, each other.
    batch = (
        select(col(IdempotencyKey.id))
        .where(col(IdempotencyKey.user_id) == user_id, expired)
        .limit(SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )
    await session.exec(
        delete(IdempotencyKey)
        .where(col(IdempotencyKey.id).in_(batch.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
