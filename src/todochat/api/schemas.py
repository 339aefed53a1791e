"""Response and request bodies shared by several routers."""

from __future__ import annotations

from typing import Generic, TypeVar

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


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        401: "No token, or a token that proves nothing",
        403: "The path names another user",
        404: "Not found (also another user's object)",
        422: "Invalid input",
    }.items()
}
