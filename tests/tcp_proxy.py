"""A TCP proxy on 127.0.0.1 that can be frozen: the way a database host looks to a
server when it stops answering without closing anything (a paused VM, a network
partition that drops packets).

Frozen, the proxy keeps every socket open but forwards no byte in either direction,
and new connections are accepted by the kernel but never answered. Thawed, what was
held is forwarded and connections proceed, as when the host comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from types import TracebackType
from typing import Any

from tests.support import free_port

_CHUNK = 64 * 1024


class FreezableProxy:
    """Forwards 127.0.0.1:`port` to `target_host`:`target_port` from a thread of its own
    (so that it runs whatever the test's event loop is doing)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thawed = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    # The test's side (any thread).

    def start(self) -> FreezableProxy:
        self._thread.start()
        self._call(self._start())
        return self

    def freeze(self) -> None:
        """Stop forwarding bytes and answering new connections; close nothing."""
        self._call(self._set_thawed(False))

    def thaw(self) -> None:
        """Forward again, held bytes first."""
        self._call(self._set_thawed(True))

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        self.freeze()
        try:
            yield
        finally:
            self.thaw()

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> FreezableProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _call(self, coroutine: Any) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result()

    # The proxy's own loop.

    async def _start(self) -> None:
        self._thawed.set()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _set_thawed(self, thawed: bool) -> None:
        if thawed:
            self._thawed.set()
        else:
            self._thawed.clear()

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in list(self._writers):
            writer.close()

    def _track(self, coroutine: Any) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _serve(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        # Tracked like the pumps, so that stopping ends it before the loop closes
        # (left suspended, it would be finalised on a closed loop).
        served = asyncio.current_task()
        if served is not None:
            self._tasks.add(served)
            served.add_done_callback(self._tasks.discard)
        self._writers.add(client)
        try:
            await self._thawed.wait()  # frozen: the connection is never answered
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except (OSError, asyncio.CancelledError):
            client.close()
            raise
        self._writers.add(upstream)
        pumps = [
            self._track(self._pump(client_reader, upstream)),
            self._track(self._pump(upstream_reader, client)),
        ]
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            for writer in (client, upstream):
                writer.close()
                self._writers.discard(writer)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while True:
                data = await reader.read(_CHUNK)
                await self._thawed.wait()  # frozen: hold the bytes, and the EOF
                if not data:
                    return
                writer.write(data)
                await writer.drain()
