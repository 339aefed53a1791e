"""/api/{user_id}/tasks: every route, its successes and its failures."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import Account, register

from .support import assert_error

TASK_FIELDS = {
    "id",
    "title",
    "description",
    "status",
    "completed",
    "priority",
    "due_at",
    "completed_at",
    "created_at",
    "updated_at",
    "recurrence",
    "repeats",
    "labels",
}


async def create(client: httpx.AsyncClient, auth: Account, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/me/tasks", headers=auth.headers, json=fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def listed(client: httpx.AsyncClient, auth: Account, **params: Any) -> list[Any]:
    """The task numbers of one list request (a single page)."""
    response = await client.get("/api/me/tasks", headers=auth.headers, params=params)
    assert response.status_code == 200, response.text
    return [task["id"] for task in response.json()["items"]]


@pytest.fixture
async def tokyo(client: httpx.AsyncClient) -> Account:
    """A user in Asia/Tokyo (UTC+9 all year: no daylight saving to reason about)."""
    return await register(client, "kenji@example.com", timezone="Asia/Tokyo")


# Create


async def test_create_answers_201_with_the_documented_task(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/me/tasks",
        headers=alice_auth.headers,
        json={"title": "Buy groceries", "description": "milk, eggs", "priority": "high"},
    )
    assert response.status_code == 201
    task = response.json()
    assert set(task) == TASK_FIELDS
    assert task["id"] == 1
    assert task["title"] == "Buy groceries"
    assert task["description"] == "milk, eggs"
    assert task["priority"] == "high"
    assert task["status"] == "pending"
    assert task["completed"] is False
    assert task["due_at"] is None
    assert task["completed_at"] is None


async def test_create_defaults_to_medium_priority_and_no_description(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    task = await create(client, alice_auth, title="Call mom")
    assert task["priority"] == "medium"
    assert task["description"] is None


async def test_tasks_are_numbered_one_two_three(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    numbers = [(await create(client, alice_auth, title=f"task {n}"))["id"] for n in range(3)]
    assert numbers == [1, 2, 3]


async def test_each_user_has_their_own_numbering(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    await create(client, alice_auth, title="a1")
    await create(client, alice_auth, title="a2")
    assert (await create(client, bob_auth, title="b1"))["id"] == 1


async def test_create_trims_the_title(client: httpx.AsyncClient, alice_auth: Account) -> None:
    task = await create(client, alice_auth, title="   Water   the plants  ")
    assert task["title"] == "Water the plants"


async def test_a_due_date_means_the_end_of_that_day_in_the_users_timezone(
    client: httpx.AsyncClient, tokyo: Account
) -> None:
    task = await create(client, tokyo, title="Pay rent", due_at="2026-12-01")
    assert task["due_at"] == "2026-12-01T23:59:59+09:00"


async def test_due_date_is_accepted_as_an_alias_of_due_at(
    client: httpx.AsyncClient, tokyo: Account
) -> None:
    task = await create(client, tokyo, title="Pay rent", due_date="2026-12-01")
    assert task["due_at"] == "2026-12-01T23:59:59+09:00"


async def test_a_due_datetime_with_an_offset_is_shown_in_the_users_timezone(
    client: httpx.AsyncClient, tokyo: Account
) -> None:
    task = await create(client, tokyo, title="Call", due_at="2026-12-01T12:00:00Z")
    assert task["due_at"] == "2026-12-01T21:00:00+09:00"


async def test_a_due_datetime_without_an_offset_is_read_in_the_users_timezone(
    client: httpx.AsyncClient, tokyo: Account
) -> None:
    task = await create(client, tokyo, title="Call", due_at="2026-12-01T17:30")
    assert task["due_at"] == "2026-12-01T17:30:00+09:00"


@pytest.mark.both_databases
async def test_changing_the_timezone_shows_the_same_due_instant_in_the_new_zone(
    client: httpx.AsyncClient, tokyo: Account
) -> None:
    await create(client, tokyo, title="Call", due_at="2026-12-01T21:00:00+09:00")
    await client.patch("/api/auth/me", headers=tokyo.headers, json={"timezone": "UTC"})
    task = (await client.get("/api/me/tasks/1", headers=tokyo.headers)).json()
    assert task["due_at"] == "2026-12-01T12:00:00Z"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "description": "d" * 2001}, "description"),
        ({"title": "ok", "priority": "whenever"}, "priority"),
        ({"title": "ok", "due_at": "someday soon"}, "due_at"),
        ({"title": "ok", "due_at": "2026-13-45"}, "due_at"),
        ({}, "title"),
    ],
    ids=[
        "empty-title",
        "blank-title",
        "title-201-chars",
        "description-2001-chars",
        "bad-priority",
        "bad-due-date",
        "impossible-due-date",
        "no-title",
    ],
)
async def test_create_with_invalid_input_is_422_naming_the_field(
    client: httpx.AsyncClient, alice_auth: Account, fields: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/me/tasks", headers=alice_auth.headers, json=fields)
    error = assert_error(response, 422, "invalid_input")
    assert field in error["message"]


async def test_a_title_of_200_characters_is_accepted(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    task = await create(client, alice_auth, title="x" * 200)
    assert task["title"] == "x" * 200


async def test_an_invalid_create_uses_no_number(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await client.post("/api/me/tasks", headers=alice_auth.headers, json={"title": ""})
    assert (await create(client, alice_auth, title="first"))["id"] == 1


# List


@pytest.fixture
async def assorted(client: httpx.AsyncClient, alice_auth: Account) -> Account:
    """Alice's tasks: 1 groceries (low, due 12-05), 2 report (urgent, due 12-01, done),
    3 dentist (high, no due date), 4 gym (medium, due 12-03)."""
    await create(client, alice_auth, title="Buy groceries", priority="low", due_at="2026-12-05")
    await create(
        client,
        alice_auth,
        title="Quarterly report",
        description="numbers for the GROCERY chain",
        priority="urgent",
        due_at="2026-12-01",
    )
    await create(client, alice_auth, title="Book the dentist", priority="high")
    await create(client, alice_auth, title="Gym", due_at="2026-12-03")
    done = await client.patch("/api/me/tasks/2/complete", headers=alice_auth.headers)
    assert done.status_code == 200
    return alice_auth


async def test_list_returns_every_task_in_number_order_by_default(
    client: httpx.AsyncClient, assorted: Account
) -> None:
    response = await client.get("/api/me/tasks", headers=assorted.headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    assert [task["id"] for task in body["items"]] == [1, 2, 3, 4]
    assert all(set(task) == TASK_FIELDS for task in body["items"])
    assert body["next_cursor"] is None


async def test_list_of_a_user_without_tasks_is_empty(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.get("/api/me/tasks", headers=alice_auth.headers)
    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "pending"}, [1, 3, 4]),
        ({"status": "completed"}, [2]),
        ({"status": "all"}, [1, 2, 3, 4]),
        ({"status": "open"}, [1, 3, 4]),
        ({"priority": "high"}, [3]),
        ({"q": "grocer"}, [1, 2]),
        ({"q": "DENTIST"}, [3]),
        ({"q": "grocer", "status": "pending"}, [1]),
        ({"due_before": "2026-12-04"}, [2, 4]),
        ({"due_after": "2026-12-02"}, [1, 4]),
        ({"due_after": "2026-12-02", "due_before": "2026-12-04"}, [4]),
        ({"due_before": "2026-12-03T00:00:00Z"}, [2]),
    ],
    ids=[
        "status-pending",
        "status-completed",
        "status-all",
        "status-open",
        "priority",
        "q-title-or-description",
        "q-any-case",
        "q-and-status",
        "due-before",
        "due-after",
        "due-between",
        "due-before-datetime",
    ],
)
@pytest.mark.both_databases
async def test_list_filters(
    client: httpx.AsyncClient, assorted: Account, params: dict[str, str], expected: list[int]
) -> None:
    assert await listed(client, assorted, **params) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("created", [1, 2, 3, 4]), ("-created", [4, 3, 2, 1]), ("priority", [2, 3, 4, 1])],
)
async def test_list_sorts(
    client: httpx.AsyncClient, assorted: Account, sort: str, expected: list[int]
) -> None:
    assert await listed(client, assorted, sort=sort) == expected


@pytest.mark.both_databases
async def test_sorting_by_due_date_puts_tasks_without_one_last(
    client: httpx.AsyncClient, assorted: Account
) -> None:
    assert await listed(client, assorted, sort="due") == [2, 4, 1, 3]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "done-ish"},
        {"priority": "asap"},
        {"sort": "alphabetical"},
        {"due_before": "next week"},
        {"limit": "0"},
        {"limit": "many"},
    ],
    ids=["status", "priority", "sort", "due_before", "limit-zero", "limit-not-a-number"],
)
async def test_list_with_an_invalid_parameter_is_422(
    client: httpx.AsyncClient, alice_auth: Account, params: dict[str, str]
) -> None:
    response = await client.get("/api/me/tasks", headers=alice_auth.headers, params=params)
    assert_error(response, 422, "invalid_input")


@pytest.mark.parametrize("sort", ["created", "-created", "due", "priority"])
@pytest.mark.both_databases
async def test_pages_walk_every_task_exactly_once(
    client: httpx.AsyncClient, assorted: Account, sort: str
) -> None:
    await create(client, assorted, title="Fifth", due_at="2026-12-03")
    everything = await listed(client, assorted, sort=sort)
    walked: list[int] = []
    params: dict[str, Any] = {"sort": sort, "limit": 2}
    for _ in range(10):
        response = await client.get("/api/me/tasks", headers=assorted.headers, params=params)
        page = response.json()
        assert len(page["items"]) <= 2
        walked += [task["id"] for task in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert walked == everything
    assert sorted(walked) == [1, 2, 3, 4, 5]


async def test_filters_hold_across_pages(client: httpx.AsyncClient, assorted: Account) -> None:
    first = await client.get(
        "/api/me/tasks", headers=assorted.headers, params={"status": "pending", "limit": 2}
    )
    cursor = first.json()["next_cursor"]
    second = await client.get(
        "/api/me/tasks",
        headers=assorted.headers,
        params={"status": "pending", "limit": 2, "cursor": cursor},
    )
    assert [task["id"] for task in first.json()["items"]] == [1, 3]
    assert [task["id"] for task in second.json()["items"]] == [4]
    assert second.json()["next_cursor"] is None


async def test_an_invalid_cursor_is_422(client: httpx.AsyncClient, alice_auth: Account) -> None:
    response = await client.get(
        "/api/me/tasks", headers=alice_auth.headers, params={"cursor": "not-a-cursor"}
    )
    error = assert_error(response, 422, "invalid_input")
    assert "cursor" in error["message"]


async def test_a_cursor_of_another_sort_is_422(
    client: httpx.AsyncClient, assorted: Account
) -> None:
    first = await client.get(
        "/api/me/tasks", headers=assorted.headers, params={"sort": "priority", "limit": 1}
    )
    response = await client.get(
        "/api/me/tasks",
        headers=assorted.headers,
        params={"sort": "created", "cursor": first.json()["next_cursor"]},
    )
    assert_error(response, 422, "invalid_input")


# Get


async def test_get_returns_the_task(client: httpx.AsyncClient, alice_auth: Account) -> None:
    created = await create(client, alice_auth, title="Read a book")
    response = await client.get("/api/me/tasks/1", headers=alice_auth.headers)
    assert response.status_code == 200
    assert response.json() == created


async def test_get_of_a_missing_task_is_404(client: httpx.AsyncClient, alice_auth: Account) -> None:
    response = await client.get("/api/me/tasks/99", headers=alice_auth.headers)
    error = assert_error(response, 404, "not_found")
    assert "99" in error["message"]


@pytest.mark.parametrize("number", ["0", "-1", "abc", "99999999999"])
async def test_get_with_an_invalid_task_number_is_422(
    client: httpx.AsyncClient, alice_auth: Account, number: str
) -> None:
    response = await client.get(f"/api/me/tasks/{number}", headers=alice_auth.headers)
    assert_error(response, 422, "invalid_input")


async def test_the_uuid_primary_key_never_leaves_the_server(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Secret keys")
    response = await client.get("/api/me/tasks/1", headers=alice_auth.headers)
    assert response.json()["id"] == 1
    assert "user_id" not in response.json()


# Replace (PUT)


async def test_put_replaces_the_content(client: httpx.AsyncClient, alice_auth: Account) -> None:
    await create(
        client, alice_auth, title="Old", description="old", priority="urgent", due_at="2026-12-01"
    )
    response = await client.put(
        "/api/me/tasks/1", headers=alice_auth.headers, json={"title": "New", "priority": "low"}
    )
    assert response.status_code == 200
    task = response.json()
    assert (task["id"], task["title"], task["priority"]) == (1, "New", "low")
    assert task["description"] is None
    assert task["due_at"] is None


async def test_put_keeps_the_status_unless_sent(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Old")
    await client.patch("/api/me/tasks/1/complete", headers=alice_auth.headers)
    response = await client.put("/api/me/tasks/1", headers=alice_auth.headers, json={"title": "N"})
    assert response.json()["status"] == "completed"
    assert response.json()["completed"] is True


async def test_put_can_set_the_status(client: httpx.AsyncClient, alice_auth: Account) -> None:
    await create(client, alice_auth, title="Old")
    response = await client.put(
        "/api/me/tasks/1", headers=alice_auth.headers, json={"title": "N", "status": "in_progress"}
    )
    assert response.json()["status"] == "in_progress"


async def test_put_without_a_title_is_422(client: httpx.AsyncClient, alice_auth: Account) -> None:
    await create(client, alice_auth, title="Old")
    response = await client.put("/api/me/tasks/1", headers=alice_auth.headers, json={})
    assert_error(response, 422, "invalid_input")
    assert (await client.get("/api/me/tasks/1", headers=alice_auth.headers)).json()["title"] == (
        "Old"
    )


async def test_put_of_a_missing_task_is_404(client: httpx.AsyncClient, alice_auth: Account) -> None:
    response = await client.put("/api/me/tasks/5", headers=alice_auth.headers, json={"title": "N"})
    assert_error(response, 404, "not_found")


# Patch


async def test_patch_changes_only_the_fields_sent(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    before = await create(
        client, alice_auth, title="Keep", description="keep too", due_at="2026-12-01"
    )
    response = await client.patch(
        "/api/me/tasks/1", headers=alice_auth.headers, json={"priority": "urgent"}
    )
    assert response.status_code == 200
    after = response.json()
    assert after["priority"] == "urgent"
    for field in ("title", "description", "due_at", "status"):
        assert after[field] == before[field]


async def test_patch_due_at_null_clears_the_due_date(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Call", due_at="2026-12-01")
    response = await client.patch(
        "/api/me/tasks/1", headers=alice_auth.headers, json={"due_at": None}
    )
    assert response.json()["due_at"] is None


async def test_patch_completed_true_completes_the_task(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Call")
    response = await client.patch(
        "/api/me/tasks/1", headers=alice_auth.headers, json={"completed": True}
    )
    task = response.json()
    assert (task["status"], task["completed"]) == ("completed", True)
    assert task["completed_at"] is not None


async def test_patch_status_completed_sets_completed(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Call")
    response = await client.patch(
        "/api/me/tasks/1", headers=alice_auth.headers, json={"status": "completed"}
    )
    assert response.json()["completed"] is True
    assert response.json()["completed_at"] is not None


@pytest.mark.parametrize("status", ["pending", "in_progress", "archived"])
async def test_completed_is_false_for_every_other_status(
    client: httpx.AsyncClient, alice_auth: Account, status: str
) -> None:
    await create(client, alice_auth, title="Call")
    await client.patch("/api/me/tasks/1/complete", headers=alice_auth.headers)
    response = await client.patch(
        "/api/me/tasks/1", headers=alice_auth.headers, json={"status": status}
    )
    task = response.json()
    assert (task["status"], task["completed"], task["completed_at"]) == (status, False, None)


@pytest.mark.parametrize(
    "fields",
    [{"title": ""}, {"title": None}, {"priority": "soon"}, {"status": "done"}, {"due_at": "x"}],
    ids=["empty-title", "null-title", "bad-priority", "bad-status", "bad-due"],
)
async def test_patch_with_invalid_input_is_422_and_changes_nothing(
    client: httpx.AsyncClient, alice_auth: Account, fields: dict[str, Any]
) -> None:
    before = await create(client, alice_auth, title="Keep me")
    response = await client.patch("/api/me/tasks/1", headers=alice_auth.headers, json=fields)
    assert_error(response, 422, "invalid_input")
    assert (await client.get("/api/me/tasks/1", headers=alice_auth.headers)).json() == before


async def test_patch_of_a_missing_task_is_404(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.patch(
        "/api/me/tasks/7", headers=alice_auth.headers, json={"title": "x"}
    )
    assert_error(response, 404, "not_found")


# Complete


async def test_complete_toggles_completion(client: httpx.AsyncClient, alice_auth: Account) -> None:
    await create(client, alice_auth, title="Call")
    first = await client.patch("/api/me/tasks/1/complete", headers=alice_auth.headers)
    second = await client.patch("/api/me/tasks/1/complete", headers=alice_auth.headers)
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["completed"]) == ("completed", True)
    assert first.json()["completed_at"] is not None
    assert (second.json()["status"], second.json()["completed"]) == ("pending", False)
    assert second.json()["completed_at"] is None


async def test_complete_with_completed_false_reopens_the_task(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Call")
    await client.patch("/api/me/tasks/1/complete", headers=alice_auth.headers)
    response = await client.patch(
        "/api/me/tasks/1/complete", headers=alice_auth.headers, json={"completed": False}
    )
    assert (response.json()["status"], response.json()["completed"]) == ("pending", False)


async def test_complete_with_completed_false_leaves_a_pending_task_pending(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Call")
    response = await client.patch(
        "/api/me/tasks/1/complete", headers=alice_auth.headers, json={"completed": False}
    )
    assert response.json()["completed"] is False


async def test_complete_with_completed_true_is_idempotent(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Call")
    first = await client.patch(
        "/api/me/tasks/1/complete", headers=alice_auth.headers, json={"completed": True}
    )
    second = await client.patch(
        "/api/me/tasks/1/complete", headers=alice_auth.headers, json={"completed": True}
    )
    assert second.json()["completed"] is True
    assert second.json()["completed_at"] == first.json()["completed_at"]


async def test_complete_of_a_missing_task_is_404(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.patch("/api/me/tasks/3/complete", headers=alice_auth.headers)
    assert_error(response, 404, "not_found")


# Delete


async def test_delete_answers_204_and_the_task_is_gone(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="Call")
    response = await client.delete("/api/me/tasks/1", headers=alice_auth.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(await client.get("/api/me/tasks/1", headers=alice_auth.headers), 404, "not_found")


async def test_delete_twice_is_404(client: httpx.AsyncClient, alice_auth: Account) -> None:
    await create(client, alice_auth, title="Call")
    await client.delete("/api/me/tasks/1", headers=alice_auth.headers)
    response = await client.delete("/api/me/tasks/1", headers=alice_auth.headers)
    assert_error(response, 404, "not_found")


async def test_task_numbers_are_never_reused_after_a_delete(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    await create(client, alice_auth, title="one")
    await create(client, alice_auth, title="two")
    await client.delete("/api/me/tasks/2", headers=alice_auth.headers)
    assert (await create(client, alice_auth, title="three"))["id"] == 3
    assert await listed(client, alice_auth) == [1, 3]


# Whose path


async def test_the_own_user_id_and_me_name_the_same_tasks(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        f"/api/{alice_auth.id}/tasks", headers=alice_auth.headers, json={"title": "By id"}
    )
    assert response.status_code == 201
    by_me = await client.get("/api/me/tasks/1", headers=alice_auth.headers)
    by_id = await client.get(f"/api/{alice_auth.id}/tasks/1", headers=alice_auth.headers)
    assert by_me.json() == by_id.json() == response.json()


async def test_another_users_id_in_the_path_is_403(
    client: httpx.AsyncClient, alice_auth: Account, bob_auth: Account
) -> None:
    response = await client.get(f"/api/{bob_auth.id}/tasks", headers=alice_auth.headers)
    error = assert_error(response, 403, "forbidden")
    assert bob_auth.id not in error["message"]


async def test_an_unknown_user_id_in_the_path_is_403(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/someone-else/tasks", headers=alice_auth.headers, json={"title": "x"}
    )
    assert_error(response, 403, "forbidden")
    assert await listed(client, alice_auth) == []


async def test_task_routes_without_a_token_are_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/me/tasks")
    assert_error(response, 401, "unauthorized")
