"""The `Idempotency-Key` header on the POST routes that create something.

A route takes `IdempotencyDep`, asks it for a replay before doing anything, and
records its answer on the same session before returning, so the answer is committed
with the work (see services/idempotency.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.api.deps import Identity, TurnIdentity
from todochat.services import idempotency
from todochat.services.idempotency import Claim, IdempotentRequest, StoredResponse

_KEY_HELP = (
    "Optional, up to 255 printable ASCII characters. The same key from you within 24 h "
    "returns the first answer (with `Idempotent-Replayed: true`) and creates nothing; "
    "with a different request it is a 422."
)


def replay_response(stored: StoredResponse) -> JSONResponse:
    """The first answer to a key, sent again."""
    return JSONResponse(
        stored.body,
        status_code=stored.status_code,
        headers={idempotency.REPLAYED_HEADER: "true"},
    )


def _idempotent_request(
    request: Request, subject: str, key: str | None, body: bytes
) -> IdempotentRequest | None:
    if key is None:
        return None
    idempotency.check_key(key)
    path = request.url.path
    # `/api/me/...` and `/api/<your id>/...` are the same request.
    path = path.replace("/api/me/", f"/api/{subject}/", 1)
    return IdempotentRequest(key, idempotency.fingerprint(request.method, path, body))


async def idempotent_request(
    request: Request,
    identity: Identity,
    key: Annotated[str | None, Header(alias=idempotency.HEADER, description=_KEY_HELP)] = None,
) -> IdempotentRequest | None:
    """The request's key and fingerprint; None without a key. The body was read
    already to parse it (Starlette keeps it), so this reads no more of the stream."""
    body = await request.body() if key is not None else b""
    return _idempotent_request(request, identity.subject, key, body)


async def turn_request(
    request: Request,
    identity: TurnIdentity,
    key: Annotated[str | None, Header(alias=idempotency.HEADER, description=_KEY_HELP)] = None,
) -> IdempotentRequest | None:
    """As `idempotent_request`, for a chat turn (whose caller is a TurnIdentity: the
    request holds no session of its own)."""
    body = await request.body() if key is not None else b""
    return _idempotent_request(request, identity.subject, key, body)


class Idempotency:
    """The request's key, if it has one, and what to do with it."""

    def __init__(self, request: IdempotentRequest | None) -> None:
        self.request = request
        self.claim: Claim | None = None

    async def replay(self, session: AsyncSession, user_id: str) -> JSONResponse | None:
        """The first answer to this key, or None when the work is this request's to do
        (the key is claimed in `session`'s transaction)."""
        if self.request is None:
            return None
        outcome = await idempotency.claim(session, user_id, self.request)
        if isinstance(outcome, StoredResponse):
            return replay_response(outcome)
        self.claim = outcome
        return None

    async def record(
        self, session: AsyncSession, user_id: str, status_code: int, body: BaseModel | Any
    ) -> None:
        """Keep the answer with the work, in the same transaction."""
        if self.claim is None:
            return
        content = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
        await idempotency.record(session, user_id, self.claim, status_code, content)


async def get_idempotency(
    request: Annotated[IdempotentRequest | None, Depends(idempotent_request)],
) -> Idempotency:
    """The `Idempotency-Key` of a creating POST."""
    return Idempotency(request)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
