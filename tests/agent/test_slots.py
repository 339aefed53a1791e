"""Stage 3, slots: new tasks, changes and list filters out of a request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.language.changes import read_change
from todochat.agent.language.listing import read_list_filter
from todochat.agent.language.normalise import normalise
from todochat.agent.language.slots import read_new_tasks

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 11, 10, 30, tzinfo=PARIS)  # a Wednesday


def new_tasks(message: str) -> list[tuple[str, str | None, str | None]]:
    reading = read_new_tasks(normalise(message), "Europe/Paris", NOW)
    assert reading.problem is None
    assert not reading.recurring
    return [
        (t.title, t.priority, t.due.strftime("%m-%d %H:%M") if t.due else None)
        for t in reading.tasks
    ]


@pytest.mark.parametrize(
    ("message", "tasks"),
    [
        ("add buy milk to my to-do list please", [("Buy milk", None, None)]),
        ("add renew car insurance lol", [("Renew car insurance", None, None)]),
        ("Task: buy stamps", [("Buy stamps", None, None)]),
        (
            "remind me to email the landlord tomorrow, it's urgent",
            [("Email the landlord", "urgent", "03-12 23:59")],
        ),
        ("add call mom tonight at 8", [("Call mom", None, "03-11 20:00")]),
        ("add submit taxes by friday 5pm high priority", [("Submit taxes", "high", "03-13 17:00")]),
        ("add an important task: sign the papers", [("Sign the papers", "high", None)]),
        ("add prepare important documents", [("Prepare important documents", None, None)]),
        ("add 'meet Sam on monday'", [("Meet Sam on monday", None, None)]),
        ("add buy 2 apples", [("Buy 2 apples", None, None)]),
        ("add buy printer ink (medium priority)", [("Buy printer ink", "medium", None)]),
    ],
)
def test_the_title_is_what_remains_of_the_users_words(
    message: str, tasks: list[tuple[str, str | None, str | None]]
) -> None:
    assert new_tasks(message) == tasks


@pytest.mark.parametrize(
    ("message", "titles"),
    [
        ("add 'buy stamps' and 'post the letters'", ["Buy stamps", "Post the letters"]),
        ("add call the plumber and book flights", ["Call the plumber", "Book flights"]),
        ("add milk, eggs and bread", ["Milk", "Eggs", "Bread"]),
        ("add dust the shelves, descale the kettle", ["Dust the shelves", "Descale the kettle"]),
        ("add buy milk and eggs", ["Buy milk and eggs"]),
        ("add go to the bank and post office", ["Go to the bank and post office"]),
    ],
)
def test_several_tasks_are_split_only_where_each_reads_as_a_task(
    message: str, titles: list[str]
) -> None:
    assert [title for title, _, _ in new_tasks(message)] == titles


def test_a_repeat_is_reported_and_kept_out_of_the_title() -> None:
    reading = read_new_tasks(normalise("water plants every monday"), "Europe/Paris", NOW)
    assert reading.recurring
    assert [t.title for t in reading.tasks] == ["Water plants"]


@pytest.mark.parametrize(
    "message",
    [
        "add call mom at sometime-ish",
        "add pay rent on the blursday",
        "add clean the garage by the 45th",
    ],
)
def test_words_that_look_like_a_date_but_are_not_understood_are_a_problem(message: str) -> None:
    reading = read_new_tasks(normalise(message), "Europe/Paris", NOW)
    assert reading.tasks == []
    assert (reading.problem or "").startswith("leftover:")


def test_an_unknown_priority_is_a_problem() -> None:
    reading = read_new_tasks(normalise("add call Dad with priority purple"), "Europe/Paris", NOW)
    assert (reading.tasks, reading.problem) == ([], "priority")


@pytest.mark.parametrize(
    ("message", "field", "value"),
    [
        ("rename task 2 to call mum", "title", "Call mum"),
        ("call task 1 'Weekly shop' instead", "title", "Weekly shop"),
        ("add a note to task 4: bring the x-rays", "description", "bring the x-rays"),
        ("bump task 6 to high priority", "priority", "high"),
        ("task 8 isn't that important, set it to low", "priority", "low"),
        ("remove the due date from task 3", "due_clear", True),
    ],
)
def test_a_change_names_its_field_and_value(message: str, field: str, value: object) -> None:
    change, _ = read_change(normalise(message), "Europe/Paris", NOW)
    assert getattr(change, field) == value


def test_a_new_note_is_appended_and_a_set_description_replaces() -> None:
    added, _ = read_change(normalise("add a note to task 1: oat milk"), "Europe/Paris", NOW)
    replaced, _ = read_change(
        normalise("set the description of task 1 to oat milk"), "Europe/Paris", NOW
    )
    assert (added.append, replaced.append) == (True, False)


def test_a_move_reads_the_new_date_and_leaves_the_task_name() -> None:
    utterance = normalise("move the quarterly report to next monday")
    change, used = read_change(utterance, "Europe/Paris", NOW)
    assert change.due is not None
    assert change.due.strftime("%m-%d") == "03-16"
    assert {utterance.tokens[i].word for i in used} == {"next", "monday"}


@pytest.mark.parametrize(
    ("message", "status", "when"),
    [
        ("what's left?", "pending", None),
        ("show completed", "completed", None),
        ("show me everything, completed ones too", "all", None),
        ("which tasks aren't done yet", "pending", None),
        ("any overdue tasks?", "pending", "overdue"),
        ("anything due tomorrow?", "pending", "tomorrow"),
    ],
)
def test_a_listing_reads_its_status_and_window(message: str, status: str, when: str | None) -> None:
    wanted = read_list_filter(normalise(message), "Europe/Paris", NOW)
    assert (wanted.status, wanted.when) == (status, when)


def test_a_search_reads_its_words() -> None:
    wanted = read_list_filter(normalise("find tasks about the report"), "Europe/Paris", NOW)
    assert wanted.query == "report"


def test_a_listing_by_day_reads_the_day() -> None:
    wanted = read_list_filter(normalise("what's due friday?"), "Europe/Paris", NOW)
    assert (wanted.status, str(wanted.day)) == ("pending", "2026-03-13")
