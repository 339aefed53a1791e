"""Applications a user connected over OAuth (hosted assistants, MCP clients): listed,
and disconnected, which revokes their tokens at once. Managing them needs a sign-in:
a personal access token gets 403, as for managing tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from todochat.api.deps import SessionDep, SignedInPathUser
from todochat.api.schemas import ERROR_RESPONSES
from todochat.services import oauth

router = APIRouter(
    prefix="/api/{user_id}/connections", tags=["connections"], responses=ERROR_RESPONSES
)


class ConnectionOut(BaseModel):
    id: uuid.UUID
    client_name: str
    scopes: list[str]
    renewed_at: datetime | None
    expires_at: datetime


@router.get("")
async def list_connections(user: SignedInPathUser, session: SessionDep) -> list[ConnectionOut]:
    """The applications that can reach your tasks through /mcp, newest first."""
    return [
        ConnectionOut(
            id=connection.grant_id,
            client_name=connection.client_name,
            scopes=connection.scopes.split(),
            renewed_at=connection.renewed_at,
            expires_at=connection.expires_at,
        )
        for connection in await oauth.list_connections(session, user.id)
    ]


@router.delete("/{id}", status_code=204)
async def disconnect(
    user: SignedInPathUser,
    session: SessionDep,
    grant_id: Annotated[uuid.UUID, Path(alias="id")],
) -> Response:
    """Disconnect an application: its access and refresh tokens stop working."""
    await oauth.disconnect(session, user.id, grant_id)
    return Response(status_code=204)
