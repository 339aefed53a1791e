"""The stateless chat turn over HTTP: POST /api/{user_id}/chat and its SSE twin."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.support import ServerProcess, register, running
from todochat.agent.base import (
    AgentError,
    AgentEvent,
    AgentReply,
    AgentRequest,
    ReplyDone,
    TextDelta,
)
from todochat.config import Settings
from todochat.runtime import create_app
from todochat.services import conversations, messages

from .chat_helpers import Chatter, parse_sse


def shape(stored: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(m["seq"], m["role"]) for m in stored]


# The answer --------------------------------------------------------------------------


@pytest.mark.both_databases
async def test_a_turn_answers_with_conversation_id_response_and_tool_calls(ada: Chatter) -> None:
    turn = await ada.say("Add a task to buy groceries")
    assert set(turn) == {"conversation_id", "response", "tool_calls"}
    assert uuid.UUID(turn["conversation_id"])
    assert "Buy groceries" in turn["response"]
    assert turn["tool_calls"] == [
        {
            "name": "add_task",
            "arguments": {"title": "Buy groceries"},
            "result": {"task_id": 1, "status": "created", "title": "Buy groceries"},
        }
    ]


async def test_me_is_accepted_as_the_path_user(ada: Chatter) -> None:
    response = await ada.post_chat("add buy milk", path_user="me")
    assert response.status_code == 200
    assert await ada.titles() == {1: "Buy milk"}


async def test_another_users_path_is_forbidden_and_nothing_is_stored(
    ada: Chatter, ben: Chatter
) -> None:
    response = await ada.post_chat("add buy milk", path_user=ben.account.id)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert await ada.conversations() == []
    assert await ben.conversations() == []
    assert await ada.tasks() == []


async def test_a_turn_without_a_token_is_unauthorized(ada: Chatter) -> None:
    response = await ada.http.post(f"/api/{ada.account.id}/chat", json={"message": "hi"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


# Conversations -------------------------------------------------------------------------


async def test_a_turn_without_conversation_id_starts_a_new_conversation(ada: Chatter) -> None:
    first = await ada.say("add buy milk")
    second = await ada.say("what's pending?")
    assert first["conversation_id"] != second["conversation_id"]
    listed = {c["id"] for c in await ada.conversations()}
    assert listed == {first["conversation_id"], second["conversation_id"]}


async def test_a_turn_with_conversation_id_continues_that_conversation(ada: Chatter) -> None:
    first = await ada.say("add buy milk")
    second = await ada.say("what's pending?", first["conversation_id"])
    assert second["conversation_id"] == first["conversation_id"]
    [conversation] = await ada.conversations()
    assert conversation["message_count"] == 4


async def test_a_new_conversation_is_titled_by_its_first_message(ada: Chatter) -> None:
    await ada.say("Add a task to buy groceries")
    [conversation] = await ada.conversations()
    assert conversation["title"] == "Add a task to buy groceries"


async def test_an_unknown_conversation_id_is_not_found(ada: Chatter) -> None:
    response = await ada.post_chat("add buy milk", str(uuid.uuid4()))
    assert response.status_code == 404
    assert await ada.tasks() == []


async def test_another_users_conversation_is_not_found_and_nothing_is_stored(
    ada: Chatter, ben: Chatter
) -> None:
    bens = await ben.say("add buy milk")
    response = await ada.post_chat("mark it done", bens["conversation_id"])
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert shape(await ben.messages(bens["conversation_id"])) == [(1, "user"), (2, "assistant")]
    assert await ada.conversations() == []
    assert (await ben.task(1))["status"] == "pending"


# What is stored ------------------------------------------------------------------------


async def test_the_turn_is_stored_as_a_user_then_an_assistant_message(ada: Chatter) -> None:
    turn = await ada.say("add buy milk")
    stored = await ada.messages(turn["conversation_id"])
    assert shape(stored) == [(1, "user"), (2, "assistant")]
    assert stored[0]["content"] == "add buy milk"
    assert stored[0]["tool_calls"] is None
    assert stored[1]["content"] == turn["response"]
    assert stored[1]["tool_calls"] == [
        {
            "name": "add_task",
            "arguments": {"title": "Buy milk"},
            "result": {"task_id": 1, "status": "created", "title": "Buy milk"},
        }
    ]


async def test_a_failed_tool_call_is_stored_with_its_error_instead_of_a_result(
    ada: Chatter,
) -> None:
    turn = await ada.say("mark task 9 as done")
    [stored_call] = (await ada.messages(turn["conversation_id"]))[1]["tool_calls"]
    assert stored_call == {
        "name": "complete_task",
        "arguments": {"task_id": 9},
        "error": "task 9 not found",
    }


@pytest.mark.both_databases
async def test_turns_of_one_conversation_are_stored_in_seq_order(ada: Chatter) -> None:
    said = ["add buy milk", "what's pending?", "mark it done"]
    conversation_id = (await ada.say(said[0]))["conversation_id"]
    for message in said[1:]:
        await ada.say(message, conversation_id)
    stored = await ada.messages(conversation_id)
    assert [m["seq"] for m in stored] == [1, 2, 3, 4, 5, 6]
    assert [m["role"] for m in stored] == ["user", "assistant"] * 3
    assert [m["content"] for m in stored[::2]] == said


@dataclass
class PeekingAgent:
    """Records what the database holds, and what history it is given, when it runs."""

    app: FastAPI
    name: str = "peeking"
    answers_at_once: bool = False
    stored_when_running: list[tuple[str, str]] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)

    async def stream(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        async with self.app.state.runtime.database.session() as session:
            [conversation] = (
                await conversations.list_conversations(session, request.user_id)
            ).items
            stored = await messages.list_messages(session, request.user_id, conversation.id)
        self.stored_when_running = [(str(m.role), m.content) for m in stored]
        self.history = [(entry.role, entry.content) for entry in request.history]
        yield TextDelta("Seen.")
        yield ReplyDone(AgentReply(text="Seen.", tool_calls=[]))


@pytest.fixture
def peeking_agent(app: FastAPI) -> PeekingAgent:
    agent = PeekingAgent(app)
    app.state.runtime.chat.agent = agent
    return agent


async def test_the_user_message_is_stored_before_the_agent_runs(
    ada: Chatter, peeking_agent: PeekingAgent
) -> None:
    await ada.say("add buy milk")
    assert peeking_agent.stored_when_running == [("user", "add buy milk")]


async def test_the_agent_gets_earlier_turns_as_history_without_the_new_message(
    ada: Chatter, peeking_agent: PeekingAgent
) -> None:
    first = await ada.say("first message")
    await ada.say("second message", first["conversation_id"])
    assert peeking_agent.history == [("user", "first message"), ("assistant", "Seen.")]


class FailingAgent:
    name = "failing"
    answers_at_once = False

    async def stream(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        await request.tools.call("add_task", {"title": "Half-done work"})
        raise AgentError("the model provider cannot be reached", code="provider_unreachable")
        yield  # an async generator


async def test_a_failing_agent_gets_a_clean_error_and_a_stored_apology(
    app: FastAPI, ada: Chatter
) -> None:
    app.state.runtime.chat.agent = FailingAgent()
    response = await ada.post_chat("add buy milk")
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "provider_unreachable"
    stored = await ada.messages(error["details"]["conversation_id"])
    assert shape(stored) == [(1, "user"), (2, "assistant")]
    assert "the model provider cannot be reached" in stored[1]["content"]
    assert [c["name"] for c in stored[1]["tool_calls"]] == ["add_task"]


# Input limits ------------------------------------------------------------------------


async def test_a_message_over_1000_characters_is_rejected_and_nothing_is_stored(
    ada: Chatter,
) -> None:
    response = await ada.post_chat("add " + "x" * 997)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert await ada.conversations() == []
    assert await ada.tasks() == []


async def test_a_message_over_the_limit_adds_nothing_to_an_existing_conversation(
    ada: Chatter,
) -> None:
    first = await ada.say("hello")
    response = await ada.post_chat("y" * 1001, first["conversation_id"])
    assert response.status_code == 422
    assert shape(await ada.messages(first["conversation_id"])) == [(1, "user"), (2, "assistant")]


async def test_a_message_of_exactly_1000_characters_is_accepted(ada: Chatter) -> None:
    response = await ada.post_chat("z" * 1000)
    assert response.status_code == 200


async def test_an_empty_message_is_rejected(ada: Chatter) -> None:
    response = await ada.post_chat("   ")
    assert response.status_code == 422
    assert await ada.conversations() == []


# Rate limit --------------------------------------------------------------------------


@pytest.fixture
async def limited_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app that takes two chat turns a minute from each user."""
    app = create_app(settings.model_copy(update={"chat_requests_per_minute": 2}))
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield http


async def test_the_turn_over_the_chat_rate_limit_is_refused_with_retry_after(
    limited_client: httpx.AsyncClient,
) -> None:
    ada = Chatter(limited_client, await register(limited_client, "ada@example.com"))
    await ada.say("add one")
    await ada.say("add two")
    response = await ada.post_chat("add three")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
    assert await ada.titles() == {1: "One", 2: "Two"}
    assert len(await ada.conversations()) == 2


async def test_the_chat_rate_limit_counts_each_user_separately(
    limited_client: httpx.AsyncClient,
) -> None:
    ada = Chatter(limited_client, await register(limited_client, "ada@example.com"))
    ben = Chatter(limited_client, await register(limited_client, "ben@example.com"))
    await ada.say("add one")
    await ada.say("add two")
    response = await ben.post_chat("add three")
    assert response.status_code == 200


# Streaming -----------------------------------------------------------------------------


async def stream_turn(
    chatter: Chatter, message: str, conversation_id: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    return await chatter.http.post(
        f"/api/{chatter.account.id}/chat/stream", json=body, headers=chatter.account.headers
    )


async def test_the_stream_sends_start_tool_call_deltas_then_done(ada: Chatter) -> None:
    response = await stream_turn(ada, "Add a task to buy groceries")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[:2] == ["start", "tool_call"]
    assert names[-1] == "done"
    assert set(names[2:-1]) == {"delta"}
    assert len(names[2:-1]) > 1


async def test_the_streamed_deltas_add_up_to_the_done_response(ada: Chatter) -> None:
    events = parse_sse((await stream_turn(ada, "Add a task to buy groceries")).text)
    done = events[-1][1]
    assert "".join(data["text"] for name, data in events if name == "delta") == done["response"]
    assert events[0][1]["conversation_id"] == done["conversation_id"]
    assert events[1][1] == done["tool_calls"][0]
    assert done["tool_calls"][0]["result"]["title"] == "Buy groceries"


@pytest.mark.both_databases
async def test_a_streamed_turn_is_stored_like_any_other(ada: Chatter) -> None:
    events = parse_sse((await stream_turn(ada, "add buy milk")).text)
    done = events[-1][1]
    stored = await ada.messages(done["conversation_id"])
    assert shape(stored) == [(1, "user"), (2, "assistant")]
    assert stored[1]["content"] == done["response"]
    assert stored[1]["tool_calls"] == done["tool_calls"]
    assert await ada.titles() == {1: "Buy milk"}


async def test_a_streamed_turn_continues_a_conversation(ada: Chatter) -> None:
    first = await ada.say("add buy milk")
    events = parse_sse((await stream_turn(ada, "mark it done", first["conversation_id"])).text)
    assert events[-1][1]["conversation_id"] == first["conversation_id"]
    assert (await ada.task(1))["status"] == "completed"


async def test_the_stream_answers_an_unknown_conversation_with_a_plain_404(ada: Chatter) -> None:
    response = await stream_turn(ada, "add buy milk", str(uuid.uuid4()))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_a_failing_agent_ends_the_stream_with_an_error_event(
    app: FastAPI, ada: Chatter
) -> None:
    app.state.runtime.chat.agent = FailingAgent()
    events = parse_sse((await stream_turn(ada, "add buy milk")).text)
    name, data = events[-1]
    assert name == "error"
    assert data["error"]["code"] == "provider_unreachable"
    stored = await ada.messages(data["conversation_id"])
    assert "the model provider cannot be reached" in stored[-1]["content"]


# Restarts ------------------------------------------------------------------------------


@pytest.mark.both_databases
async def test_a_conversation_continues_after_the_server_restarts(
    database_url: str, serve: Callable[..., ServerProcess]
) -> None:
    server = serve(database_url).start()
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        ada = Chatter(http, await register(http, "ada@example.com"))
        await ada.add_task("Call mom")
        first = await ada.say("add buy milk")

        server.stop()
        server.start()

        turn = await ada.say("mark it done", first["conversation_id"])
        assert turn["tool_calls"][0]["arguments"] == {"task_id": 2}
        assert await ada.statuses() == {1: "pending", 2: "completed"}
        stored = await ada.messages(first["conversation_id"])
        assert shape(stored) == [(1, "user"), (2, "assistant"), (3, "user"), (4, "assistant")]
