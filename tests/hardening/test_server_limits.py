"""Server limits of `todochat serve`, on a real socket: a client that sends its
request slowly (or not at all) is cut off after the configured request timeout, an
idle keep-alive connection after the keep-alive timeout, and requests beyond the
concurrency limit get 503. (The database plays no part: one SQLite server per module.)

Times are measured and compared with the configured bound plus a generous margin: the
machine running the tests may be busy."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support import ServerProcess, sqlite_url

REQUEST_TIMEOUT = 1.5
KEEP_ALIVE = 2
# Far more than the bounds: a loaded machine is slow, but not by this much.
MARGIN = 15.0
# How long a test keeps a connection going before it concludes the server never closes it.
GIVE_UP = REQUEST_TIMEOUT + KEEP_ALIVE + 2 * MARGIN


def start(workdir: Path, **env: str) -> ServerProcess:
    return ServerProcess(workdir, sqlite_url(workdir / "todochat.db"), **env).start()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start(
        tmp_path_factory.mktemp("limits"),
        TODOCHAT_REQUEST_TIMEOUT_SECONDS=str(REQUEST_TIMEOUT),
        TODOCHAT_KEEP_ALIVE_TIMEOUT_SECONDS=str(KEEP_ALIVE),
    )
    yield process
    process.stop()


def connect(server: ServerProcess) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", server.port))
    connection.settimeout(GIVE_UP)
    return connection


def seconds_until_closed(connection: socket.socket, trickle: bytes = b"") -> float:
    """Send `trickle` one byte at a time (a slowloris client) until the server closes the
    connection, or read until it does; seconds from now until it was closed."""
    started = time.monotonic()
    connection.settimeout(0.25)
    for byte in trickle:
        if time.monotonic() - started > GIVE_UP:
            pytest.fail(f"the server kept reading a slow request for {GIVE_UP} s")
        try:
            connection.sendall(bytes([byte]))
            if connection.recv(4096) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - started
    connection.settimeout(GIVE_UP)
    try:
        while connection.recv(4096):
            pass
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {GIVE_UP} s")
    except OSError:
        pass
    return time.monotonic() - started


def test_a_partial_request_line_is_cut_off_after_the_request_timeout(
    server: ServerProcess,
) -> None:
    with connect(server) as connection:
        connection.sendall(b"GET /healthz HT")
        elapsed = seconds_until_closed(connection)

    assert REQUEST_TIMEOUT - 0.2 <= elapsed <= REQUEST_TIMEOUT + MARGIN, elapsed


def test_a_silent_connection_is_cut_off_after_the_request_timeout(server: ServerProcess) -> None:
    with connect(server) as connection:
        elapsed = seconds_until_closed(connection)

    assert REQUEST_TIMEOUT - 0.2 <= elapsed <= REQUEST_TIMEOUT + MARGIN, elapsed


def test_headers_sent_a_byte_at_a_time_are_cut_off_after_the_request_timeout(
    server: ServerProcess,
) -> None:
    # Each byte would restart a keep-alive timer: only a deadline for the request holds.
    endless_headers = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 10_000
    with connect(server) as connection:
        elapsed = seconds_until_closed(connection, trickle=endless_headers)

    assert elapsed <= REQUEST_TIMEOUT + MARGIN, elapsed


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(server: ServerProcess) -> None:
    with connect(server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert connection.recv(4096).startswith(b"HTTP/1.1 200")
        elapsed = seconds_until_closed(connection)

    assert KEEP_ALIVE - 0.2 <= elapsed <= KEEP_ALIVE + MARGIN, elapsed


def test_a_request_beyond_the_concurrency_limit_is_503(tmp_path: Path) -> None:
    server = start(
        tmp_path,
        TODOCHAT_MAX_CONCURRENT_CONNECTIONS="3",
        TODOCHAT_KEEP_ALIVE_TIMEOUT_SECONDS="60",
        TODOCHAT_REQUEST_TIMEOUT_SECONDS="60",
    )
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answers = []
    try:
        with ExitStack() as open_connections:
            # One after the other, each served and kept open: the third reaches the limit.
            for _ in range(3):
                connection = open_connections.enter_context(connect(server))
                connection.sendall(request)
                answers.append(connection.recv(4096)[:12])
    finally:
        server.stop()

    assert answers == [b"HTTP/1.1 200", b"HTTP/1.1 200", b"HTTP/1.1 503"]
