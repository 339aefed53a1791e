"""Response and request bodies shared by several routers."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class ErrorBody(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["task 7 not found"])
    details: object | None = None


class ErrorResponse(BaseModel):
    """The shape of every error."""

    error: ErrorBody


class PageOut(BaseModel, Generic[T]):
    """A page of items; pass `next_cursor` as `cursor` for the next one."""

    items: list[T]
    next_cursor: str | None = None


Responses = dict[int | str, dict[str, Any]]

# Sent with every 429 and 503: when to try again.
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


def error_responses(**descriptions: str) -> Responses:
    """OpenAPI `responses` for errors in the one error shape, keyed `e401=...` and so
    on (Python names cannot start with a digit); 429 and 503 carry `Retry-After`."""
    responses: Responses = {}
    for key, description in descriptions.items():
        status = int(key.removeprefix("e"))
        response: dict[str, Any] = {"model": ErrorResponse, "description": description}
        if status in (429, 503):
            response["headers"] = _RETRY_AFTER
        responses[status] = response
    return responses


UNAVAILABLE = error_responses(e503="The database is unavailable")

# What every route under /api/{user_id} can answer besides its success.
ERROR_RESPONSES: Responses = error_responses(
    e401="No token, or a token that proves nothing",
    e403="The path names another user",
    e404="Not found (also another user's object)",
    e422="Invalid input",
    e503="The database is unavailable",
)

# What a route with a request body can answer besides: the size limit and JSON
# parsing come before any validation (api/middleware.py, api/errors.py).
BODY_ERRORS: Responses = error_responses(
    e400="The body is not valid JSON (or its Content-Length is not a number)",
    e413="The body is larger than the server accepts",
)

# The creating POSTs that take an `Idempotency-Key`.
IDEMPOTENCY_ERRORS: Responses = error_responses(
    e409="A request with the same Idempotency-Key is still running"
)
