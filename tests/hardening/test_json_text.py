"""Metadata and tool calls are stored as JSON (jsonb on PostgreSQL): a string inside
them that is not UTF-8 (a lone surrogate) is refused as invalid input before the
database sees it, on both backends. (Metadata has no REST route; the services are
what every surface calls.)"""

from __future__ import annotations

import uuid

import pytest

from todochat.db import Database
from todochat.errors import InvalidInputError
from todochat.models import MessageRole, User
from todochat.services import conversations, messages, tasks, users

# PostgreSQL refuses what SQLite stores: the rule must hold on both.
pytestmark = pytest.mark.both_databases

LONE = "\ud800"


async def test_task_metadata_with_a_lone_surrogate_is_invalid_input(
    db: Database, alice: User
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        async with db.session() as session:
            await tasks.create_task(session, alice.id, title="ok", metadata={"note": LONE})
    assert raised.value.field == "metadata"


async def test_conversation_metadata_key_with_a_lone_surrogate_is_invalid_input(
    db: Database, alice: User
) -> None:
    with pytest.raises(InvalidInputError):
        async with db.session() as session:
            await conversations.create_conversation(session, alice.id, metadata={LONE: 1})


async def test_message_metadata_and_tool_calls_with_a_lone_surrogate_are_invalid_input(
    db: Database, alice: User
) -> None:
    async with db.session() as session:
        conversation = await conversations.create_conversation(session, alice.id)
    for extra in ({"metadata": {"x": [LONE]}}, {"tool_calls": [{"args": {"q": LONE}}]}):
        with pytest.raises(InvalidInputError):
            async with db.session() as session:
                await messages.append_message(
                    session,
                    alice.id,
                    conversation.id,
                    role=MessageRole.ASSISTANT,
                    content="ok",
                    **extra,  # type: ignore[arg-type]
                )
    async with db.session() as session:
        stored = await messages.list_messages(session, alice.id, conversation.id)
    assert stored == []


async def test_an_external_identity_with_lone_surrogates_is_provisioned_without_them(
    db: Database,
) -> None:
    async with db.session() as session:
        user = await users.provision_external_user(
            session, f"ext-{uuid.uuid4()}", email=f"ada{LONE}@example.com", name=f"A{LONE}da"
        )
    assert user.name == "Ada"
    assert user.email is None
