"""Accounts and tokens: register, log in, who am I."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field

from todochat.api.deps import (
    CurrentUser,
    SessionDep,
    SignedInIdentity,
    SignedInUser,
    runtime_of,
)
from todochat.api.schemas import BODY_ERRORS, UNAVAILABLE, error_responses
from todochat.models import User
from todochat.models.user import EMAIL_MAX_LENGTH, TIMEZONE_MAX_LENGTH
from todochat.services import auth, users

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=UNAVAILABLE)

_UNAUTHORIZED = error_responses(e401="No token, or a token that proves nothing")
# Personal access tokens may read who they act for (GET /me) but not manage the
# account: the profile (its time zone decides what "today" means), the password and
# signing out everywhere need a sign-in. A leaked token must not be able to lock its
# owner out or sign them out of every device; and signing out everywhere would not
# even revoke the personal access token it was sent with.
_SIGNED_IN = error_responses(
    e401="No token, or a token that proves nothing",
    e403="A personal access token cannot manage the account",
)
_INVALID = error_responses(e422="Invalid input")
# Sign-in attempts: wrong credentials, and too many of them.
_SIGN_IN = error_responses(
    e401="Wrong email or password", e429="Too many attempts for this account or address"
)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str | None
    name: str
    timezone: str
    created_at: datetime | None


class RegisterIn(BaseModel):
    email: str = Field(max_length=EMAIL_MAX_LENGTH, examples=["ada@example.com"])
    password: str = Field(max_length=auth.PASSWORD_MAX_LENGTH)
    name: str = Field(default="", max_length=users.NAME_MAX_LENGTH)
    timezone: str = Field(default="UTC", max_length=TIMEZONE_MAX_LENGTH, examples=["Europe/Paris"])


class LoginIn(BaseModel):
    email: str = Field(max_length=EMAIL_MAX_LENGTH)
    password: str = Field(max_length=auth.PASSWORD_MAX_LENGTH)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int
    user: UserOut


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=auth.PASSWORD_MAX_LENGTH)
    new_password: str = Field(max_length=auth.PASSWORD_MAX_LENGTH)


class ProfileIn(BaseModel):
    name: str | None = Field(default=None, max_length=users.NAME_MAX_LENGTH)
    timezone: str | None = Field(default=None, max_length=TIMEZONE_MAX_LENGTH)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _token_for(request: Request, user: User) -> TokenOut:
    token, lifetime = runtime_of(request).tokens.issue(user.id, user.token_version)
    return TokenOut(access_token=token, expires_in=lifetime, user=UserOut.model_validate(user))


async def sign_in(request: Request, session: SessionDep, email: str, password: str) -> User:
    """The account with this email and password, throttled per account and address
    (the sign-in routes and the OAuth consent page share it)."""
    limits = runtime_of(request).login_limits
    account, address = users.email_key(email), _client_address(request)
    await limits.check(account, address)
    user = await auth.authenticate(session, email=email, password=password)
    await limits.succeeded(session, account, address)
    return user


@router.post(
    "/register",
    status_code=201,
    responses={
        **BODY_ERRORS,
        **error_responses(
            e409="An account with this email exists",
            e429="Too many sign-ups from this address",
        ),
        **_INVALID,
    },
)
async def register(body: RegisterIn, request: Request, session: SessionDep) -> TokenOut:
    """Create an account and return an access token for it."""
    runtime = runtime_of(request)
    await runtime.limiter.hit(
        f"register:{_client_address(request)}",
        runtime.settings.registrations_per_address,
        runtime.settings.registration_window_seconds,
        "too many sign-ups from this address, try again later",
    )
    user = await auth.register(
        session,
        email=body.email,
        password=body.password,
        name=body.name,
        timezone=body.timezone,
        password_min_length=runtime.settings.password_min_length,
    )
    return _token_for(request, user)


@router.post("/login", responses={**BODY_ERRORS, **_SIGN_IN, **_INVALID})
async def login(body: LoginIn, request: Request, session: SessionDep) -> TokenOut:
    """Exchange email and password for an access token."""
    user = await sign_in(request, session, body.email, body.password)
    return _token_for(request, user)


@router.post("/token", responses={**BODY_ERRORS, **_SIGN_IN, **_INVALID})
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
) -> TokenOut:
    """The OAuth2 password flow (the email goes in `username`), for /docs."""
    user = await sign_in(request, session, form.username, form.password)
    return _token_for(request, user)


@router.get("/me", responses=_UNAUTHORIZED)
async def me(user: CurrentUser) -> UserOut:
    """The authenticated user."""
    return UserOut.model_validate(user)


@router.patch("/me", responses={**BODY_ERRORS, **_SIGNED_IN, **_INVALID})
async def update_me(body: ProfileIn, user: SignedInUser, session: SessionDep) -> UserOut:
    """Change your name or time zone (which decides what "today" means)."""
    updated = await users.update_profile(session, user.id, name=body.name, timezone=body.timezone)
    return UserOut.model_validate(updated)


@router.post("/logout", status_code=204, responses=_SIGNED_IN)
async def logout(user: SignedInUser, session: SessionDep) -> Response:
    """Sign out everywhere: every token this server issued you so far (on any device,
    REST and MCP alike) stops working. Tokens from an external provider are not
    affected: sign out there."""
    await auth.revoke_tokens(session, user.id)
    return Response(status_code=204)


@router.post(
    "/password",
    responses={
        **BODY_ERRORS,
        **error_responses(
            e401="No token, or a token that proves nothing",
            e403="The current password is incorrect, or the token is a personal access token",
            e429="Too many attempts for this account or address",
        ),
        **_INVALID,
    },
)
async def change_password(
    body: PasswordChangeIn, identity: SignedInIdentity, request: Request, session: SessionDep
) -> TokenOut:
    """Change your password (the current one is required). Every token issued so far
    stops working; the answer carries a fresh one."""
    runtime = runtime_of(request)
    # Guessing the current password through this route counts as login attempts,
    # counted before this request's own transaction starts (on SQLite the count's
    # transaction would otherwise wait for this one's write lock).
    account = f"user:{identity.subject}"
    address = _client_address(request)
    await runtime.login_limits.check(account, address)
    user = await auth.user_for_identity(session, identity)
    updated = await auth.change_password(
        session,
        user,
        current_password=body.current_password,
        new_password=body.new_password,
        password_min_length=runtime.settings.password_min_length,
    )
    await runtime.login_limits.succeeded(session, account, address)
    return _token_for(request, updated)
