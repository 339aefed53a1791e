"""The calendar feed: a secret address serving the open, due tasks as iCalendar, read
by a maintained iCalendar parser; made and revoked with a sign-in; another user's
secret or a revoked one is simply not found."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from icalendar import Calendar

from tests.support import Account, bearer, make_access_token

from .support import assert_error

pytestmark = pytest.mark.both_databases


async def make_feed(client: httpx.AsyncClient, account: Account) -> str:
    """The path of a new feed of `account`'s."""
    response = await client.post("/api/me/calendar-feed", headers=account.headers)
    assert response.status_code == 201, response.text
    return urlsplit(response.json()["url"]).path


async def add(client: httpx.AsyncClient, account: Account, **body: Any) -> None:
    response = await client.post("/api/me/tasks", json=body, headers=account.headers)
    assert response.status_code == 201, response.text


async def events_of(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


async def test_the_feed_holds_the_open_tasks_that_have_a_due_date(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Pay rent", due_at="2026-12-01")
    await add(client, alice_auth, title="Dentist", due_at="2026-12-02T09:30")
    await add(client, alice_auth, title="Some day")
    await add(client, alice_auth, title="Done already", due_at="2026-12-03")
    done = await client.patch(
        "/api/me/tasks/4/complete", json={"completed": True}, headers=alice_auth.headers
    )
    assert done.status_code == 200
    path = await make_feed(client, alice_auth)

    events = await events_of(client, path)

    assert sorted(events) == ["#1 Pay rent", "#2 Dentist"]


async def test_a_task_due_on_a_day_is_an_all_day_event_and_one_due_at_a_time_is_timed(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Pay rent", due_at="2026-12-01")
    await add(client, alice_auth, title="Dentist", due_at="2026-12-02T09:30")
    path = await make_feed(client, alice_auth)

    events = await events_of(client, path)

    rent = events["#1 Pay rent"]["dtstart"].dt
    dentist = events["#2 Dentist"]["dtstart"].dt
    assert rent == date(2026, 12, 1)
    assert not isinstance(rent, datetime)
    assert dentist == datetime.fromisoformat("2026-12-02T09:30:00+00:00")


async def test_each_event_keeps_its_uid_when_the_task_changes(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await add(client, alice_auth, title="Pay rent", due_at="2026-12-01")
    path = await make_feed(client, alice_auth)
    before = (await events_of(client, path))["#1 Pay rent"]["uid"]
    renamed = {"title": "Pay the rent"}
    await client.patch("/api/me/tasks/1", json=renamed, headers=alice_auth.headers)

    after = (await events_of(client, path))["#1 Pay the rent"]["uid"]

    assert before == after


async def test_a_revoked_feed_is_not_found(client: httpx.AsyncClient, alice_auth: Account) -> None:
    path = await make_feed(client, alice_auth)

    revoked = await client.delete("/api/me/calendar-feed", headers=alice_auth.headers)
    response = await client.get(path)

    assert revoked.status_code == 204
    assert_error(response, 404, "not_found")


async def test_a_new_feed_address_ends_the_old_one(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    old = await make_feed(client, alice_auth)
    new = await make_feed(client, alice_auth)

    assert_error(await client.get(old), 404, "not_found")
    assert (await client.get(new)).status_code == 200


async def test_a_made_up_address_is_not_found(client: httpx.AsyncClient) -> None:
    for token in ("todochat_cal_madeup", "anything", "todochat_pat_x"):
        assert_error(await client.get(f"/calendar/{token}.ics"), 404, "not_found")


async def test_each_feed_shows_only_its_owners_tasks(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    await add(client, alice_auth, title="Alice's secret", due_at="2026-12-01")
    await add(client, bob_auth, title="Bob's own", due_at="2026-12-01")

    bobs = await events_of(client, await make_feed(client, bob_auth))

    assert list(bobs) == ["#1 Bob's own"]


async def test_the_address_is_shown_once_and_never_stored(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await make_feed(client, alice_auth)

    shown = await client.get("/api/me/calendar-feed", headers=alice_auth.headers)

    assert shown.status_code == 200
    assert shown.json()["url"] is None
    assert shown.json()["created_at"] is not None


async def test_no_feed_is_404_until_one_is_made(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    assert_error(await client.get("/api/me/calendar-feed", headers=alice_auth.headers), 404)
    assert_error(await client.delete("/api/me/calendar-feed", headers=alice_auth.headers), 404)


async def test_an_access_token_cannot_make_a_feed(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    token = (await make_access_token(client, alice_auth))["token"]

    response = await client.post("/api/me/calendar-feed", headers=bearer(token))

    assert_error(response, 403, "forbidden")
