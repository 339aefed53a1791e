"""Calendar feeds: the user's open tasks with a due date, as an iCalendar (RFC 5545)
document that calendar apps (Google Calendar, Apple Calendar, Outlook, Thunderbird)
subscribe to.

Calendar apps fetch a feed without any header of their own, so the secret is the
address itself: `/calendar/todochat_cal_….ics`. The database keeps only its digest,
one per user; making a new address replaces the old one, and revoking deletes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.errors import NotFoundError
from todochat.models import CalendarFeed, Task, TaskStatus, User
from todochat.security.opaque import CALENDAR_FEED_PREFIX, digest, new_token
from todochat.services.dates import END_OF_DAY
from todochat.services.persistence import insert_row

# A feed lists what is still to do; a calendar is no place for years of history.
MAX_FEED_TASKS = 2000
PRODUCT_ID = "-//todochat//Due tasks//EN"
# How long a task due at a time shows in a calendar.
EVENT_LENGTH = timedelta(minutes=30)


@dataclass(frozen=True)
class CreatedFeed:
    """A new feed's row and its secret, which is never available again."""

    row: CalendarFeed
    token: str


async def create_feed(session: AsyncSession, user_id: str) -> CreatedFeed:
    """A new secret feed address for the user; the previous one stops working."""
    await revoke_feed(session, user_id, missing_ok=True)
    token = new_token(CALENDAR_FEED_PREFIX)
    row = await insert_row(session, CalendarFeed(user_id=user_id, token_hash=digest(token)))
    return CreatedFeed(row=row, token=token)


async def get_feed(session: AsyncSession, user_id: str) -> CalendarFeed:
    """The user's feed; NotFoundError when there is none."""
    feed = await session.get(CalendarFeed, user_id)
    if feed is None:
        raise NotFoundError("no calendar feed")
    return feed


async def revoke_feed(session: AsyncSession, user_id: str, *, missing_ok: bool = False) -> None:
    """Delete the user's feed: its address stops working at once."""
    statement = (
        delete(CalendarFeed)
        .where(col(CalendarFeed.user_id) == user_id)
        .returning(col(CalendarFeed.user_id))
    )
    gone = (await session.exec(statement)).first()
    if gone is None and not missing_ok:
        raise NotFoundError("no calendar feed")


async def owner_of_feed(session: AsyncSession, token: str) -> User:
    """The user whose feed this secret opens; NotFoundError for an unknown or revoked
    one (never saying which)."""
    if not token.startswith(CALENDAR_FEED_PREFIX):
        raise NotFoundError("calendar not found")
    statement = (
        select(User)
        .join(CalendarFeed, col(CalendarFeed.user_id) == col(User.id))
        .where(col(CalendarFeed.token_hash) == digest(token))
    )
    user = (await session.exec(statement)).first()
    if user is None:
        raise NotFoundError("calendar not found")
    return user


async def due_tasks(session: AsyncSession, user_id: str) -> list[Task]:
    """The user's open tasks that have a due date, soonest first."""
    statement = (
        select(Task)
        .where(
            col(Task.user_id) == user_id,
            col(Task.due_at).is_not(None),
            col(Task.status).in_([TaskStatus.PENDING, TaskStatus.IN_PROGRESS]),
        )
        .order_by(col(Task.due_at), col(Task.number))
        .limit(MAX_FEED_TASKS)
    )
    return list((await session.exec(statement)).all())


def render_calendar(user: User, tasks: list[Task], *, domain: str) -> bytes:
    """The iCalendar document of `tasks`.

    A task due "on a day" (at the end of it, in the user's zone) is an all-day event
    on that day; one due at a time is a 30-minute event starting then. Each event's
    UID is stable (user and task number), so a calendar app updates an event in place
    when the task changes, and drops it once the task is done.
    """
    zone = ZoneInfo(user.timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "todochat")
    calendar.add("x-wr-timezone", user.timezone)
    stamp = datetime.now(UTC)
    for task in tasks:
        if task.due_at is None:
            continue
        due = task.due_at.astimezone(zone)
        event = Event()
        event.add("uid", f"task-{task.number}-{user.id}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", f"#{task.number} {task.title}")
        if due.time().replace(microsecond=0) == END_OF_DAY:
            event.add("dtstart", due.date())
        else:
            # In UTC: every calendar app reads it, and no VTIMEZONE is needed.
            event.add("dtstart", due.astimezone(UTC))
            event.add("duration", EVENT_LENGTH)
        if task.description:
            event.add("description", task.description)
        event.add("categories", [f"priority {task.priority.value}"])
        if task.updated_at is not None:
            event.add("last-modified", task.updated_at)
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document
