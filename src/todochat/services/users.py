"""Users: sign-up records, external identities, profiles."""

from __future__ import annotations

import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import ConflictError, InvalidInputError, NotFoundError
from todochat.models import User
from todochat.models.user import EMAIL_MAX_LENGTH, USER_ID_MAX_LENGTH
from todochat.services.limits import check_text
from todochat.services.persistence import insert_row

_EMAIL_PATTERN = re.compile(r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")
NAME_MAX_LENGTH = 100


def email_key(email: str) -> str:
    """The form an email is stored and compared in: trimmed, lower-cased."""
    return email.strip().lower()


def normalize_email(email: str) -> str:
    """The email trimmed and lower-cased; InvalidInputError if it is not an address."""
    cleaned = email_key(email)
    if len(cleaned) > EMAIL_MAX_LENGTH or not _EMAIL_PATTERN.match(cleaned):
        raise InvalidInputError("email is not a valid address", "email")
    return check_text(cleaned, "email")


def validate_timezone(name: str) -> str:
    """`name` if it is an IANA time zone ("Europe/Paris"); InvalidInputError otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInputError(f"unknown time zone '{name}'", "timezone") from exc
    return name


def _clean_name(name: str) -> str:
    cleaned = " ".join(check_text(name, "name").split())
    if len(cleaned) > NAME_MAX_LENGTH:
        raise InvalidInputError(f"name must be at most {NAME_MAX_LENGTH} characters", "name")
    return cleaned


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password_hash: str | None,
    name: str = "",
    timezone: str = "UTC",
) -> User:
    """A new local account with a fresh UUID; ConflictError if the email is taken."""
    user = User(
        id=str(uuid.uuid4()),
        email=normalize_email(email),
        password_hash=password_hash,
        name=_clean_name(name),
        timezone=validate_timezone(timezone),
    )
    try:
        # A savepoint: a taken email undoes this insert only, not the caller's work.
        async with session.begin_nested():
            return await insert_row(session, user)
    except IntegrityError as exc:
        raise ConflictError("an account with this email already exists") from exc


async def get_user(session: AsyncSession, user_id: str) -> User:
    """The user with this id; NotFoundError if there is none."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError("user not found")
    return user


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    """The user with this email (any case), or None."""
    cleaned = email_key(email)
    try:
        check_text(cleaned, "email")
    except InvalidInputError:
        # No stored email holds a NUL or a lone surrogate (and PostgreSQL refuses both).
        return None
    result = await session.exec(select(User).where(col(User.email) == cleaned))
    return result.first()


async def account_emails(session: AsyncSession, limit: int = 20) -> list[str]:
    """The emails of the accounts on this database, oldest first (for a person at the
    machine that holds it: `todochat chat` asks which one is theirs)."""
    found = await session.exec(
        select(User.email)
        .where(col(User.email).is_not(None))
        .order_by(col(User.created_at))
        .limit(limit)
    )
    return [email for email in found if email is not None]


async def provision_external_user(
    session: AsyncSession, user_id: str, *, email: str | None = None, name: str = ""
) -> User:
    """The user for an external identity (the token's `sub`), created on first sight.

    The email is kept when given and not already used by another account; callers pass
    only an email the identity provider has verified.
    """
    if not user_id or len(user_id) > USER_ID_MAX_LENGTH:
        raise InvalidInputError(
            f"external user id must be 1 to {USER_ID_MAX_LENGTH} characters", "sub"
        )
    check_text(user_id, "sub")
    existing = await session.get(User, user_id)
    if existing is not None:
        return existing
    clean_email: str | None = None
    if email:
        try:
            clean_email = normalize_email(email)
        except InvalidInputError:
            clean_email = None
        if clean_email and await find_user_by_email(session, clean_email) is not None:
            clean_email = None
    # The provider's display name is kept as far as it fits, never refused.
    # NULs and lone surrogates are dropped: no database can store them.
    printable = name.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")
    display_name = " ".join(printable.split())[:NAME_MAX_LENGTH]
    user = User(id=user_id, email=clean_email, password_hash=None, name=display_name)
    try:
        # A savepoint: a collision undoes this insert only, not the request's work.
        async with session.begin_nested():
            return await insert_row(session, user)
    except IntegrityError:
        # Another request provisioned the same identity first: use theirs.
        return await get_user(session, user_id)


async def update_profile(
    session: AsyncSession,
    user_id: str,
    *,
    name: str | None = None,
    timezone: str | None = None,
) -> User:
    """Change the user's own name and/or time zone."""
    values: dict[str, str] = {}
    if name is not None:
        values["name"] = _clean_name(name)
    if timezone is not None:
        values["timezone"] = validate_timezone(timezone)
    if not values:
        return await get_user(session, user_id)
    return await _update_returning(session, user_id, dict(values))


async def _update_returning(session: AsyncSession, user_id: str, values: dict[str, Any]) -> User:
    """UPDATE the user's row with `values`; the row as stored."""
    statement = (
        update(User)
        .where(col(User.id) == user_id)
        .values(values)
        .returning(User)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    user: User | None = (await session.exec(statement)).scalar_one_or_none()
    if user is None:
        raise NotFoundError("user not found")
    return user


async def bump_token_version(session: AsyncSession, user_id: str) -> User:
    """Move the user's token version on (in one statement, so that two sign-outs at
    once both count): every token issued before stops working."""
    return await _update_returning(session, user_id, {"token_version": col(User.token_version) + 1})


async def set_password(session: AsyncSession, user_id: str, password_hash: str) -> User:
    """Store a new password hash and revoke every token issued with the old one."""
    return await _update_returning(
        session,
        user_id,
        {"password_hash": password_hash, "token_version": col(User.token_version) + 1},
    )
