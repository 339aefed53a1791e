"""The calendar feed: a secret address where calendar apps read your due tasks.

Making, showing and revoking the address needs a sign-in (the address is a credential:
a personal access token can't mint one). Reading the feed needs only the address.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from todochat.api.deps import SessionDep, SignedInPathUser, runtime_of
from todochat.api.schemas import ERROR_RESPONSES
from todochat.services import calendar_feeds
from todochat.services.dates import in_timezone

router = APIRouter(
    prefix="/api/{user_id}/calendar-feed", tags=["calendar feed"], responses=ERROR_RESPONSES
)
feed_router = APIRouter(tags=["calendar feed"])

FEED_PATH = "/calendar/{token}.ics"


class CalendarFeedOut(BaseModel):
    """A calendar feed: when it was made, and its address only when it is made."""

    created_at: datetime | None
    url: str | None = Field(
        default=None,
        description="The secret address to subscribe to: shown once, when it is made.",
    )


def _feed_url(request: Request, token: str) -> str:
    return runtime_of(request).settings.advertised_url() + FEED_PATH.format(token=token)


@router.post("", status_code=201)
async def create_calendar_feed(
    request: Request, user: SignedInPathUser, session: SessionDep
) -> CalendarFeedOut:
    """A new secret address for your due tasks as a calendar; an earlier address
    stops working."""
    made = await calendar_feeds.create_feed(session, user.id)
    return CalendarFeedOut(
        created_at=in_timezone(made.row.created_at, user.timezone),
        url=_feed_url(request, made.token),
    )


@router.get("")
async def get_calendar_feed(user: SignedInPathUser, session: SessionDep) -> CalendarFeedOut:
    """Whether you have a calendar feed (404 if not), and since when."""
    feed = await calendar_feeds.get_feed(session, user.id)
    return CalendarFeedOut(created_at=in_timezone(feed.created_at, user.timezone))


@router.delete("", status_code=204)
async def revoke_calendar_feed(user: SignedInPathUser, session: SessionDep) -> Response:
    """Stop the feed: its address answers 404 from now on."""
    await calendar_feeds.revoke_feed(session, user.id)
    return Response(status_code=204)


@feed_router.get(
    FEED_PATH,
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "An iCalendar document"},
        404: {"description": "Unknown or revoked address"},
    },
)
async def read_calendar_feed(
    request: Request,
    session: SessionDep,
    token: str = Path(max_length=200, description="The secret from the feed's address."),
) -> Response:
    """Your open tasks with a due date, as iCalendar events."""
    user = await calendar_feeds.owner_of_feed(session, token)
    tasks = await calendar_feeds.due_tasks(session, user.id)
    domain = urlsplit(runtime_of(request).settings.advertised_url()).hostname or "todochat"
    document = calendar_feeds.render_calendar(user, tasks, domain=domain)
    return Response(
        document,
        media_type="text/calendar; charset=utf-8",
        # Private: the address is a secret, no shared cache keeps the feed.
        headers={"Cache-Control": "private, max-age=300"},
    )
