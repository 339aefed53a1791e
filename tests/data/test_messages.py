"""Messages: appending to a conversation and reading its history."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, NotFoundError
from todochat.models import Conversation, Message, MessageRole, User
from todochat.services import conversations, messages

from .support import count_rows, rejected


@pytest.fixture
async def conversation(session: AsyncSession, alice: User) -> Conversation:
    return await conversations.create_conversation(session, alice.id)


async def add(
    session: AsyncSession,
    user: User,
    conversation: Conversation,
    content: str,
    role: MessageRole = MessageRole.USER,
) -> int:
    message = await messages.append_message(
        session, user.id, conversation.id, role=role, content=content
    )
    return message.seq


async def seqs(
    session: AsyncSession, user: User, conversation: Conversation, **page: int
) -> list[int]:
    history = await messages.list_messages(session, user.id, conversation.id, **page)
    return [message.seq for message in history]


async def stored_title(session: AsyncSession, user: User, conversation: Conversation) -> str | None:
    session.expunge_all()
    return (await conversations.get_conversation(session, user.id, conversation.id)).title


# Appending ---------------------------------------------------------------------


async def test_messages_are_numbered_1_2_3_in_their_conversation(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    assert [await add(session, alice, conversation, f"m{i}") for i in range(3)] == [1, 2, 3]


async def test_each_conversation_numbers_its_own_messages(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await add(session, alice, conversation, "first thread")
    other = await conversations.create_conversation(session, alice.id)

    assert await add(session, alice, other, "second thread") == 1


async def test_conversation_counts_its_messages(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await add(session, alice, conversation, "one")
    await add(session, alice, conversation, "two", MessageRole.ASSISTANT)
    session.expunge_all()

    stored = await conversations.get_conversation(session, alice.id, conversation.id)
    assert stored.message_seq == 2


async def test_message_keeps_role_content_tool_calls_and_metadata(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    calls = [{"name": "add_task", "arguments": {"title": "milk"}, "result": {"task_id": 1}}]
    await messages.append_message(
        session,
        alice.id,
        conversation.id,
        role=MessageRole.ASSISTANT,
        content="Added **milk** ✓",
        tool_calls=calls,
        metadata={"model": "builtin"},
    )
    session.expunge_all()

    [message] = await messages.list_messages(session, alice.id, conversation.id)
    assert (message.role, message.content) == (MessageRole.ASSISTANT, "Added **milk** ✓")
    assert (message.tool_calls, message.meta) == (calls, {"model": "builtin"})
    assert message.user_id == alice.id


async def test_first_user_message_titles_an_untitled_conversation(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await add(session, alice, conversation, "Plan the   trip\nto Rome")
    await add(session, alice, conversation, "and book hotels")

    assert await stored_title(session, alice, conversation) == "Plan the trip to Rome"


async def test_title_from_a_long_first_message_is_cut_to_100_characters(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await add(session, alice, conversation, "word " * 100)

    title = await stored_title(session, alice, conversation)
    assert title is not None
    assert len(title) <= 100
    assert title.endswith("…")
    assert title.startswith("word word")


async def test_assistant_message_does_not_title_the_conversation(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await add(session, alice, conversation, "Hello! How can I help?", MessageRole.ASSISTANT)

    assert await stored_title(session, alice, conversation) is None


async def test_first_message_keeps_an_existing_title(session: AsyncSession, alice: User) -> None:
    named = await conversations.create_conversation(session, alice.id, title="Groceries")

    await add(session, alice, named, "buy milk")

    assert await stored_title(session, alice, named) == "Groceries"


async def test_message_to_a_missing_conversation_is_not_found(
    session: AsyncSession, alice: User
) -> None:
    await rejected(
        session,
        NotFoundError,
        messages.append_message(
            session, alice.id, uuid.uuid4(), role=MessageRole.USER, content="hi"
        ),
    )

    assert await count_rows(session, "messages") == 0


# Input limits ------------------------------------------------------------------


async def test_user_message_of_1000_characters_is_accepted(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    assert await add(session, alice, conversation, "x" * 1000) == 1


async def test_user_message_over_1000_characters_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    error = await rejected(
        session, InvalidInputError, add(session, alice, conversation, "x" * 1001)
    )

    assert error.field == "content"
    assert await count_rows(session, "messages") == 0
    stored = await conversations.get_conversation(session, alice.id, conversation.id)
    assert (stored.message_seq, stored.title) == (0, None)


async def test_assistant_message_of_1500_characters_is_accepted(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await add(session, alice, conversation, "y" * 1500, MessageRole.ASSISTANT)

    [message] = await messages.list_messages(session, alice.id, conversation.id)
    assert len(message.content) == 1500


@pytest.mark.parametrize("role", [MessageRole.USER, MessageRole.SYSTEM])
async def test_blank_user_or_system_message_is_rejected(
    session: AsyncSession, alice: User, conversation: Conversation, role: MessageRole
) -> None:
    await rejected(session, InvalidInputError, add(session, alice, conversation, "  \n", role))

    assert await count_rows(session, "messages") == 0


async def test_message_metadata_over_16_kib_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await rejected(
        session,
        InvalidInputError,
        messages.append_message(
            session,
            alice.id,
            conversation.id,
            role=MessageRole.ASSISTANT,
            content="ok",
            metadata={"blob": "z" * 16 * 1024},
        ),
    )

    assert await count_rows(session, "messages") == 0
    stored = await conversations.get_conversation(session, alice.id, conversation.id)
    assert stored.message_seq == 0


# History pages -----------------------------------------------------------------


@pytest.fixture
async def ten_messages(session: AsyncSession, alice: User, conversation: Conversation) -> None:
    for index in range(1, 11):
        role = MessageRole.USER if index % 2 else MessageRole.ASSISTANT
        await add(session, alice, conversation, f"message {index}", role)


@pytest.mark.usefixtures("ten_messages")
async def test_history_is_in_seq_order(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    assert await seqs(session, alice, conversation) == list(range(1, 11))


@pytest.mark.usefixtures("ten_messages")
async def test_history_limit_gives_the_latest_messages(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    assert await seqs(session, alice, conversation, limit=3) == [8, 9, 10]


@pytest.mark.usefixtures("ten_messages")
async def test_history_before_gives_the_messages_just_before(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    assert await seqs(session, alice, conversation, limit=3, before=8) == [5, 6, 7]


@pytest.mark.usefixtures("ten_messages")
async def test_history_after_gives_the_messages_just_after(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    assert await seqs(session, alice, conversation, limit=3, after=2) == [3, 4, 5]


@pytest.mark.usefixtures("ten_messages")
async def test_history_pages_backwards_cover_everything_once(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    pages: list[list[int]] = []
    before: int | None = None
    while page := await seqs(session, alice, conversation, limit=4, **_before(before)):
        pages.insert(0, page)
        before = page[0]

    assert pages == [[1, 2], [3, 4, 5, 6], [7, 8, 9, 10]]


def _before(seq: int | None) -> dict[str, int]:
    return {} if seq is None else {"before": seq}


@pytest.mark.usefixtures("ten_messages")
async def test_recent_history_is_bounded_by_message_count(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    history = await messages.recent_history(session, alice.id, conversation.id, max_messages=4)

    assert [message.seq for message in history] == [7, 8, 9, 10]


async def test_recent_history_is_bounded_by_characters(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    for size in (50, 40, 30, 20):
        await add(session, alice, conversation, "c" * size)

    history = await messages.recent_history(session, alice.id, conversation.id, max_chars=95)

    assert [message.seq for message in history] == [2, 3, 4]


async def test_recent_history_always_keeps_the_newest_message(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    await add(session, alice, conversation, "short")
    await add(session, alice, conversation, "l" * 900)

    history = await messages.recent_history(session, alice.id, conversation.id, max_chars=10)

    assert [message.seq for message in history] == [2]


async def test_recent_history_of_an_empty_conversation_is_empty(
    session: AsyncSession, alice: User, conversation: Conversation
) -> None:
    assert await messages.recent_history(session, alice.id, conversation.id) == []


# Ownership ---------------------------------------------------------------------


@pytest.fixture
async def alices_thread(session: AsyncSession, alice: User) -> uuid.UUID:
    """A conversation of Alice's with two messages."""
    conversation = await conversations.create_conversation(session, alice.id)
    for content in ("my secret plan", "noted"):
        await messages.append_message(
            session, alice.id, conversation.id, role=MessageRole.USER, content=content
        )
    return conversation.id


async def test_user_b_cannot_append_to_user_a_conversation(
    session: AsyncSession, alice: User, bob: User, alices_thread: uuid.UUID
) -> None:
    def intrude(conversation_id: uuid.UUID) -> Awaitable[Message]:
        return messages.append_message(
            session, bob.id, conversation_id, role=MessageRole.USER, content="hi"
        )

    missing = await rejected(session, NotFoundError, intrude(uuid.uuid4()))
    foreign = await rejected(session, NotFoundError, intrude(alices_thread))

    assert str(foreign) == str(missing)
    assert await count_rows(session, "messages", conversation_id=alices_thread) == 2
    stored = await conversations.get_conversation(session, alice.id, alices_thread)
    assert stored.message_seq == 2


async def test_user_b_cannot_read_user_a_messages(
    session: AsyncSession, bob: User, alices_thread: uuid.UUID
) -> None:
    missing = await rejected(
        session, NotFoundError, messages.list_messages(session, bob.id, uuid.uuid4())
    )

    foreign = await rejected(
        session, NotFoundError, messages.list_messages(session, bob.id, alices_thread)
    )

    assert str(foreign) == str(missing)


async def test_user_b_cannot_read_user_a_recent_history(
    session: AsyncSession, bob: User, alices_thread: uuid.UUID
) -> None:
    missing = await rejected(
        session, NotFoundError, messages.recent_history(session, bob.id, uuid.uuid4())
    )

    foreign = await rejected(
        session, NotFoundError, messages.recent_history(session, bob.id, alices_thread)
    )

    assert str(foreign) == str(missing)
