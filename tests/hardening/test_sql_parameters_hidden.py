"""Database errors never carry the statement's bound parameters (message text, titles,
password hashes), since errors end up in the logs."""

from __future__ import annotations

import traceback
import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from todochat.db import Database
from todochat.models import User
from todochat.services.persistence import insert_row

# PostgreSQL refuses what SQLite stores: the rule must hold on both.
pytestmark = pytest.mark.both_databases

SECRET = "hunter2-SECRET-HASH-5f0c"


async def test_a_constraint_violation_does_not_show_the_bound_parameters(
    db: Database, alice: User
) -> None:
    duplicate = User(
        id=str(uuid.uuid4()), email=alice.email, password_hash=SECRET, name=f"name {SECRET}"
    )
    with pytest.raises(IntegrityError) as raised:
        async with db.session() as session:
            await insert_row(session, duplicate)

    # What a logged traceback shows: the error and every exception chained to it.
    logged = "".join(traceback.format_exception(raised.value))
    assert SECRET not in logged
    assert "hidden" in str(raised.value)  # "[SQL parameters hidden due to hide_parameters=True]"
