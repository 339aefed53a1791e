"""The package's own errors. Services raise them; each interface maps them to its
own shape (an HTTP error body, an MCP tool error, an agent reply)."""

from __future__ import annotations

from typing import Any


class TodochatError(Exception):
    """Base of every error a user may be shown. `message` is safe to show."""

    code = "error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFoundError(TodochatError):
    """The object does not exist, or belongs to someone else: the two look the same."""

    code = "not_found"


class InvalidInputError(TodochatError):
    """The input breaks a rule (a limit, a format, a known value)."""

    code = "invalid_input"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, {"field": field} if field else None)
        self.field = field


class ConflictError(TodochatError):
    """The change collides with existing data (a taken email, for instance)."""

    code = "conflict"


class BusyError(ConflictError):
    """Someone else holds the object for now (a chat turn in progress); try again in
    `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after


class AuthenticationError(TodochatError):
    """No credentials, or credentials that prove nothing."""

    code = "unauthorized"


class ForbiddenError(TodochatError):
    """Authenticated, but acting for someone else."""

    code = "forbidden"


class RateLimitedError(TodochatError):
    """Too many attempts; `retry_after` says when to try again, in seconds."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after
