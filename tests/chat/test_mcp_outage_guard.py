"""`/mcp`'s outage guard: whatever the MCP SDK was about to answer for a request that met
a database outage (a 401 from the token check, a tool error, a plain-text 500), the
client gets 503 with Retry-After and a JSON-RPC error naming its request."""

from __future__ import annotations

import httpx
from sqlalchemy import exc as sa_exc
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from todochat.mcp.outage import DatabaseOutageGuard, note_database_unavailable

CALL = {"jsonrpc": "2.0", "id": "call-1", "method": "tools/call", "params": {}}


def unreachable() -> sa_exc.OperationalError:
    return sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))


async def token_check_meets_an_outage(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    note_database_unavailable(unreachable())
    await PlainTextResponse("unauthorized", status_code=401)(scope, receive, send)


async def sdk_raises(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    raise unreachable()


async def healthy(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await PlainTextResponse("fine")(scope, receive, send)


async def post(app: DatabaseOutageGuard) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        return await http.post("/mcp", json=CALL)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert body["id"] == "call-1"
    assert body["error"]["data"]["code"] == "unavailable"


async def test_a_noted_outage_replaces_the_sdks_answer_with_503() -> None:
    assert_unavailable(await post(DatabaseOutageGuard(token_check_meets_an_outage)))


async def test_an_outage_raised_through_the_sdk_is_503() -> None:
    assert_unavailable(await post(DatabaseOutageGuard(sdk_raises)))


async def test_a_request_without_an_outage_passes_through() -> None:
    response = await post(DatabaseOutageGuard(healthy))
    assert (response.status_code, response.text) == (200, "fine")
