"""Personal access tokens over HTTP: list, create (the token is shown once), revoke.

Managing tokens needs a sign-in token: a request authenticated by a personal access
token gets 403 here, so that a leaked token cannot mint more of itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from todochat.api.deps import SessionDep, SignedInPathUser
from todochat.api.schemas import BODY_ERRORS, ERROR_RESPONSES, error_responses
from todochat.models import PersonalAccessToken, User
from todochat.security import scopes as scope_names
from todochat.services import access_tokens
from todochat.services.dates import in_timezone

router = APIRouter(
    prefix="/api/{user_id}/tokens",
    tags=["access tokens"],
    responses={
        **ERROR_RESPONSES,
        **error_responses(
            e403="The path names another user, or the request was authenticated by a "
            "personal access token (tokens are managed with a sign-in token)"
        ),
    },
)

TokenId = Annotated[uuid.UUID, Path(description="The token's id (from the list).")]


class AccessTokenOut(BaseModel):
    """A personal access token as listed: never the token itself."""

    id: uuid.UUID
    name: str
    scopes: list[str] = Field(examples=[list(scope_names.ALL)])
    hint: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: datetime | None
    last_used_at: datetime | None = Field(description="Recorded to within a minute.")
    expires_at: datetime | None = Field(description="Null: the token does not expire.")

    @classmethod
    def of(cls, row: PersonalAccessToken, user: User) -> AccessTokenOut:
        """The token with its times shown in the user's time zone."""
        zone = user.timezone
        return cls(
            id=row.id,
            name=row.name,
            scopes=list(scope_names.parse_scopes(row.scopes)),
            hint=row.hint,
            created_at=in_timezone(row.created_at, zone),
            last_used_at=in_timezone(row.last_used_at, zone),
            expires_at=in_timezone(row.expires_at, zone),
        )


class CreatedAccessTokenOut(AccessTokenOut):
    """A new token, with its text: shown this once, never again."""

    token: str = Field(description="Send as `Authorization: Bearer <token>`. Shown once.")


class AccessTokenIn(BaseModel):
    name: str = Field(max_length=1000, examples=["Claude Desktop"])
    scopes: list[str] | None = Field(
        default=None,
        max_length=len(scope_names.ALL) * 2,
        description=f"Any of {', '.join(scope_names.ALL)}; omit for both.",
        examples=[[scope_names.READ]],
    )
    expires_in_days: int | None = Field(
        default=None,
        description=f"{access_tokens.EXPIRY_MIN_DAYS} to {access_tokens.EXPIRY_MAX_DAYS}; "
        "omit or null for a token that does not expire.",
    )


@router.get("")
async def list_tokens(user: SignedInPathUser, session: SessionDep) -> list[AccessTokenOut]:
    """Your personal access tokens, newest first."""
    rows = await access_tokens.list_tokens(session, user.id)
    return [AccessTokenOut.of(row, user) for row in rows]


@router.post(
    "",
    status_code=201,
    responses={**BODY_ERRORS, **error_responses(e409="You have the most tokens allowed")},
)
async def create_token(
    body: AccessTokenIn, user: SignedInPathUser, session: SessionDep
) -> CreatedAccessTokenOut:
    """Make a personal access token for a script or an MCP client. The answer holds the
    token itself: copy it now, it is never shown again."""
    created = await access_tokens.create_token(
        session,
        user.id,
        name=body.name,
        scopes=body.scopes,
        expires_in_days=body.expires_in_days,
    )
    listed = AccessTokenOut.of(created.row, user)
    return CreatedAccessTokenOut(**listed.model_dump(), token=created.token)


@router.delete("/{token_id}", status_code=204)
async def revoke_token(token_id: TokenId, user: SignedInPathUser, session: SessionDep) -> Response:
    """Revoke a token: it stops working at once."""
    await access_tokens.revoke_token(session, user.id, token_id)
    return Response(status_code=204)
