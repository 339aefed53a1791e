"""Conversations and their messages over HTTP."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from todochat.api.deps import PathUser, SessionDep
from todochat.api.idempotency import IdempotencyDep
from todochat.api.schemas import BODY_ERRORS, ERROR_RESPONSES, IDEMPOTENCY_ERRORS, PageOut
from todochat.models import Message, MessageRole
from todochat.services import conversations, messages
from todochat.services.conversations import ConversationChanges

router = APIRouter(
    prefix="/api/{user_id}/conversations", tags=["conversations"], responses=ERROR_RESPONSES
)

ConversationId = Annotated[uuid.UUID, Path(alias="id", description="The conversation id.")]
Seq = Annotated[int | None, Query(ge=0, le=2**31 - 1)]


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str | None
    summary: str | None
    message_count: int = Field(
        validation_alias="message_seq", description="Messages so far (the last seq)."
    )
    created_at: datetime | None
    updated_at: datetime | None


class ConversationIn(BaseModel):
    title: str | None = Field(default=None, max_length=1000)


class ConversationPatchIn(BaseModel):
    title: str | None = Field(default=None, max_length=1000)
    summary: str | None = Field(default=None, max_length=10_000)


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int = Field(description="Position in the conversation: 1, 2, 3 …")
    role: MessageRole
    content: str
    tool_calls: list[dict[str, Any]] | None
    created_at: datetime | None


class MessageIn(BaseModel):
    role: Literal["user", "assistant", "system"] = "user"
    content: str = Field(max_length=100_000)
    tool_calls: list[dict[str, Any]] | None = Field(default=None, max_length=50)


class MessagePage(BaseModel):
    items: list[MessageOut]


@router.get("")
async def list_conversations(
    user: PathUser,
    session: SessionDep,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> PageOut[ConversationOut]:
    """Your conversations, most recently active first."""
    page = await conversations.list_conversations(session, user.id, limit=limit, cursor=cursor)
    return PageOut(
        items=[ConversationOut.model_validate(c) for c in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    status_code=201,
    response_model=ConversationOut,
    responses={**BODY_ERRORS, **IDEMPOTENCY_ERRORS},
)
async def create_conversation(
    user: PathUser,
    session: SessionDep,
    idempotency: IdempotencyDep,
    body: ConversationIn | None = None,
) -> ConversationOut | Response:
    """Start a conversation (untitled ones are named by their first message)."""
    if (replay := await idempotency.replay(session, user.id)) is not None:
        return replay
    title = body.title if body is not None else None
    out = ConversationOut.model_validate(
        await conversations.create_conversation(session, user.id, title=title)
    )
    await idempotency.record(session, user.id, 201, out)
    return out


@router.get("/{id}")
async def get_conversation(
    conversation_id: ConversationId, user: PathUser, session: SessionDep
) -> ConversationOut:
    """One conversation."""
    return ConversationOut.model_validate(
        await conversations.get_conversation(session, user.id, conversation_id)
    )


@router.patch("/{id}", responses=BODY_ERRORS)
async def update_conversation(
    conversation_id: ConversationId, body: ConversationPatchIn, user: PathUser, session: SessionDep
) -> ConversationOut:
    """Rename a conversation or change its summary."""
    changes = ConversationChanges.model_validate(body.model_dump(exclude_unset=True))
    conversation = await conversations.update_conversation(
        session, user.id, conversation_id, changes
    )
    return ConversationOut.model_validate(conversation)


@router.delete("/{id}", status_code=204)
async def delete_conversation(
    conversation_id: ConversationId, user: PathUser, session: SessionDep
) -> Response:
    """Delete a conversation and its messages."""
    await conversations.delete_conversation(session, user.id, conversation_id)
    return Response(status_code=204)


@router.get(
    "/{id}/messages",
    response_model=MessagePage,
    responses={304: {"description": "Not modified (ETag)"}},
)
async def list_messages(
    conversation_id: ConversationId,
    user: PathUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    before: Seq = None,
    after: Seq = None,
) -> MessagePage | Response:
    """A page of history in seq order: the latest messages, or those before/after a seq.
    Send the `ETag` back as `If-None-Match` to get 304 when nothing changed."""
    page = await messages.list_messages(
        session, user.id, conversation_id, limit=limit, before=before, after=after
    )
    etag = _etag_of(conversation_id, page)
    if etag in _etags_in(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return MessagePage(items=[MessageOut.model_validate(m) for m in page])


@router.post(
    "/{id}/messages",
    status_code=201,
    response_model=MessageOut,
    responses={**BODY_ERRORS, **IDEMPOTENCY_ERRORS},
)
async def append_message(
    conversation_id: ConversationId,
    body: MessageIn,
    user: PathUser,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> MessageOut | Response:
    """Add a message at the end of the conversation."""
    if (replay := await idempotency.replay(session, user.id)) is not None:
        return replay
    message = await messages.append_message(
        session,
        user.id,
        conversation_id,
        role=MessageRole(body.role),
        content=body.content,
        tool_calls=body.tool_calls,
    )
    out = MessageOut.model_validate(message)
    await idempotency.record(session, user.id, 201, out)
    return out


def _etag_of(conversation_id: uuid.UUID, page: list[Message]) -> str:
    digest = hashlib.sha256(conversation_id.bytes)
    for message in page:
        digest.update(f"{message.id}:{message.seq}:{message.updated_at}".encode())
    return f'W/"{digest.hexdigest()[:32]}"'


def _etags_in(header: str) -> set[str]:
    tags = {tag.strip() for tag in header.split(",") if tag.strip()}
    # Weak comparison: W/"x" and "x" name the same version.
    return tags | {f"W/{tag}" for tag in tags if not tag.startswith("W/")}
