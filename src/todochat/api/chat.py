"""Chat over HTTP: one stateless turn per request, as JSON or as Server-Sent Events."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from todochat.agent.base import TextDelta, ToolCalled
from todochat.agent.chat import (
    ChatEvent,
    ChatFlow,
    TurnDone,
    TurnFailed,
    TurnReplayed,
    TurnStarted,
    failure_details,
)
from todochat.api.deps import TurnIdentity, runtime_of
from todochat.api.errors import error_response
from todochat.api.idempotency import replay_response, turn_request
from todochat.api.schemas import (
    BODY_ERRORS,
    ERROR_RESPONSES,
    IDEMPOTENCY_ERRORS,
    error_responses,
)
from todochat.db import DATABASE_RETRY_AFTER_SECONDS
from todochat.services.idempotency import REPLAYED_HEADER, IdempotentRequest, StoredResponse

router = APIRouter(prefix="/api/{user_id}/chat", tags=["chat"], responses=ERROR_RESPONSES)


class ChatIn(BaseModel):
    message: str = Field(max_length=100_000, examples=["Add a task to buy groceries"])
    conversation_id: uuid.UUID | None = Field(
        default=None, description="Continue this conversation; omit to start a new one."
    )


class ToolCallOut(BaseModel):
    name: str
    arguments: dict[str, Any]
    result: Any = None
    error: str | None = None


class ChatOut(BaseModel):
    conversation_id: uuid.UUID
    response: str
    tool_calls: list[ToolCallOut]


# A turn's Idempotency-Key, when it is sent.
TurnKey = Annotated[IdempotentRequest | None, Depends(turn_request)]

_FAILURES = {
    **BODY_ERRORS,
    **IDEMPOTENCY_ERRORS,
    **error_responses(
        e409="Another turn of this conversation is running, or this Idempotency-Key's "
        "first request still is: retry after Retry-After",
        e429="Too many chat turns",
        e500="The assistant failed unexpectedly (the apology is stored in the conversation)",
        e502="The model provider failed, or the model gave an empty reply or a broken "
        "tool call (`details.tool_calls` lists the calls that ran before the failure)",
        e503="The database is unavailable",
        e504="The model provider or the turn's deadline timed out",
    ),
}


def _flow(request: Request) -> ChatFlow:
    return runtime_of(request).chat


def _failure_response(failed: TurnFailed) -> JSONResponse:
    # A 503 (the database did not answer) says when to try again, as everywhere else.
    headers = (
        {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)} if failed.error.status == 503 else None
    )
    return error_response(
        failed.error.status,
        failed.error.code,
        failed.error.message,
        failure_details(failed.conversation_id, failed.tool_calls),
        headers,
    )


@router.post("", responses=_FAILURES, response_model=ChatOut, response_model_exclude_none=True)
async def chat(
    body: ChatIn, identity: TurnIdentity, request: Request, key: TurnKey
) -> ChatOut | JSONResponse:
    """One chat turn: the agent reads the conversation, calls tools, answers. With an
    `Idempotency-Key`, a repeat gets the first turn's answer and runs nothing."""
    outcome = await _flow(request).run(identity, body.message, body.conversation_id, key)
    if isinstance(outcome, TurnReplayed):
        return replay_response(outcome.stored)
    if isinstance(outcome, TurnFailed):
        return _failure_response(outcome)
    return ChatOut.model_validate(outcome.as_json())


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


def _sse_of_replay(stored: StoredResponse) -> str:
    """A turn answered before, as the stream it ended with: `start`, then `done` with
    the stored result, or `error` with the stored failure."""
    body: dict[str, Any] = stored.body if isinstance(stored.body, dict) else {}
    if stored.status_code == 200:
        start = _sse("start", {"conversation_id": body.get("conversation_id")})
        return start + _sse("done", body)
    error = body.get("error", {})
    conversation_id = (error.get("details") or {}).get("conversation_id")
    start = _sse("start", {"conversation_id": conversation_id})
    failure = {"code": error.get("code"), "message": error.get("message")}
    data = {"error": failure, "conversation_id": conversation_id}
    if tool_calls := (error.get("details") or {}).get("tool_calls"):
        data["tool_calls"] = tool_calls
    return start + _sse("error", data)


def _sse_of(event: ChatEvent) -> str:
    if isinstance(event, TurnReplayed):
        return _sse_of_replay(event.stored)
    if isinstance(event, TurnStarted):
        return _sse("start", {"conversation_id": str(event.conversation_id)})
    if isinstance(event, ToolCalled):
        return _sse("tool_call", event.call.as_json())
    if isinstance(event, TextDelta):
        return _sse("delta", {"text": event.text})
    if isinstance(event, TurnDone):
        return _sse("done", event.result.as_json())
    error = {"code": event.error.code, "message": event.error.message}
    data: dict[str, Any] = {"error": error, "conversation_id": str(event.conversation_id)}
    if event.tool_calls:
        # The calls that ran before the failure: their changes stand.
        data["tool_calls"] = event.tool_calls
    return _sse("error", data)


# Turns whose client went away are finished in the background; kept here so that
# they are not garbage-collected half-way.
_running_turns: set[asyncio.Task[None]] = set()


@router.post(
    "/stream",
    responses={200: {"content": {"text/event-stream": {}}}, **_FAILURES},
    response_class=StreamingResponse,
)
async def chat_stream(
    body: ChatIn, identity: TurnIdentity, request: Request, key: TurnKey
) -> StreamingResponse:
    """The same turn as Server-Sent Events: `start`, `tool_call`, `delta` (text),
    then `done` with the final object, or `error`. With an `Idempotency-Key`, a repeat
    of a finished turn streams `start` and its stored `done` (or `error`) only, with
    `Idempotent-Replayed: true`; a repeat while it runs is a 409. An `error` event
    lists in `tool_calls` the calls that ran before the failure."""
    events = _flow(request).stream(
        identity, body.message, body.conversation_id, key, client_streams=True
    )
    # Input errors (unknown conversation, message too long) surface as plain HTTP
    # errors, before the stream starts.
    first = await anext(events)
    queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()

    async def run_turn() -> None:
        try:
            async for event in events:
                await queue.put(event)
        finally:
            await queue.put(None)

    # The turn runs to its end even if the client disconnects, so that the
    # assistant's answer is always stored.
    task = asyncio.create_task(run_turn())
    _running_turns.add(task)
    task.add_done_callback(_running_turns.discard)

    async def body_stream() -> AsyncIterator[str]:
        yield _sse_of(first)
        while (event := await queue.get()) is not None:
            yield _sse_of(event)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if isinstance(first, TurnReplayed):
        headers[REPLAYED_HEADER] = "true"
    return StreamingResponse(body_stream(), media_type="text/event-stream", headers=headers)
