"""What `todochat serve` adds to uvicorn: a bound on how long a client may take to send
a request, and the server limits taken from the settings.

uvicorn (0.54) times out idle keep-alive connections, but not a connection that opens
and then sends its request line and headers slowly (slowloris): every byte it receives
cancels the keep-alive timer, and nothing is armed before the first request. The
protocol below arms a timer when the connection opens and when a request begins, and
closes the connection unless the whole request (line, headers and body) has arrived
before it fires.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from todochat.config import Settings

# Set in each process by the app factory (`configure_request_timeout`): uvicorn builds
# the protocol from its own config, which has no room for this bound.
_request_timeout_seconds: float = 10.0


def configure_request_timeout(seconds: float) -> None:
    """The bound `RequestTimeoutProtocol` enforces in this process."""
    global _request_timeout_seconds
    _request_timeout_seconds = seconds


class RequestTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus a deadline for receiving each request.

    The deadline runs from the moment the connection opens (for the first request)
    or the first byte of a request arrives (for the next ones; the time in between is
    bounded by the keep-alive timeout) until the request's last body byte. A client
    that misses it has its connection closed.
    """

    _request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Accept the connection and start the clock for its first request."""
        super().connection_made(transport)
        self._arm_request_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the clock with the connection."""
        self._cancel_request_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        """A new request starts: its bytes must all arrive in time."""
        super().on_message_begin()
        self._arm_request_timer()

    def on_message_complete(self) -> None:
        """The request has arrived whole: no deadline while the app answers."""
        self._cancel_request_timer()
        super().on_message_complete()

    def _arm_request_timer(self) -> None:
        self._cancel_request_timer()
        self._request_timer = self.loop.call_later(
            _request_timeout_seconds, self._request_timed_out
        )

    def _cancel_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if self.pipeline:
            # A pipelined request waits, unread, for the one before it to be answered:
            # its slowness is the server's own, so its clock starts again.
            self._arm_request_timer()
            return
        if not self.transport.is_closing():
            self.logger.info("Closing a connection that did not send its request in time.")
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The server limits of the settings, as `uvicorn.run` arguments."""
    return {
        "http": RequestTimeoutProtocol,
        # Idle time allowed between two requests on one connection.
        "timeout_keep_alive": settings.keep_alive_timeout_seconds,
        # Requests (and open connections) at once per worker; beyond it: 503.
        "limit_concurrency": settings.max_concurrent_connections,
        # On shutdown, requests in flight get this long to finish.
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
        # Size of request line plus headers, for the h11 protocol (httptools, which
        # `todochat serve` uses, caps headers at 80 KiB on its own).
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # Forwarded client addresses only from the proxies named (none by default).
        "proxy_headers": settings.forwarded_allow_ips is not None,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }
