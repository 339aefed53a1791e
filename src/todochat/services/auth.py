"""Accounts: sign-up, sign-in, and turning a verified token into a user."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import (
    AuthenticationError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from todochat.models import User
from todochat.security.passwords import hash_password_async, verify_password_async
from todochat.security.tokens import TokenIdentity
from todochat.services import oauth, users

PASSWORD_MAX_LENGTH = 256
PASSWORD_MIN_LENGTH = 8
WRONG_CREDENTIALS = "email or password is incorrect"


def check_password_strength(password: str, minimum: int = PASSWORD_MIN_LENGTH) -> None:
    """InvalidInputError unless the password has a sensible length."""
    if len(password) < minimum:
        raise InvalidInputError(f"password must be at least {minimum} characters", "password")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidInputError(
            f"password must be at most {PASSWORD_MAX_LENGTH} characters", "password"
        )


async def register(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    name: str = "",
    timezone: str = "UTC",
    password_min_length: int = PASSWORD_MIN_LENGTH,
) -> User:
    """A new local account; ConflictError if the email is taken."""
    users.normalize_email(email)
    users.validate_timezone(timezone)
    check_password_strength(password, password_min_length)
    # argon2 is deliberately slow and memory-hungry: off the event loop, bounded.
    password_hash = await hash_password_async(password)
    return await users.create_user(
        session, email=email, password_hash=password_hash, name=name, timezone=timezone
    )


async def authenticate(session: AsyncSession, *, email: str, password: str) -> User:
    """The account these credentials open; the same AuthenticationError for an unknown
    email and a wrong password."""
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AuthenticationError(WRONG_CREDENTIALS)
    user = await users.find_user_by_email(session, email)
    password_hash = user.password_hash if user is not None else None
    matches = await verify_password_async(password_hash, password)
    if user is None or not matches:
        raise AuthenticationError(WRONG_CREDENTIALS)
    return user


def check_token_version(user: User, version: int | None) -> None:
    """AuthenticationError if an own token was issued before the user's last sign-out
    or password change (its `ver` is older than the user's token_version)."""
    if version is not None and version < user.token_version:
        raise AuthenticationError("the token has been revoked: sign in again")


async def revoke_tokens(session: AsyncSession, user_id: str) -> User:
    """Sign out everywhere: every own token issued so far stops working (the user's
    token_version moves on), and so does every application connected over OAuth.
    External providers' tokens and personal access tokens are not affected."""
    await oauth.revoke_user_grants(session, user_id)
    return await users.bump_token_version(session, user_id)


async def change_password(
    session: AsyncSession,
    user: User,
    *,
    current_password: str,
    new_password: str,
    password_min_length: int = PASSWORD_MIN_LENGTH,
) -> User:
    """Set a new password once the current one is proven, and revoke every token
    issued so far. ForbiddenError (403, not 401: the token itself is fine) for a wrong
    current password, or an account without one (external identities)."""
    if user.password_hash is None or len(current_password) > PASSWORD_MAX_LENGTH:
        raise ForbiddenError("the current password is incorrect")
    if not await verify_password_async(user.password_hash, current_password):
        raise ForbiddenError("the current password is incorrect")
    check_password_strength(new_password, password_min_length)
    password_hash = await hash_password_async(new_password)
    await oauth.revoke_user_grants(session, user.id)
    return await users.set_password(session, user.id, password_hash)


async def user_for_identity(session: AsyncSession, identity: TokenIdentity) -> User:
    """The user a verified token speaks for; external identities are provisioned on
    first sight. AuthenticationError for a deleted user."""
    if not identity.external:
        try:
            user = await users.get_user(session, identity.subject)
        except NotFoundError as exc:
            raise AuthenticationError("the token's user no longer exists") from exc
        check_token_version(user, identity.version)
        return user
    try:
        # An email the provider has not verified is not attached: anyone can claim one
        # at most providers, and it would block (or later match) its real owner.
        user = await users.provision_external_user(
            session,
            identity.subject,
            email=identity.email if identity.email_verified else None,
            name=identity.name or "",
        )
    except InvalidInputError as exc:  # a `sub` no account id can hold
        raise AuthenticationError(f"token subject is not usable: {exc.message}") from exc
    if user.password_hash is not None:
        # A provider's `sub` must never take over a local password account.
        raise AuthenticationError("token subject belongs to a local account")
    return user
