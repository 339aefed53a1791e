"""Recurring tasks over HTTP: one task, one number; completing it completes this
occurrence and moves it to the next one, in the user's wall-clock time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support import Account, register

from .support import assert_error

pytestmark = pytest.mark.both_databases

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
async def paris(client: httpx.AsyncClient) -> Account:
    return await register(client, "paris@example.com", timezone="Europe/Paris")


async def add(client: httpx.AsyncClient, account: Account, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/me/tasks", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def complete(client: httpx.AsyncClient, account: Account, number: int) -> dict[str, Any]:
    response = await client.patch(
        f"/api/me/tasks/{number}/complete", json={"completed": True}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def local(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


async def test_a_task_made_to_repeat_says_its_rule_in_both_forms(
    client: httpx.AsyncClient, paris: Account
) -> None:
    task = await add(client, paris, title="Water plants", recurrence="every monday")

    assert task["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
    assert task["repeats"] == "every Monday"
    assert datetime.fromisoformat(task["due_at"]).astimezone(PARIS).weekday() == 0


async def test_completing_ten_times_gives_the_next_ten_dates_across_the_clock_change(
    client: httpx.AsyncClient, paris: Account
) -> None:
    await add(
        client, paris, title="Team call", recurrence="every monday", due_at="2027-03-01T09:00"
    )

    dates = [local((await complete(client, paris, 1))["due_at"]) for _ in range(10)]

    assert dates == [
        "2027-03-08 09:00",
        "2027-03-15 09:00",
        "2027-03-22 09:00",
        "2027-03-29 09:00",
        "2027-04-05 09:00",
        "2027-04-12 09:00",
        "2027-04-19 09:00",
        "2027-04-26 09:00",
        "2027-05-03 09:00",
        "2027-05-10 09:00",
    ]


async def test_a_completed_occurrence_leaves_the_same_task_pending(
    client: httpx.AsyncClient, paris: Account
) -> None:
    await add(client, paris, title="Team call", recurrence="every monday", due_at="2027-03-01")

    after = await complete(client, paris, 1)
    listed = await client.get("/api/me/tasks", headers=paris.headers)

    assert (after["id"], after["status"], after["completed"]) == (1, "pending", False)
    assert [t["id"] for t in listed.json()["items"]] == [1]


async def test_the_time_said_with_the_rule_is_the_due_time(
    client: httpx.AsyncClient, paris: Account
) -> None:
    task = await add(
        client, paris, title="Stand-up", recurrence="every weekday at 9", due_at="2027-03-01"
    )

    assert local(task["due_at"]) == "2027-03-01 09:00"


async def test_a_series_with_a_count_ends_completed(
    client: httpx.AsyncClient, paris: Account
) -> None:
    await add(
        client,
        paris,
        title="Physio",
        recurrence="FREQ=WEEKLY;COUNT=2",
        due_at="2027-03-01T08:00",
    )

    first = await complete(client, paris, 1)
    second = await complete(client, paris, 1)

    assert (first["status"], local(first["due_at"])) == ("pending", "2027-03-08 08:00")
    assert second["status"] == "completed"


async def test_a_task_that_stops_repeating_completes_for_good(
    client: httpx.AsyncClient, paris: Account
) -> None:
    await add(client, paris, title="Water plants", recurrence="every monday")
    stopped = await client.patch(
        "/api/me/tasks/1", json={"recurrence": None}, headers=paris.headers
    )

    done = await complete(client, paris, 1)

    assert stopped.json()["recurrence"] is None
    assert done["status"] == "completed"


async def test_setting_the_status_to_completed_moves_a_repeating_task_on(
    client: httpx.AsyncClient, paris: Account
) -> None:
    await add(client, paris, title="Gym", recurrence="every 2 days", due_at="2027-03-01T18:00")

    response = await client.patch(
        "/api/me/tasks/1", json={"status": "completed"}, headers=paris.headers
    )

    assert (response.json()["status"], local(response.json()["due_at"])) == (
        "pending",
        "2027-03-03 18:00",
    )


async def test_a_task_made_to_repeat_later_gets_a_due_date(
    client: httpx.AsyncClient, paris: Account
) -> None:
    await add(client, paris, title="Pay rent")

    response = await client.patch(
        "/api/me/tasks/1", json={"repeat": "on the 1st of each month"}, headers=paris.headers
    )

    task = response.json()
    assert task["repeats"] == "on day 1 of every month"
    assert datetime.fromisoformat(task["due_at"]).astimezone(PARIS).day == 1


async def test_words_that_are_no_repeat_are_a_clear_error(
    client: httpx.AsyncClient, paris: Account
) -> None:
    response = await client.post(
        "/api/me/tasks",
        json={"title": "Something", "recurrence": "whenever"},
        headers=paris.headers,
    )

    error = assert_error(response, 422, "invalid_input")
    assert "every monday" in error["message"]


async def test_reopening_a_repeating_task_changes_nothing(
    client: httpx.AsyncClient, paris: Account
) -> None:
    task = await add(client, paris, title="Gym", recurrence="daily", due_at="2027-03-01T18:00")

    response = await client.patch(
        "/api/me/tasks/1/complete", json={"completed": False}, headers=paris.headers
    )

    assert response.json()["due_at"] == task["due_at"]
    assert response.json()["status"] == "pending"
