"""ASGI middleware: request ids and access logs, security headers, and the request body
size limit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_logger = logging.getLogger("todochat.access")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestLogMiddleware:
    """One log line per request (method, route, status, duration, request id) and an
    `X-Request-ID` header on every response. Never logs headers, bodies or queries,
    so tokens, passwords and messages stay out of the logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            access_logger.info(
                "method=%s route=%s status=%d duration_ms=%.1f request_id=%s",
                scope["method"],
                getattr(route, "path", None) or scope.get("path", "-"),
                status,
                (time.perf_counter() - started) * 1000,
                request_id,
            )


# The page loads its script and stylesheet from /static and talks to its own origin;
# it has no inline script or style, so 'self' is all it needs. Nothing may frame it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The /docs and /redoc pages (FastAPI's, with their assets served from the app) start
# Swagger UI / ReDoc with an inline script: they get the other headers but no
# Content-Security-Policy.
_NO_CSP_PATHS = ("/docs", "/redoc")
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeadersMiddleware:
    """`X-Content-Type-Options`, `Referrer-Policy`, `X-Frame-Options` and a
    `Content-Security-Policy` on every response (the page, the API, errors), unless
    the response already set one of them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers_to_add = list(_SECURITY_HEADERS)
        if not scope["path"].startswith(_NO_CSP_PATHS):
            headers_to_add.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                headers += [(n, v) for n, v in headers_to_add if n not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Reject request bodies over `max_bytes` with 413, before any handler reads them.
    `larger` allows more on the paths it names (an import file, say)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        larger: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = tuple(larger)

    def _limit(self, path: str) -> int:
        for pattern, limit in self.larger:
            if pattern.fullmatch(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await self._reject(send, 400, "bad_request", "Content-Length is not a number")
                return
            if int(declared) > limit:
                await self._reject_too_large(send, limit)
                return
            await self.app(scope, receive, send)
            return
        # No declared length (chunked): read up to the limit, then replay.
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await self._reject_too_large(send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _reject_too_large(self, send: Send, limit: int) -> None:
        await self._reject(send, 413, "too_large", f"request body is larger than {limit} bytes")

    @staticmethod
    async def _reject(send: Send, status: int, code: str, message: str) -> None:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
