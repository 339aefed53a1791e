"""The LLM agent (OpenAI Agents SDK) against a local fake OpenAI-compatible server that
scripts the model's tool calls: no network, no key, the real client path."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from agents.tracing import Span, Trace, TracingProcessor, set_trace_processors
from agents.tracing.processors import default_processor
from fastapi import FastAPI
from pydantic import SecretStr

from tests.support import register, running
from todochat.agent.base import HistoryEntry
from todochat.agent.llm import history_as_model_input
from todochat.config import Settings
from todochat.runtime import create_app

from .chat_helpers import Chatter, parse_sse, tool_names
from .fake_openai import HANG, FakeOpenAI, Received, call, http_error, reply


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, fake_llm: FakeOpenAI) -> Settings:
    """The test's settings pointed at the fake model (agent "auto" then picks the LLM
    agent)."""
    return settings.model_copy(
        update={
            "agent": "auto",
            "llm_base_url": fake_llm.base_url,
            "llm_api_key": SecretStr("test-key"),
            "llm_model": "fake-model",
            "llm_max_retries": 0,
        }
    )


def text_of(message: dict[str, Any]) -> str:
    """A chat message's content, whether a string or a list of text parts."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return content or ""


def without_system(request: Received) -> list[dict[str, Any]]:
    assert request.messages[0]["role"] == "system"
    return request.messages[1:]


async def test_a_configured_model_endpoint_selects_the_llm_agent(app: FastAPI) -> None:
    assert app.state.runtime.chat.agent.name == "llm"


# A turn with tools -------------------------------------------------------------------------


async def test_a_turn_runs_the_tools_the_model_calls_and_returns_its_answer(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    await ada.add_task("Buy milk")
    await ada.add_task("Call mom")
    fake_llm.script(
        call("list_tasks", status="pending"),
        call("complete_task", task_id=2),
        reply("Done: task #2 “Call mom” is complete."),
    )
    turn = await ada.say("I called mom")
    assert turn["response"] == "Done: task #2 “Call mom” is complete."
    assert tool_names(turn) == ["list_tasks", "complete_task"]
    # A listing is stored as what was listed, not every task it showed.
    assert turn["tool_calls"][0]["result"] == {"count": 2, "task_ids": [1, 2]}
    assert turn["tool_calls"][1] == {
        "name": "complete_task",
        "arguments": {"task_id": 2},
        "result": {"task_id": 2, "status": "completed", "title": "Call mom"},
    }
    assert await ada.statuses() == {1: "pending", 2: "completed"}
    assert len(fake_llm.received) == 3


async def test_every_turn_uses_the_processs_one_in_process_mcp_connection(
    app: FastAPI, ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    connection = app.state.runtime.tool_connection
    fake_llm.script(call("list_tasks"), reply("Nothing yet."))
    await ada.say("what's on my list?")
    opened = connection._client
    fake_llm.script(call("add_task", title="Buy milk"), reply("Added."))
    await ada.say("add buy milk")
    assert opened is not None
    assert connection._client is opened


async def test_the_model_turn_is_stored_with_its_tool_calls(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(call("add_task", title="Buy milk"), reply("Added task #1 “Buy milk”."))
    turn = await ada.say("add buy milk")
    stored = await ada.messages(turn["conversation_id"])
    assert [(m["role"], m["content"]) for m in stored] == [
        ("user", "add buy milk"),
        ("assistant", "Added task #1 “Buy milk”."),
    ]
    assert stored[1]["tool_calls"] == turn["tool_calls"]


async def test_the_model_sees_the_tools_and_the_users_time_zone(
    client: httpx.AsyncClient, fake_llm: FakeOpenAI
) -> None:
    paris = Chatter(client, await register(client, "paris@example.com", timezone="Europe/Paris"))
    fake_llm.script(reply("Hello!"))
    await paris.say("hi")
    [request] = fake_llm.received
    assert request.body["model"] == "fake-model"
    assert "Europe/Paris" in request.messages[0]["content"]
    offered = {tool["function"]["name"] for tool in request.body["tools"]}
    assert offered == {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"}


async def test_a_streamed_turn_relays_the_models_text_and_tool_calls(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(call("add_task", title="Buy milk"), reply("Added task #1 “Buy milk”."))
    response = await ada.http.post(
        "/api/me/chat/stream", json={"message": "add buy milk"}, headers=ada.account.headers
    )
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[0] == "start"
    assert names[-1] == "done"
    assert "tool_call" in names
    deltas = "".join(data["text"] for name, data in events if name == "delta")
    assert deltas == events[-1][1]["response"] == "Added task #1 “Buy milk”."
    assert await ada.titles() == {1: "Buy milk"}


# History replay --------------------------------------------------------------------------


async def test_the_next_turn_replays_the_earlier_turn_with_its_tool_calls(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(call("add_task", title="Buy milk"), reply("Added task #1 “Buy milk”."))
    first = await ada.say("add buy milk")
    fake_llm.script(reply("You have one task: #1 Buy milk."))
    await ada.say("what do I have?", first["conversation_id"])

    replayed = without_system(fake_llm.received[2])
    assert [m["role"] for m in replayed] == ["user", "assistant", "tool", "assistant", "user"]
    user, calling, tool, answer, now = replayed
    assert user["content"] == "add buy milk"
    [tool_call] = calling["tool_calls"]
    assert tool_call["function"]["name"] == "add_task"
    assert json.loads(tool_call["function"]["arguments"]) == {"title": "Buy milk"}
    assert tool["tool_call_id"] == tool_call["id"]
    assert json.loads(text_of(tool)) == {"task_id": 1, "status": "created", "title": "Buy milk"}
    assert answer["content"] == "Added task #1 “Buy milk”."
    assert now["content"] == "what do I have?"


async def test_a_failed_turn_is_not_replayed_to_the_model(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(http_error(500))
    failed = await ada.post_chat("add buy milk")
    conversation_id = failed.json()["error"]["details"]["conversation_id"]
    fake_llm.script(reply("Hello again."))
    await ada.say("hello?", conversation_id)

    replayed = without_system(fake_llm.received[-1])
    assert [(m["role"], text_of(m)) for m in replayed] == [
        ("user", "add buy milk"),
        ("user", "hello?"),
    ]


# Tool errors and the wall between users --------------------------------------------------


async def test_a_tool_error_is_fed_back_to_the_model_and_the_turn_succeeds(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(call("complete_task", task_id=9), reply("There is no task #9."))
    turn = await ada.say("task 9 is done")
    assert turn["response"] == "There is no task #9."
    assert "task 9 not found" in turn["tool_calls"][0]["error"]
    tool_message = fake_llm.received[1].messages[-1]
    assert tool_message["role"] == "tool"
    assert "task 9 not found" in text_of(tool_message)


async def test_a_tool_call_naming_another_user_is_refused(
    ada: Chatter, ben: Chatter, fake_llm: FakeOpenAI
) -> None:
    await ben.add_task("Ben's task")
    fake_llm.script(
        call("complete_task", task_id=1, user_id=ben.account.id),
        call("delete_task", task_id=1, user_id=ben.account.id),
        reply("I can't do that."),
    )
    turn = await ada.say("complete and delete task 1 of the other user")
    assert all("refused" in c["error"] for c in turn["tool_calls"])
    assert "refused" in text_of(fake_llm.received[1].messages[-1])
    assert await ben.statuses() == {1: "pending"}
    assert await ada.tasks() == []


# Provider failures -------------------------------------------------------------------------


@pytest.fixture
async def impatient_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app that gives the model provider one second."""
    app = create_app(settings.model_copy(update={"llm_timeout_seconds": 1.0}))
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield http


async def test_a_provider_timeout_answers_504_and_stores_the_failure(
    impatient_client: httpx.AsyncClient, fake_llm: FakeOpenAI
) -> None:
    ada = Chatter(impatient_client, await register(impatient_client, "ada@example.com"))
    fake_llm.script(HANG)
    response = await ada.post_chat("add buy milk")
    assert response.status_code == 504
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("provider_timeout", "the model provider timed out")
    stored = await ada.messages(error["details"]["conversation_id"])
    assert [(m["role"], m["content"]) for m in stored] == [
        ("user", "add buy milk"),
        ("assistant", "Sorry, I couldn't answer: the model provider timed out."),
    ]


async def test_a_provider_error_answers_502_and_stores_the_failure(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(http_error(500))
    response = await ada.post_chat("add buy milk")
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "provider_error"
    assert "HTTP 500" in error["message"]
    stored = await ada.messages(error["details"]["conversation_id"])
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["content"] == f"Sorry, I couldn't answer: {error['message']}."
    assert await ada.tasks() == []


async def test_a_provider_failure_after_a_tool_call_keeps_the_call_on_record(
    ada: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(call("add_task", title="Buy milk"), http_error(500))
    response = await ada.post_chat("add buy milk")
    assert response.status_code == 502
    stored = await ada.messages(response.json()["error"]["details"]["conversation_id"])
    assert [c["name"] for c in stored[1]["tool_calls"]] == ["add_task"]
    assert await ada.titles() == {1: "Buy milk"}


# Tracing -------------------------------------------------------------------------------------


class RecordingProcessor(TracingProcessor):
    """Records every trace and span the Agents SDK starts."""

    def __init__(self) -> None:
        self.started: list[Trace | Span[Any]] = []

    def on_trace_start(self, trace: Trace) -> None:
        self.started.append(trace)

    def on_trace_end(self, trace: Trace) -> None:
        """Only starts matter."""

    def on_span_start(self, span: Span[Any]) -> None:
        self.started.append(span)

    def on_span_end(self, span: Span[Any]) -> None:
        """Only starts matter."""

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self) -> None:
        """Nothing buffered."""


@pytest.fixture
def traces() -> Iterator[RecordingProcessor]:
    recorder = RecordingProcessor()
    set_trace_processors([recorder])
    yield recorder
    set_trace_processors([default_processor()])


async def test_tracing_is_off_and_only_the_configured_endpoint_is_called(
    app: FastAPI, ada: Chatter, fake_llm: FakeOpenAI, traces: RecordingProcessor
) -> None:
    fake_llm.script(call("list_tasks"), reply("Your list is empty."))
    await ada.say("what do I have?")
    assert app.state.runtime.settings.llm_tracing is False
    assert traces.started == []
    assert len(fake_llm.received) == 2
    assert not fake_llm.answers
    assert {(r.path, r.headers["authorization"]) for r in fake_llm.received} == {
        ("/v1/chat/completions", "Bearer test-key")
    }


# History cleaning (unit) ---------------------------------------------------------------------


def cleaned(history: list[HistoryEntry]) -> list[dict[str, Any]]:
    """history_as_model_input, as plain dicts."""
    return [dict(item) for item in history_as_model_input(history)]


ADDED = {
    "name": "add_task",
    "arguments": {"title": "Buy milk"},
    "result": {"task_id": 1, "status": "created", "title": "Buy milk"},
}


def test_history_keeps_messages_and_pairs_each_call_with_its_output() -> None:
    items = cleaned(
        [
            HistoryEntry("user", "add buy milk"),
            HistoryEntry("assistant", "Added #1.", tool_calls=[ADDED]),
        ]
    )
    assert items[0] == {"role": "user", "content": "add buy milk"}
    call_item, output_item = items[1], items[2]
    assert call_item["type"] == "function_call"
    assert call_item["name"] == "add_task"
    assert json.loads(call_item["arguments"]) == {"title": "Buy milk"}
    assert output_item["type"] == "function_call_output"
    assert output_item["call_id"] == call_item["call_id"]
    assert json.loads(output_item["output"]) == ADDED["result"]
    assert items[3] == {"role": "assistant", "content": "Added #1."}
    assert len(items) == 4


def test_history_replays_a_tool_error_as_its_output() -> None:
    failed = {"name": "complete_task", "arguments": {"task_id": 9}, "error": "task 9 not found"}
    items = cleaned([HistoryEntry("assistant", "No such task.", [failed])])
    assert json.loads(items[1]["output"]) == {"error": "task 9 not found"}


def test_history_drops_a_tool_call_without_an_outcome() -> None:
    unfinished = {"name": "delete_task", "arguments": {"task_id": 1}}
    items = cleaned([HistoryEntry("assistant", "Hm.", [unfinished, ADDED])])
    calls = [item for item in items if item.get("type") == "function_call"]
    assert [c["name"] for c in calls] == ["add_task"]
    assert sum(item.get("type") == "function_call_output" for item in items) == 1


@pytest.mark.parametrize(
    "malformed",
    [
        {"arguments": {}, "result": 1},
        {"name": "add_task", "arguments": "{}", "result": 1},
        {"name": "add_task", "arguments": {}, "error": None},
        "add_task",
    ],
)
def test_history_drops_malformed_tool_calls(malformed: Any) -> None:
    items = cleaned([HistoryEntry("assistant", "Ok.", [malformed])])
    assert items == [{"role": "assistant", "content": "Ok."}]


def test_history_drops_tool_and_system_messages() -> None:
    items = cleaned(
        [
            HistoryEntry("user", "hi"),
            HistoryEntry("tool", '{"task_id": 1}'),
            HistoryEntry("system", "a note"),
            HistoryEntry("assistant", "Hello!"),
        ]
    )
    assert items == [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"}]


def test_history_drops_failed_turns_with_their_tool_calls() -> None:
    items = cleaned(
        [
            HistoryEntry("user", "add buy milk"),
            HistoryEntry(
                "assistant",
                "Sorry, I couldn't answer: the model provider timed out.",
                tool_calls=[ADDED],
                metadata={"error": "provider_timeout"},
            ),
            HistoryEntry("user", "again?"),
        ]
    )
    assert items == [
        {"role": "user", "content": "add buy milk"},
        {"role": "user", "content": "again?"},
    ]


def test_history_gives_every_replayed_call_its_own_id() -> None:
    items = cleaned(
        [
            HistoryEntry("assistant", "One.", [ADDED, ADDED]),
            HistoryEntry("assistant", "Two.", [ADDED]),
        ]
    )
    ids = [item["call_id"] for item in items if item.get("type") == "function_call"]
    assert len(ids) == len(set(ids)) == 3
