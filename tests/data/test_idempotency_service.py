"""The idempotency service on each database: claims, answers, and a claim given up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from todochat.db import Database
from todochat.models import IdempotencyKey, User
from todochat.services import idempotency
from todochat.services.idempotency import (
    Claim,
    IdempotencyKeyInUseError,
    IdempotentRequest,
    StoredResponse,
)

REQUEST = IdempotentRequest("k", idempotency.fingerprint("POST", "/api/x/chat", b"{}"))


async def claim(db: Database, user: User) -> Claim | StoredResponse:
    async with db.session() as session:
        return await idempotency.claim(session, user.id, REQUEST)


async def test_a_pending_claim_refuses_a_second_one(db: Database, alice: User) -> None:
    assert isinstance(await claim(db, alice), Claim)

    with pytest.raises(IdempotencyKeyInUseError):
        await claim(db, alice)


async def test_a_recorded_answer_is_replayed(db: Database, alice: User) -> None:
    first = await claim(db, alice)
    assert isinstance(first, Claim)
    async with db.session() as session:
        await idempotency.record(session, alice.id, first, 201, {"id": 1})

    assert await claim(db, alice) == StoredResponse(201, {"id": 1})


async def test_a_turn_that_outlived_its_claim_does_not_overwrite_the_retrys_answer(
    db: Database, alice: User
) -> None:
    slow = await claim(db, alice)
    assert isinstance(slow, Claim)
    async with db.session() as session:
        await session.exec(
            update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(minutes=6))
        )
    retry = await claim(db, alice)
    assert isinstance(retry, Claim)

    async with db.session() as session:
        await idempotency.record(session, alice.id, slow, 200, {"from": "slow"})
        await idempotency.record(session, alice.id, retry, 200, {"from": "retry"})

    assert await claim(db, alice) == StoredResponse(200, {"from": "retry"})


async def test_claims_are_per_user(db: Database, alice: User, bob: User) -> None:
    assert isinstance(await claim(db, alice), Claim)
    assert isinstance(await claim(db, bob), Claim)
