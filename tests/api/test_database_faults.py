"""A database host that stops answering: every surface says 503 within the bound, and
the same server recovers once the host is back.

A real `todochat serve` reaches PostgreSQL through a TCP proxy that the test freezes
(no byte forwarded, no socket closed, new connections never answered), the way a
paused VM or a packet-dropping partition looks to a server.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.support import PASSWORD, Account, ServerProcess
from tests.tcp_proxy import FreezableProxy

pytestmark = pytest.mark.postgresql_only

# Every database bound of the server under test (connect, statement, pool, readiness).
BOUND_SECONDS = 2.0
# What a 503 may take beyond the bound: a request can meet two bounds in a row (a
# pooled connection's check, then a fresh connection), and the machine is shared.
MARGIN_SECONDS = 5.0
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


@dataclass
class Rig:
    proxy: FreezableProxy
    server: ServerProcess
    account: Account


@pytest.fixture(scope="module")
def rig(postgres_databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """One server behind a freezable proxy to its own PostgreSQL database."""
    direct = make_url(postgres_databases.create())
    with FreezableProxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:
        proxied = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        bound = str(BOUND_SECONDS)
        server = ServerProcess(
            tmp_path_factory.mktemp("faults"),
            proxied,
            TODOCHAT_DB_CONNECT_TIMEOUT_SECONDS=bound,
            TODOCHAT_DB_STATEMENT_TIMEOUT_SECONDS=bound,
            TODOCHAT_DB_POOL_TIMEOUT=bound,
            TODOCHAT_DB_READY_TIMEOUT_SECONDS=bound,
        )
        with server:
            response = httpx.post(
                f"{server.base_url}/api/auth/register",
                json={"email": "frida@example.com", "password": PASSWORD, "name": "Frida"},
                timeout=30,
            )
            assert response.status_code == 201, response.text
            body = response.json()
            account = Account(body["user"]["id"], "frida@example.com", body["access_token"])
            yield Rig(proxy, server, account)


@pytest.fixture
async def http(rig: Rig) -> AsyncIterator[httpx.AsyncClient]:
    # The client's own timeout only stops a hung test; the assertions measure time.
    async with httpx.AsyncClient(base_url=rig.server.base_url, timeout=120) as client:
        yield client


async def timed(request: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await request
    return response, time.monotonic() - started


def assert_unavailable_in_time(response: httpx.Response, elapsed: float) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert elapsed < BOUND_SECONDS + MARGIN_SECONDS, f"503 after {elapsed:.1f} s"


def assert_error_code(response: httpx.Response, code: str) -> None:
    assert response.json()["error"]["code"] == code


async def test_readyz_answers_503_within_the_bound(rig: Rig, http: httpx.AsyncClient) -> None:
    with rig.proxy.frozen():
        response, elapsed = await timed(http.get("/readyz"))
    assert_unavailable_in_time(response, elapsed)


async def test_a_rest_read_answers_503_within_the_bound(rig: Rig, http: httpx.AsyncClient) -> None:
    with rig.proxy.frozen():
        response, elapsed = await timed(http.get("/api/me/tasks", headers=rig.account.headers))
    assert_unavailable_in_time(response, elapsed)
    assert_error_code(response, "unavailable")


async def test_a_rest_write_answers_503_and_is_not_committed_later(
    rig: Rig, http: httpx.AsyncClient
) -> None:
    task = {"title": "Renew the passport"}
    # The client sends an Idempotency-Key, so that a retry can never add the task twice.
    headers = {**rig.account.headers, "Idempotency-Key": "renew-passport-1"}
    with rig.proxy.frozen():
        response, elapsed = await timed(http.post("/api/me/tasks", json=task, headers=headers))
    assert_unavailable_in_time(response, elapsed)
    # The client retries with the same key once the database is back, twice: the task
    # exists exactly once, and the second retry is the first one's answer replayed.
    retried = await http.post("/api/me/tasks", json=task, headers=headers)
    assert retried.status_code == 201, retried.text
    again = await http.post("/api/me/tasks", json=task, headers=headers)
    assert again.status_code == 201, again.text
    assert again.json()["id"] == retried.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    listing = await http.get("/api/me/tasks", params={"limit": 200}, headers=rig.account.headers)
    titles = [item["title"] for item in listing.json()["items"]]
    assert titles.count("Renew the passport") == 1


async def test_login_answers_503_within_the_bound(rig: Rig, http: httpx.AsyncClient) -> None:
    credentials = {"email": rig.account.email, "password": PASSWORD}
    with rig.proxy.frozen():
        response, elapsed = await timed(http.post("/api/auth/login", json=credentials))
    assert_unavailable_in_time(response, elapsed)


async def test_a_chat_turn_answers_503_within_the_bound(rig: Rig, http: httpx.AsyncClient) -> None:
    with rig.proxy.frozen():
        response, elapsed = await timed(
            http.post(
                "/api/me/chat", json={"message": "add buy stamps"}, headers=rig.account.headers
            )
        )
    assert_unavailable_in_time(response, elapsed)
    assert_error_code(response, "unavailable")


async def test_a_streamed_chat_turn_answers_503_within_the_bound(
    rig: Rig, http: httpx.AsyncClient
) -> None:
    with rig.proxy.frozen():
        response, elapsed = await timed(
            http.post(
                "/api/me/chat/stream",
                json={"message": "add buy envelopes"},
                headers=rig.account.headers,
            )
        )
    if response.status_code == 200:  # the stream had started: it must end in an error event
        assert "event: error" in response.text
        assert '"code": "unavailable"' in response.text
        assert elapsed < BOUND_SECONDS + MARGIN_SECONDS
    else:
        assert_unavailable_in_time(response, elapsed)


async def test_an_mcp_tool_call_answers_503_within_the_bound(
    rig: Rig, http: httpx.AsyncClient
) -> None:
    call = {
        "jsonrpc": "2.0",
        "id": 7,
        "method": "tools/call",
        "params": {"name": "add_task", "arguments": {"title": "Water the plants"}},
    }
    with rig.proxy.frozen():
        response, elapsed = await timed(
            http.post("/mcp", json=call, headers={**MCP_HEADERS, **rig.account.headers})
        )
    assert_unavailable_in_time(response, elapsed)
    body = response.json()
    assert body["id"] == 7
    assert body["error"]["data"]["code"] == "unavailable"


async def test_the_server_recovers_without_a_restart(rig: Rig, http: httpx.AsyncClient) -> None:
    with rig.proxy.frozen():
        frozen, _ = await timed(http.get("/api/me/tasks", headers=rig.account.headers))
    assert frozen.status_code == 503
    headers = rig.account.headers
    assert (await http.get("/readyz")).status_code == 200
    created = await http.post("/api/me/tasks", json={"title": "Back online"}, headers=headers)
    assert created.status_code == 201, created.text
    assert (await http.get("/api/me/tasks", headers=headers)).status_code == 200
    login = await http.post(
        "/api/auth/login", json={"email": rig.account.email, "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    chat = await http.post("/api/me/chat", json={"message": "list my tasks"}, headers=headers)
    assert chat.status_code == 200, chat.text


async def test_task_numbers_stay_unique_across_the_outages(
    rig: Rig, http: httpx.AsyncClient
) -> None:
    with rig.proxy.frozen():
        await http.post("/api/me/tasks", json={"title": "Frozen"}, headers=rig.account.headers)
    created = await http.post(
        "/api/me/tasks", json={"title": "Thawed"}, headers=rig.account.headers
    )
    assert created.status_code == 201, created.text
    listing = await http.get("/api/me/tasks", params={"limit": 200}, headers=rig.account.headers)
    numbers = [item["id"] for item in listing.json()["items"]]
    assert len(numbers) == len(set(numbers))
    assert "Frozen" not in [item["title"] for item in listing.json()["items"]]
