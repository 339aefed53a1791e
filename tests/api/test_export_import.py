"""Export (JSON, CSV) and import (todochat JSON/CSV, Todoist CSV) over HTTP: an export
imported into a fresh account gives the same tasks, importing again adds nothing, and
every row is reported as created, skipped or refused."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support import Account, register

from .support import assert_error

pytestmark = pytest.mark.both_databases

# What an export keeps of a task that an import brings back (not its number or times
# of creation, which belong to the account it lands in).
SAME_TASK_FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "due_at",
    "completed_at",
    "recurrence",
    "labels",
)

TODOIST_CSV = """TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE
section,Errands,,,,,,,,
task,Buy stamps,At the post office,1,1,Ana (1),,tomorrow,en,Europe/Paris
note,Ten of them,,,,,,,,
task,Water plants @home @garden,,4,1,Ana (1),,every full moon,en,Europe/Paris
task,Team call,,4,1,Ana (1),,every other monday,en,Europe/Paris

task,Call the bank,,2,1,Ana (1),,,en,
"""


async def add(client: httpx.AsyncClient, account: Account, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/me/tasks", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def tasks_of(client: httpx.AsyncClient, account: Account) -> list[dict[str, Any]]:
    response = await client.get("/api/me/tasks?limit=1000", headers=account.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def import_file(
    client: httpx.AsyncClient,
    account: Account,
    content: str,
    content_type: str = "text/csv",
    query: str = "",
) -> httpx.Response:
    return await client.post(
        f"/api/me/import{query}",
        content=content.encode(),
        headers={**account.headers, "Content-Type": content_type},
    )


def comparable(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tasks' content, with times compared as instants (zones may differ)."""

    def instant(value: str | None) -> float | None:
        return datetime.fromisoformat(value).timestamp() if value else None

    return [
        {key: instant(task[key]) if key.endswith("_at") else task[key] for key in SAME_TASK_FIELDS}
        for task in tasks
    ]


@pytest.fixture
async def alices_list(client: httpx.AsyncClient, alice_auth: Account) -> list[dict[str, Any]]:
    await add(client, alice_auth, title="Buy milk", due_at="2026-12-01", labels=["errands"])
    await add(
        client, alice_auth, title="Water plants", repeat="every monday", labels=["home", "garden"]
    )
    await add(
        client,
        alice_auth,
        title="=SUM(A1:A9) looks like a formula",
        description="Line one\nLine two, with a comma",
        priority="urgent",
        due_at="2026-12-02T09:30",
    )
    done = await add(client, alice_auth, title="Call mom", priority="low")
    response = await client.patch(
        f"/api/me/tasks/{done['id']}/complete", json={"completed": True}, headers=alice_auth.headers
    )
    assert response.status_code == 200
    await add(client, alice_auth, title="Café crème — naïve ünïcode ✓")
    return await tasks_of(client, alice_auth)


@pytest.mark.parametrize("format", ["json", "csv"])
async def test_an_export_imported_into_a_fresh_account_gives_the_same_tasks(
    client: httpx.AsyncClient,
    alice_auth: Account,
    alices_list: list[dict[str, Any]],
    format: str,
) -> None:
    exported = await client.get(f"/api/me/export?format={format}", headers=alice_auth.headers)
    fresh = await register(client, "fresh@example.com", timezone="Asia/Tokyo")

    imported = await import_file(client, fresh, exported.text, f"text/{format}")

    assert imported.status_code == 200, imported.text
    assert len(imported.json()["created"]) == len(alices_list)
    assert comparable(await tasks_of(client, fresh)) == comparable(alices_list)


@pytest.mark.parametrize("format", ["json", "csv"])
async def test_importing_the_same_file_again_adds_nothing(
    client: httpx.AsyncClient,
    alice_auth: Account,
    alices_list: list[dict[str, Any]],
    format: str,
) -> None:
    exported = await client.get(f"/api/me/export?format={format}", headers=alice_auth.headers)

    again = await import_file(client, alice_auth, exported.text)

    assert again.json()["created"] == []
    assert [row["id"] for row in again.json()["skipped"]] == [t["id"] for t in alices_list]
    assert len(await tasks_of(client, alice_auth)) == len(alices_list)


async def test_the_json_export_says_what_it_is_and_holds_every_task(
    client: httpx.AsyncClient, alice_auth: Account, alices_list: list[dict[str, Any]]
) -> None:
    response = await client.get("/api/me/export", headers=alice_auth.headers)

    document = response.json()
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    assert (document["format"], document["version"]) == ("todochat-export", 1)
    assert [task["number"] for task in document["tasks"]] == [t["id"] for t in alices_list]


async def test_a_csv_export_guards_cells_that_a_spreadsheet_would_run(
    client: httpx.AsyncClient, alice_auth: Account, alices_list: list[dict[str, Any]]
) -> None:
    response = await client.get("/api/me/export?format=csv", headers=alice_auth.headers)

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert response.headers["content-type"].startswith("text/csv")
    assert rows[2]["title"] == "'=SUM(A1:A9) looks like a formula"


async def test_two_identical_rows_make_two_tasks_once(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    content = "title,due_at\nBuy milk,2026-12-01\nBuy milk,2026-12-01\n"

    first = await import_file(client, alice_auth, content)
    second = await import_file(client, alice_auth, content)

    assert [row["id"] for row in first.json()["created"]] == [1, 2]
    assert [row["id"] for row in second.json()["skipped"]] == [1, 2]


async def test_bad_rows_are_refused_with_the_reason_and_the_others_imported(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    content = "title,status,priority,due_at\nGood one,,,\n,,high,\nOdd,sleeping,,\nLate,,,someday\n"

    response = await import_file(client, alice_auth, content)

    report = response.json()
    assert [row["title"] for row in report["created"]] == ["Good one"]
    refused = {row["row"]: row["reason"] for row in report["refused"]}
    assert refused[3] == "title must not be empty"
    assert refused[4].startswith("status must be one of")
    assert refused[5].startswith("due_at must be an ISO date")


async def test_a_todoist_export_is_read_with_its_notes_priorities_and_dates(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await import_file(client, alice_auth, TODOIST_CSV)

    report = response.json()
    assert report["format"] == "todoist"
    assert [row["title"] for row in report["created"]] == [
        "Buy stamps",
        "Water plants",
        "Team call",
        "Call the bank",
    ]
    stamps, plants, call, bank = await tasks_of(client, alice_auth)
    priorities = (stamps["priority"], bank["priority"], plants["priority"])
    assert priorities == ("urgent", "high", "medium")
    assert stamps["description"] == "At the post office\n\nTen of them"
    assert stamps["due_at"] is not None
    # A date todochat can't read is kept, in the notes.
    assert plants["due_at"] is None
    assert plants["description"] == "Due: every full moon"
    # Todoist's labels, written "@home" in the content, are labels here.
    assert plants["labels"] == ["garden", "home"]
    # A Todoist repeat is a repeating task here.
    assert call["repeats"] == "every 2 weeks on Monday"


async def test_a_todoist_date_is_read_in_the_rows_time_zone(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    content = (
        "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
        "task,Dentist,,4,1,,,2026-12-03 10:00,en,Asia/Tokyo\n"
    )

    await import_file(client, alice_auth, content)

    (task,) = await tasks_of(client, alice_auth)
    due = datetime.fromisoformat(task["due_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (due.day, due.hour, due.minute) == (3, 10, 0)


async def test_a_file_that_is_not_json_says_so(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await import_file(client, alice_auth, "{not json", "application/json")

    error = assert_error(response, 422, "invalid_input")
    assert "not valid JSON" in error["message"]


async def test_a_csv_without_a_title_column_says_what_it_needs(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await import_file(client, alice_auth, "name,when\nmilk,today\n")

    error = assert_error(response, 422, "invalid_input")
    assert error["message"] == "a CSV import needs a 'title' column"


async def test_an_empty_file_is_refused(client: httpx.AsyncClient, alice_auth: Account) -> None:
    response = await import_file(client, alice_auth, "  \n")

    assert_error(response, 422, "invalid_input")


async def test_a_file_that_is_not_utf8_is_refused(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/me/import",
        content="title\nCaf\xe9\n".encode("latin-1"),
        headers={**alice_auth.headers, "Content-Type": "text/csv"},
    )

    error = assert_error(response, 422, "invalid_input")
    assert error["message"] == "an import file must be UTF-8 text"


async def test_an_oversized_file_is_refused_before_anything_is_imported(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    big = "title\n" + "x\n" * (1024 * 1024 + 10)  # just over the 2 MiB allowed

    response = await import_file(client, alice_auth, big)

    assert_error(response, 413, "too_large")
    assert await tasks_of(client, alice_auth) == []


async def test_a_read_only_token_can_export_but_not_import(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    from tests.support import bearer, make_access_token

    token = (await make_access_token(client, alice_auth, scopes=["tasks:read"]))["token"]

    exported = await client.get("/api/me/export", headers=bearer(token))
    imported = await client.post(
        "/api/me/import", json={"tasks": [{"title": "x"}]}, headers=bearer(token)
    )

    assert exported.status_code == 200
    assert_error(imported, 403, "forbidden")


async def test_the_larger_body_allowance_is_the_imports_alone(
    client: httpx.AsyncClient, alice_auth: Account
) -> None:
    response = await client.post(
        "/api/me/tasks",
        content=b'{"title": "' + b"x" * (100 * 1024) + b'"}',
        headers={**alice_auth.headers, "Content-Type": "application/json"},
    )

    assert_error(response, 413, "too_large")
