"""The LLM agent against the fake server behaving like each real server family
(fake_openai.PROFILES), over /chat and /chat/stream: tools are used, the turn's
deadline holds, a cut-off call is neither run nor replayed, partial success is
listed, and an empty reply is never "Done."."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlmodel import col, select

from tests.support import register, running
from todochat.agent.compat import PendingCall, RefusedCall, settle
from todochat.config import Settings
from todochat.models import Message
from todochat.runtime import create_app

from .chat_helpers import Chatter, parse_sse
from .fake_openai import (
    PROFILES,
    TRICKLE,
    FakeOpenAI,
    Profile,
    Received,
    call,
    cut_off_call,
    http_error,
    reply,
)

# What each server family needs from todochat's settings (README: "Using an LLM").
PROFILE_SETTINGS: dict[str, dict[str, Any]] = {
    # llama-cpp-python cannot stream automatic tool calls.
    "llama-cpp-python": {"llm_streaming": "never"},
}


@pytest.fixture(params=PROFILES, ids=lambda profile: profile.name)
def profile(request: pytest.FixtureRequest) -> Profile:
    chosen: Profile = request.param
    return chosen


@pytest.fixture(params=["chat", "stream"])
def transport(request: pytest.FixtureRequest) -> str:
    """/chat (a plain JSON turn) or /chat/stream (Server-Sent Events)."""
    chosen: str = request.param
    return chosen


@pytest.fixture
def fake_llm(profile: Profile) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(profile) as server:
        yield server


@pytest.fixture
def settings(settings: Settings, fake_llm: FakeOpenAI, profile: Profile) -> Settings:
    return settings.model_copy(
        update={
            "agent": "llm",
            "llm_base_url": fake_llm.base_url,
            "llm_api_key": SecretStr("sk-test-secret-key"),
            "llm_model": "fake-model",
            "llm_max_retries": 0,
            **PROFILE_SETTINGS.get(profile.name, {}),
        }
    )


@dataclass
class Outcome:
    """A turn's end, the same for /chat and /chat/stream."""

    conversation_id: str
    response: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    status: int | None = None  # the HTTP status of a failed /chat turn

    @property
    def names(self) -> list[str]:
        return [c["name"] for c in self.tool_calls]


async def take_turn(
    chatter: Chatter, transport: str, message: str, conversation_id: str | None = None
) -> Outcome:
    """One turn over the chosen transport."""
    if transport == "chat":
        response = await chatter.post_chat(message, conversation_id)
        body = response.json()
        if response.status_code == 200:
            return Outcome(body["conversation_id"], body["response"], body["tool_calls"])
        details = body["error"]["details"]
        return Outcome(
            details["conversation_id"],
            tool_calls=details.get("tool_calls", []),
            error=body["error"]["code"],
            status=response.status_code,
        )
    payload: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        payload["conversation_id"] = conversation_id
    response = await chatter.http.post(
        "/api/me/chat/stream", json=payload, headers=chatter.account.headers, timeout=60
    )
    name, data = parse_sse(response.text)[-1]
    if name == "done":
        return Outcome(data["conversation_id"], data["response"], data["tool_calls"])
    assert name == "error", response.text
    return Outcome(
        data["conversation_id"], tool_calls=data.get("tool_calls", []), error=data["error"]["code"]
    )


def tool_calls_sent(request: Received) -> list[dict[str, Any]]:
    """The assistant tool calls a request replays to the model."""
    return [c for m in request.messages for c in m.get("tool_calls") or []]


async def stored_notes(app: FastAPI, conversation_id: str) -> list[Message]:
    """The conversation's assistant messages, read from the database (with metadata)."""
    async with app.state.runtime.database.session() as session:
        statement = (
            select(Message)
            .where(col(Message.conversation_id) == uuid.UUID(conversation_id))
            .where(col(Message.role) == "assistant")
            .order_by(col(Message.seq))
        )
        return list((await session.exec(statement)).all())


# Tools are used --------------------------------------------------------------------------


async def test_the_models_tool_calls_are_made(
    ada: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(call("add_task", title="Buy milk"), reply("Added task #1 “Buy milk”."))
    outcome = await take_turn(ada, transport, "add buy milk")
    assert outcome.error is None
    assert outcome.names == ["add_task"]
    assert outcome.response == "Added task #1 “Buy milk”."
    assert await ada.titles() == {1: "Buy milk"}


async def test_every_request_sends_tool_choice_and_max_tokens_and_streams_only_as_asked(
    ada: Chatter, fake_llm: FakeOpenAI, transport: str, settings: Settings
) -> None:
    fake_llm.script(call("list_tasks"), reply("Your list is empty."))
    await take_turn(ada, transport, "what do I have?")
    streams = transport == "stream" and settings.llm_streaming != "never"
    for request in fake_llm.received:
        assert request.body["tool_choice"] == "auto"
        assert request.body["max_tokens"] == 1024
        assert "parallel_tool_calls" not in request.body
        assert bool(request.body.get("stream")) is streams


MakeChatter = Callable[..., AbstractAsyncContextManager[Chatter]]


@pytest.fixture
def chatter_with(settings: Settings) -> MakeChatter:
    """A user of an app made with these settings changed."""

    @asynccontextmanager
    async def make(**update: Any) -> AsyncIterator[Chatter]:
        app = create_app(settings.model_copy(update=update))
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                yield Chatter(http, await register(http, "ada@example.com"))

    return make


@pytest.mark.parametrize("profile", PROFILES[:1], ids=["openai"], indirect=True)
async def test_parallel_tool_calls_is_sent_when_set(
    chatter_with: MakeChatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(reply("Hello!"))
    async with chatter_with(llm_parallel_tool_calls=False) as ada:
        await take_turn(ada, transport, "hi")
    assert fake_llm.received[0].body["parallel_tool_calls"] is False


@pytest.mark.parametrize("profile", PROFILES[:1], ids=["openai"], indirect=True)
async def test_streaming_always_streams_a_plain_chat_turn_too(
    chatter_with: MakeChatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(call("list_tasks"), reply("Your list is empty."))
    async with chatter_with(llm_streaming="always") as ada:
        outcome = await take_turn(ada, "chat", "what do I have?")
    assert outcome.response == "Your list is empty."
    assert all(request.body["stream"] is True for request in fake_llm.received)


@pytest.mark.parametrize("profile", PROFILES[2:3], ids=["llama-cpp-python"], indirect=True)
async def test_a_stream_cut_off_by_the_provider_fails_cleanly(
    chatter_with: MakeChatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(call("add_task", title="Buy milk"))
    async with chatter_with(llm_streaming="always") as ada:
        outcome = await take_turn(ada, transport, "add buy milk")
        assert outcome.error == "provider_error"
        assert outcome.status in (None, 502)
        stored = await ada.messages(outcome.conversation_id)
        assert "stream ended early" in stored[-1]["content"]
        assert await ada.tasks() == []


@pytest.mark.parametrize("profile", PROFILES[:1], ids=["openai"], indirect=True)
async def test_the_tool_call_cap_stops_the_turn_and_says_so(
    chatter_with: MakeChatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(
        call("add_task", title="One"),
        call("add_task", title="Two"),
        call("add_task", title="Three"),
        reply("Added three tasks."),
    )
    async with chatter_with(llm_max_tool_calls=2) as ada:
        outcome = await take_turn(ada, transport, "add one, two and three")
        assert outcome.error is None
        assert outcome.names == ["add_task", "add_task"]
        assert outcome.response is not None
        assert outcome.response.startswith("I stopped after 2 tool calls")
        assert await ada.titles() == {1: "One", 2: "Two"}


# The turn's deadline ----------------------------------------------------------------------


@pytest.fixture
async def hurried(chatter_with: MakeChatter) -> AsyncIterator[Chatter]:
    """A user of an app whose turns may last one second (a read may last a minute)."""
    async with chatter_with(llm_turn_timeout_seconds=1.0, llm_timeout_seconds=60.0) as ada:
        yield ada


async def test_a_model_that_never_stops_ends_the_turn_at_its_deadline_with_504(
    hurried: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(TRICKLE)
    outcome = await take_turn(hurried, transport, "add buy milk")
    assert outcome.error == "turn_timeout"
    assert outcome.status in (None, 504)
    stored = await hurried.messages(outcome.conversation_id)
    assert stored[-1]["content"].startswith("Sorry, I couldn't answer: the turn took longer")


# Cut-off tool calls ------------------------------------------------------------------------


async def test_a_cut_off_call_is_not_run_and_the_model_is_asked_once_more(
    ada: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(
        cut_off_call("add_task", title="Buy milk and bread"),
        call("add_task", title="Buy milk"),
        reply("Added task #1 “Buy milk”."),
    )
    outcome = await take_turn(ada, transport, "add buy milk")
    assert outcome.names == ["add_task"]
    assert await ada.titles() == {1: "Buy milk"}
    # The second request is the first one again: the cut-off call is not in it.
    first, second, _ = fake_llm.received
    assert second.messages == first.messages


async def test_a_cut_off_call_is_not_replayed_in_later_turns(
    ada: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(
        cut_off_call("add_task", title="Buy milk and bread"),
        call("add_task", title="Buy milk"),
        reply("Added."),
    )
    first = await take_turn(ada, transport, "add buy milk")
    fake_llm.script(reply("You have one task."))
    later = await take_turn(ada, transport, "what do I have?", first.conversation_id)
    assert later.error is None
    [replayed] = tool_calls_sent(fake_llm.received[-1])
    assert json.loads(replayed["function"]["arguments"]) == {"title": "Buy milk"}


async def test_a_call_cut_off_twice_fails_cleanly_and_runs_nothing(
    ada: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(
        cut_off_call("add_task", title="Buy milk and bread"),
        cut_off_call("add_task", title="Buy milk and bread"),
    )
    outcome = await take_turn(ada, transport, "add buy milk")
    assert outcome.error == "model_error"
    assert outcome.status in (None, 502)
    assert outcome.tool_calls == []
    assert await ada.tasks() == []


# Partial success and empty replies ----------------------------------------------------------


async def test_a_failure_after_a_call_lists_the_call_and_what_it_changed(
    app: FastAPI, ada: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(call("add_task", title="Buy milk"), http_error(500))
    outcome = await take_turn(ada, transport, "add buy milk")
    assert outcome.error == "provider_error"
    assert outcome.status in (None, 502)
    assert outcome.tool_calls == [
        {
            "name": "add_task",
            "arguments": {"title": "Buy milk"},
            "result": {"task_id": 1, "status": "created", "title": "Buy milk"},
        }
    ]
    [note] = await stored_notes(app, outcome.conversation_id)
    assert "Before that, these changes were made: task #1 “Buy milk” created." in note.content


async def test_an_empty_reply_without_a_call_is_reported_never_done(
    ada: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(reply(""))
    outcome = await take_turn(ada, transport, "hello")
    assert outcome.error == "empty_reply"
    stored = await ada.messages(outcome.conversation_id)
    assert stored[-1]["content"] == "Sorry, I couldn't answer: the model gave an empty reply."


# The provider's own words ----------------------------------------------------------------------


async def test_the_providers_error_is_kept_in_the_notes_metadata_without_the_key(
    app: FastAPI, ada: Chatter, fake_llm: FakeOpenAI, transport: str
) -> None:
    fake_llm.script(http_error(500))
    outcome = await take_turn(ada, transport, "add buy milk")
    [note] = await stored_notes(app, outcome.conversation_id)
    assert note.meta is not None
    assert note.meta["error"] == "provider_error"
    assert note.meta["detail"].startswith("HTTP 500: ")
    assert "boom: model overloaded" in note.meta["detail"]
    assert "sk-test-secret-key" not in json.dumps(note.meta)


@pytest.mark.parametrize("profile", PROFILES[:1], ids=["openai"], indirect=True)
async def test_the_providers_error_is_logged_without_the_key(
    ada: Chatter, fake_llm: FakeOpenAI, transport: str, caplog: pytest.LogCaptureFixture
) -> None:
    fake_llm.script(http_error(503))
    with caplog.at_level("WARNING", logger="todochat.agent"):
        await take_turn(ada, transport, "add buy milk")
    [logged] = [r.getMessage() for r in caplog.records if "model run failed" in r.getMessage()]
    assert "HTTP 503" in logged
    assert "boom: model overloaded" in logged
    assert "sk-test-secret-key" not in caplog.text


# Settling an answer (unit) -----------------------------------------------------------------

TOOLS = {"add_task", "list_tasks"}


def test_reasoning_before_the_answer_is_dropped() -> None:
    assert settle("<think>hmm</think>\n\nHello!", [], "stop", TOOLS) == ("Hello!", [])


def test_hermes_style_calls_in_the_text_are_recovered() -> None:
    text = (
        '<tool_call>{"name": "add_task", "arguments": {"title": "A"}}</tool_call>\n'
        '<tool_call>{"name": "list_tasks", "arguments": {}}</tool_call>'
    )
    answer, calls = settle(text, [], "stop", TOOLS)
    assert answer == ""
    assert [(c.name, json.loads(c.arguments)) for c in calls] == [
        ("add_task", {"title": "A"}),
        ("list_tasks", {}),
    ]


@pytest.mark.parametrize(
    ("text", "name", "arguments"),
    [
        ('{"name": "add_task", "parameters": {"title": "A"}}', "add_task", {"title": "A"}),
        ('{"name": "add_task", "arguments": "{\\"title\\": \\"A\\"}"}', "add_task", {"title": "A"}),
        ('{"name": "list_tasks", "arguments": ""}', "list_tasks", {}),
        ('{"name": "list_tasks"}', "list_tasks", {}),
    ],
)
def test_a_bare_json_call_is_recovered(text: str, name: str, arguments: dict[str, Any]) -> None:
    _, calls = settle(text, [], "stop", TOOLS)
    assert [(c.name, json.loads(c.arguments)) for c in calls] == [(name, arguments)]


@pytest.mark.parametrize(
    "text",
    [
        'I will call {"name": "add_task", "arguments": {"title": "A"}}',
        '{"name": "send_email", "arguments": {}}',
        '{"name": "add_task", "arguments": {"title": "A"}, "note": "x"}',
        '{"title": "A"}',
    ],
)
def test_text_that_is_not_unambiguously_a_call_stays_text(text: str) -> None:
    assert settle(text, [], "stop", TOOLS) == (text, [])


def test_no_call_is_recovered_when_no_tools_were_offered() -> None:
    text = '{"name": "add_task", "arguments": {}}'
    assert settle(text, [], "stop", set()) == (text, [])


@pytest.mark.parametrize(
    ("arguments", "finish"),
    [('{"title": "Bu', "length"), ('{"title": "Buy"}', "length"), ("[1]", "stop")],
)
def test_a_cut_off_or_unreadable_call_is_refused(arguments: str, finish: str) -> None:
    with pytest.raises(RefusedCall, match=r"cut off|not valid JSON"):
        settle("", [PendingCall("call_1", "add_task", arguments)], finish, TOOLS)


def test_empty_arguments_are_no_arguments() -> None:
    _, [settled] = settle("", [PendingCall("call_1", "list_tasks", "")], "tool_calls", TOOLS)
    assert settled.arguments == "{}"
