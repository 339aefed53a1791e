"""bench/tool_schemas.py measures what the LLM agent really sends: its `tools` array
equals the one in a real chat turn's request to an OpenAI-compatible server (the fake
one of tests/chat), so the measure goes stale the day the agent converts otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bench.tool_schemas import openai_tools
from pydantic import SecretStr

from tests.chat.chat_helpers import Chatter
from tests.chat.fake_openai import FakeOpenAI, reply
from todochat.config import Settings


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, fake_llm: FakeOpenAI) -> Settings:
    """The app's LLM agent pointed at the fake model."""
    return settings.model_copy(
        update={
            "agent": "llm",
            "llm_base_url": fake_llm.base_url,
            "llm_api_key": SecretStr("test-key"),
            "llm_model": "fake-model",
            "llm_max_retries": 0,
        }
    )


async def test_the_bench_measures_the_tools_the_agent_sends(
    amy: Chatter, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(reply("Nothing to do."))
    await amy.say("hello")
    sent = fake_llm.received[0].body["tools"]
    by_name = {entry["function"]["name"]: entry for entry in sent}
    measured = {e["function"]["name"]: e for e in await openai_tools(advertise_user_id=False)}
    assert by_name == measured
