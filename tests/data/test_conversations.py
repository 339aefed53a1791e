"""Conversations: creating, finding, listing, renaming and deleting chat threads."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import InvalidInputError, NotFoundError
from todochat.models import Conversation, MessageRole, User
from todochat.services import conversations, messages
from todochat.services.conversations import ConversationChanges

from .support import a_moment_later, count_rows, rejected


async def say(session: AsyncSession, user: User, conversation: Conversation, text: str) -> None:
    await messages.append_message(
        session, user.id, conversation.id, role=MessageRole.USER, content=text
    )


async def newest_first(session: AsyncSession, user: User) -> list[uuid.UUID]:
    page = await conversations.list_conversations(session, user.id, limit=200)
    return [conversation.id for conversation in page.items]


# Creating and changing ----------------------------------------------------------


async def test_new_conversation_is_empty_and_untitled(session: AsyncSession, alice: User) -> None:
    conversation = await conversations.create_conversation(session, alice.id)

    assert (conversation.title, conversation.message_seq, conversation.meta) == (None, 0, {})


async def test_given_title_is_trimmed(session: AsyncSession, alice: User) -> None:
    conversation = await conversations.create_conversation(session, alice.id, title="  Plans ")

    assert conversation.title == "Plans"


async def test_title_over_200_characters_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User
) -> None:
    await rejected(
        session,
        InvalidInputError,
        conversations.create_conversation(session, alice.id, title="t" * 201),
    )

    assert await count_rows(session, "conversations") == 0


async def test_metadata_over_16_kib_is_rejected_and_nothing_written(
    session: AsyncSession, alice: User
) -> None:
    error = await rejected(
        session,
        InvalidInputError,
        conversations.create_conversation(session, alice.id, metadata={"x": "y" * 16 * 1024}),
    )

    assert error.field == "metadata"
    assert await count_rows(session, "conversations") == 0


async def test_rename_changes_the_title(session: AsyncSession, alice: User) -> None:
    conversation = await conversations.create_conversation(session, alice.id, title="Old")

    await conversations.update_conversation(
        session, alice.id, conversation.id, ConversationChanges(title="New")
    )
    session.expunge_all()

    assert (await conversations.get_conversation(session, alice.id, conversation.id)).title == "New"


async def test_summary_is_stored_trimmed_and_blank_clears_it(
    session: AsyncSession, alice: User
) -> None:
    conversation = await conversations.create_conversation(session, alice.id)

    changes = ConversationChanges(summary=" groceries ")
    updated = await conversations.update_conversation(session, alice.id, conversation.id, changes)
    assert updated.summary == "groceries"
    changes = ConversationChanges(summary="   ")
    cleared = await conversations.update_conversation(session, alice.id, conversation.id, changes)
    assert cleared.summary is None


async def test_summary_over_4000_characters_is_rejected(session: AsyncSession, alice: User) -> None:
    conversation = await conversations.create_conversation(session, alice.id)

    await rejected(
        session,
        InvalidInputError,
        conversations.update_conversation(
            session, alice.id, conversation.id, ConversationChanges(summary="s" * 4001)
        ),
    )

    stored = await conversations.get_conversation(session, alice.id, conversation.id)
    assert stored.summary is None


async def test_deleted_conversation_is_not_found(session: AsyncSession, alice: User) -> None:
    conversation = await conversations.create_conversation(session, alice.id)

    await conversations.delete_conversation(session, alice.id, conversation.id)

    await rejected(
        session, NotFoundError, conversations.get_conversation(session, alice.id, conversation.id)
    )


# Listing -----------------------------------------------------------------------


async def test_conversations_are_listed_most_recently_active_first(
    session: AsyncSession, alice: User
) -> None:
    first = await conversations.create_conversation(session, alice.id, title="first")
    await a_moment_later(session)
    second = await conversations.create_conversation(session, alice.id, title="second")
    await a_moment_later(session)
    third = await conversations.create_conversation(session, alice.id, title="third")
    assert await newest_first(session, alice) == [third.id, second.id, first.id]

    await a_moment_later(session)
    await say(session, alice, first, "back to the first one")

    assert await newest_first(session, alice) == [first.id, third.id, second.id]


@pytest.mark.parametrize("limit", [1, 2, 4])
async def test_conversation_pages_walk_every_conversation_once(
    session: AsyncSession, alice: User, limit: int
) -> None:
    for index in range(7):
        await conversations.create_conversation(session, alice.id, title=f"c{index}")
    seen: list[uuid.UUID] = []
    cursor: str | None = None
    while True:
        page = await conversations.list_conversations(session, alice.id, limit=limit, cursor=cursor)
        seen += [conversation.id for conversation in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == await newest_first(session, alice)
    assert len(set(seen)) == 7


async def test_conversation_touched_between_pages_is_not_repeated(
    session: AsyncSession, alice: User
) -> None:
    created = []
    for index in range(4):
        created.append(await conversations.create_conversation(session, alice.id, title=f"{index}"))
        await a_moment_later(session)
    first = await conversations.list_conversations(session, alice.id, limit=2)
    await say(session, alice, created[3], "the newest, already on the first page, moves up")

    second = await conversations.list_conversations(
        session, alice.id, limit=2, cursor=first.next_cursor
    )

    assert [c.id for c in first.items + second.items] == [c.id for c in reversed(created)]


async def test_invalid_conversation_cursor_is_invalid_input(
    session: AsyncSession, alice: User
) -> None:
    error = await rejected(
        session,
        InvalidInputError,
        conversations.list_conversations(session, alice.id, cursor="garbage"),
    )

    assert error.field == "cursor"


# Ownership ---------------------------------------------------------------------


@pytest.fixture
async def alices_conversation(session: AsyncSession, alice: User) -> Conversation:
    conversation = await conversations.create_conversation(session, alice.id, title="Alice's")
    await say(session, alice, conversation, "a private note")
    return conversation


async def test_user_b_cannot_get_user_a_conversation(
    session: AsyncSession, bob: User, alices_conversation: Conversation
) -> None:
    missing = await rejected(
        session, NotFoundError, conversations.get_conversation(session, bob.id, uuid.uuid4())
    )

    foreign = await rejected(
        session,
        NotFoundError,
        conversations.get_conversation(session, bob.id, alices_conversation.id),
    )

    assert str(foreign) == str(missing)


async def test_user_b_does_not_see_user_a_conversations_in_lists(
    session: AsyncSession, bob: User, alices_conversation: Conversation
) -> None:
    page = await conversations.list_conversations(session, bob.id)

    assert page.items == []


async def test_user_b_cannot_rename_user_a_conversation(
    session: AsyncSession, alice: User, bob: User, alices_conversation: Conversation
) -> None:
    missing = await rejected(
        session,
        NotFoundError,
        conversations.update_conversation(
            session, bob.id, uuid.uuid4(), ConversationChanges(title="mine")
        ),
    )

    foreign = await rejected(
        session,
        NotFoundError,
        conversations.update_conversation(
            session, bob.id, alices_conversation.id, ConversationChanges(title="mine")
        ),
    )

    assert str(foreign) == str(missing)
    stored = await conversations.get_conversation(session, alice.id, alices_conversation.id)
    assert stored.title == "Alice's"


async def test_user_b_cannot_delete_user_a_conversation(
    session: AsyncSession, alice: User, bob: User, alices_conversation: Conversation
) -> None:
    missing = await rejected(
        session, NotFoundError, conversations.delete_conversation(session, bob.id, uuid.uuid4())
    )

    foreign = await rejected(
        session,
        NotFoundError,
        conversations.delete_conversation(session, bob.id, alices_conversation.id),
    )

    assert str(foreign) == str(missing)
    assert await count_rows(session, "conversations", user_id=alice.id) == 1
    assert await count_rows(session, "messages", conversation_id=alices_conversation.id) == 1
