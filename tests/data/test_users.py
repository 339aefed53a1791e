"""Users: sign-up records, external identities, profiles."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import ConflictError, InvalidInputError, NotFoundError
from todochat.models import User
from todochat.services import users

from .support import count_rows, delete_user_row, rejected


async def test_new_user_gets_a_uuid_id_and_defaults(session: AsyncSession) -> None:
    user = await users.create_user(session, email="carol@example.com", password_hash=None)

    assert uuid.UUID(user.id)
    assert (user.timezone, user.task_seq, user.name) == ("UTC", 0, "")


async def test_email_is_stored_trimmed_and_lower_cased(session: AsyncSession) -> None:
    user = await users.create_user(session, email="  Carol@Example.COM ", password_hash=None)

    assert user.email == "carol@example.com"


async def test_duplicate_email_is_a_conflict_whatever_its_case(
    session: AsyncSession, alice: User
) -> None:
    await rejected(
        session,
        ConflictError,
        users.create_user(session, email="ALICE@example.com", password_hash=None),
    )

    assert await count_rows(session, "users") == 1


@pytest.mark.parametrize(
    "email", ["", "   ", "carol", "carol@", "@example.com", "carol@example", "ca rol@example.com"]
)
async def test_invalid_email_is_rejected_and_nothing_written(
    session: AsyncSession, email: str
) -> None:
    error = await rejected(
        session, InvalidInputError, users.create_user(session, email=email, password_hash=None)
    )

    assert error.field == "email"
    assert await count_rows(session, "users") == 0


async def test_unknown_timezone_is_rejected_on_create(session: AsyncSession) -> None:
    error = await rejected(
        session,
        InvalidInputError,
        users.create_user(
            session, email="carol@example.com", password_hash=None, timezone="Mars/Olympus"
        ),
    )

    assert error.field == "timezone"
    assert await count_rows(session, "users") == 0


async def test_unknown_timezone_is_rejected_on_update_and_profile_unchanged(
    session: AsyncSession, alice: User
) -> None:
    error = await rejected(
        session, InvalidInputError, users.update_profile(session, alice.id, timezone="Not/AZone")
    )

    assert error.field == "timezone"
    assert (await users.get_user(session, alice.id)).timezone == "UTC"


async def test_update_profile_changes_name_and_timezone(session: AsyncSession, alice: User) -> None:
    await users.update_profile(session, alice.id, name="  Alice   Liddell ", timezone="Asia/Tokyo")

    stored = await users.get_user(session, alice.id)
    assert (stored.name, stored.timezone) == ("Alice Liddell", "Asia/Tokyo")


async def test_name_longer_than_100_characters_is_rejected(session: AsyncSession) -> None:
    await rejected(
        session,
        InvalidInputError,
        users.create_user(session, email="carol@example.com", password_hash=None, name="n" * 101),
    )

    assert await count_rows(session, "users") == 0


async def test_get_user_with_unknown_id_is_not_found(session: AsyncSession) -> None:
    await rejected(session, NotFoundError, users.get_user(session, str(uuid.uuid4())))


async def test_find_user_by_email_ignores_case(session: AsyncSession, alice: User) -> None:
    found = await users.find_user_by_email(session, " Alice@EXAMPLE.com")

    assert found is not None
    assert found.id == alice.id


async def test_find_user_by_unknown_email_is_none(session: AsyncSession, alice: User) -> None:
    assert await users.find_user_by_email(session, "nobody@example.com") is None


async def test_external_identity_is_provisioned_once(session: AsyncSession) -> None:
    first = await users.provision_external_user(
        session, "oidc|42", email="Dana@Example.com", name="Dana"
    )
    again = await users.provision_external_user(session, "oidc|42", email="dana@example.com")

    assert first.id == again.id == "oidc|42"
    assert first.email == "dana@example.com"
    assert first.password_hash is None
    assert await count_rows(session, "users") == 1


async def test_external_identity_does_not_take_an_email_already_used(
    session: AsyncSession, alice: User
) -> None:
    user = await users.provision_external_user(session, "oidc|7", email="alice@example.com")

    assert user.email is None
    assert (await users.get_user(session, alice.id)).email == "alice@example.com"


@pytest.mark.parametrize("subject", ["", "x" * 65])
async def test_external_identity_id_must_be_1_to_64_characters(
    session: AsyncSession, subject: str
) -> None:
    await rejected(session, InvalidInputError, users.provision_external_user(session, subject))

    assert await count_rows(session, "users") == 0


async def test_deleted_user_is_not_found(session: AsyncSession, alice: User) -> None:
    await delete_user_row(session, alice.id)

    await rejected(session, NotFoundError, users.get_user(session, alice.id))


async def test_a_providers_long_display_name_is_kept_as_far_as_it_fits(
    session: AsyncSession,
) -> None:
    name = "Dana\x00 " + "x" * 300
    user = await users.provision_external_user(session, "oidc|99", name=name)
    assert user.name == ("Dana " + "x" * 300)[: users.NAME_MAX_LENGTH]
