"""One error shape for every failure: `{"error": {"code", "message", "details"?}}`."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from todochat.db import DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE
from todochat.errors import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    TodochatError,
)

logger = logging.getLogger("todochat.api")

_STATUS_OF: dict[type[TodochatError], int] = {
    InvalidInputError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    AuthenticationError: 401,
    ForbiddenError: 403,
    RateLimitedError: 429,
}
_CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The documented error body with its status."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def database_unavailable(message: str) -> JSONResponse:
    """503 with Retry-After: the database did not answer."""
    return error_response(
        503, "unavailable", message, headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
    )


async def _todochat_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TodochatError)
    status = next((s for cls, s in _STATUS_OF.items() if isinstance(exc, cls)), 400)
    headers: dict[str, str] = {}
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    # Rate limits, and conflicts that pass (a request still running): when to retry.
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        headers["Retry-After"] = str(retry_after)
    return error_response(status, exc.code, exc.message, exc.details, headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ()) if part != "body"),
            "message": str(error.get("msg", "invalid")),
        }
        for error in exc.errors()
    ]
    if any(error.get("type") == "json_invalid" for error in exc.errors()):
        return error_response(400, "bad_request", "request body is not valid JSON", problems)
    first = problems[0] if problems else {"field": "", "message": "invalid input"}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return error_response(422, "invalid_input", message, problems)


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _documented_methods(request: Request) -> str | None:
    """The methods the OpenAPI schema documents on the request's path, for the `Allow`
    of a 405: Starlette's names those of the first route on the path only, and FastAPI
    makes one route per method. None on a path the schema does not describe."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    for template, item in paths.items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            return ", ".join(sorted(method.upper() for method in item if method in _HTTP_METHODS))
    return None


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODE_OF_STATUS.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and (allowed := _documented_methods(request)):
        headers["Allow"] = allowed
    return error_response(exc.status_code, code, message, headers=headers)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.warning(
        "database unavailable: %s (request %s)",
        type(exc).__name__,
        request.headers.get("x-request-id", "-"),
    )
    return database_unavailable("the database is unavailable, try again shortly")


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure to the one error shape."""
    app.add_exception_handler(TodochatError, _todochat_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
