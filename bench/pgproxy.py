"""A TCP proxy to PostgreSQL that counts the statements its clients send.

It reads the frontend half of the PostgreSQL wire protocol (v3): after the startup
packet, every client message is a type byte and a big-endian length. A statement
reaches the server either as a simple query ('Q', whose text may hold several
statements) or as an Execute ('E') of a portal bound ('B') to a statement parsed
('P') earlier, possibly on an earlier request (prepared-statement caches). The
proxy counts 'Q' and 'E' messages, and remembers which SQL each Execute runs so
that the counts can be broken down by verb (SELECT, INSERT, BEGIN …) and the
statements of one request listed.

TLS would hide the messages: the proxy answers an SSLRequest or GSSENCRequest
with 'N' itself, so clients that ask for encryption fall back to plain TCP (start
the servers with `sslmode=disable`, which needs no negotiation at all).
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field

_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104
_CANCEL_REQUEST = 80877102
_CHUNK = 64 * 1024


@dataclass
class StatementLog:
    """What every connection through the proxy sent, since the last reset."""

    simple_queries: int = 0
    executes: int = 0
    parses: int = 0
    by_verb: Counter[str] = field(default_factory=Counter)
    statements: list[str] = field(default_factory=list)
    keep_text: bool = False

    @property
    def total(self) -> int:
        """Statements sent: simple-query messages plus Executes."""
        return self.simple_queries + self.executes

    def record(self, sql: str, via: str) -> None:
        if via == "Q":
            self.simple_queries += 1
        else:
            self.executes += 1
        self.by_verb[_verb(sql)] += 1
        if self.keep_text:
            self.statements.append(" ".join(sql.split()))


def _verb(sql: str) -> str:
    words = sql.lstrip(" \t\r\n(;").split(None, 1)
    # An empty statement (";") is what a connection pool sends to check a connection.
    return words[0].rstrip(";").upper() if words else "; (ping)"


class _ClientStream:
    """Parses one client's messages as they pass and records the statements."""

    def __init__(self, log_of: CountingProxy) -> None:
        self._proxy = log_of
        self._buffer = bytearray()
        self._started = False
        self._statements: dict[str, str] = {}  # prepared statement name -> SQL
        self._portals: dict[str, str] = {}  # portal name -> SQL

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the client; return a reply the proxy must send back to
        the client itself (refusing TLS), or b''."""
        self._buffer += data
        reply = b""
        while True:
            if not self._started:
                if len(self._buffer) < 8:
                    return reply
                (length,) = struct.unpack_from("!i", self._buffer, 0)
                if len(self._buffer) < length:
                    return reply
                (code,) = struct.unpack_from("!i", self._buffer, 4)
                del self._buffer[:length]
                if code in (_SSL_REQUEST, _GSSENC_REQUEST):
                    reply += b"N"
                    self._proxy.refused_encryption += 1
                    continue
                # The startup packet (or a cancel request, after which the
                # connection closes): ordinary messages follow.
                self._started = code != _CANCEL_REQUEST
                continue
            if len(self._buffer) < 5:
                return reply
            kind = chr(self._buffer[0])
            (length,) = struct.unpack_from("!i", self._buffer, 1)
            if len(self._buffer) < 1 + length:
                return reply
            body = bytes(self._buffer[5 : 1 + length])
            del self._buffer[: 1 + length]
            self._message(kind, body)

    def _message(self, kind: str, body: bytes) -> None:
        log = self._proxy.log
        if kind == "Q":
            log.record(_cstring(body, 0)[0], "Q")
        elif kind == "P":
            name, offset = _cstring(body, 0)
            sql, _ = _cstring(body, offset)
            self._statements[name] = sql
            log.parses += 1
        elif kind == "B":
            portal, offset = _cstring(body, 0)
            statement, _ = _cstring(body, offset)
            self._portals[portal] = self._statements.get(statement, "(unknown)")
        elif kind == "E":
            portal, _ = _cstring(body, 0)
            log.record(self._portals.get(portal, "(unknown)"), "E")
        elif kind == "C" and body[:1] == b"S":  # Close of a prepared statement
            self._statements.pop(_cstring(body, 1)[0], None)


def _cstring(body: bytes, offset: int) -> tuple[str, int]:
    end = body.index(b"\0", offset)
    return body[offset:end].decode("utf-8", "replace"), end + 1


class CountingProxy:
    """Listens on 127.0.0.1:listen_port and forwards to the PostgreSQL server."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.log = StatementLog()
        self.refused_encryption = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the proxy is not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, port: int = 0) -> CountingProxy:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", port)
        return self

    def reset(self, keep_text: bool = False) -> None:
        """Start counting afresh (optionally keeping each statement's text)."""
        self.log = StatementLog(keep_text=keep_text)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connection(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            server_reader, server_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
        except OSError:
            client_writer.close()
            return
        stream = _ClientStream(self)
        try:
            await asyncio.gather(
                self._client_to_server(stream, client_reader, client_writer, server_writer),
                _pipe(server_reader, client_writer),
            )
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for writer in (client_writer, server_writer):
                writer.close()
            if task is not None:
                self._tasks.discard(task)

    @staticmethod
    async def _client_to_server(
        stream: _ClientStream,
        client_reader: asyncio.StreamReader,
        client_writer: asyncio.StreamWriter,
        server_writer: asyncio.StreamWriter,
    ) -> None:
        while data := await client_reader.read(_CHUNK):
            reply = stream.feed(data)
            if reply:
                client_writer.write(reply)
                await client_writer.drain()
                # A refused TLS request is not for the server; whatever followed it is.
                data = _without_encryption_requests(data)
            if data:
                server_writer.write(data)
                await server_writer.drain()
        with contextlib.suppress(OSError):
            server_writer.write_eof()


def _without_encryption_requests(data: bytes) -> bytes:
    """`data` less the 8-byte SSLRequest/GSSENCRequest packets at its start."""
    while len(data) >= 8:
        length, code = struct.unpack_from("!ii", data, 0)
        if length != 8 or code not in (_SSL_REQUEST, _GSSENC_REQUEST):
            break
        data = data[8:]
    return data


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(_CHUNK):
        writer.write(data)
        await writer.drain()
    with contextlib.suppress(OSError):
        writer.write_eof()


class ProxyThread:
    """A CountingProxy running on its own event loop in a daemon thread, so that
    synchronous code (starting servers, sending requests) can use it."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.proxy = CountingProxy(upstream_host, upstream_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.proxy.start(), self._loop).result(timeout=10)
        return self.proxy

    def __exit__(self, *_exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.proxy.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
