"""The built-in agent end to end: POST /api/{user_id}/chat with default settings, the
tool calls it reports, and what ends up in the database (read back over REST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support import register
from todochat.agent.language import replies

from .chat_helpers import Chatter, tool_names

PARIS = ZoneInfo("Europe/Paris")


def only_call(turn: dict[str, Any]) -> dict[str, Any]:
    """The one tool call of a turn (fails if there were more or none)."""
    [call] = turn["tool_calls"]
    assert isinstance(call, dict)
    return call


async def add_tasks(chatter: Chatter, *titles: str) -> None:
    for title in titles:
        await chatter.add_task(title)


# The original command table ---------------------------------------------------------


async def test_add_a_task_to_buy_groceries(ada: Chatter) -> None:
    turn = await ada.say("Add a task to buy groceries")
    call = only_call(turn)
    assert (call["name"], call["arguments"]["title"]) == ("add_task", "Buy groceries")
    assert call["result"] == {"task_id": 1, "status": "created", "title": "Buy groceries"}
    [task] = await ada.tasks()
    assert (task["id"], task["title"], task["status"]) == (1, "Buy groceries", "pending")


async def test_show_me_all_my_tasks_lists_every_status(ada: Chatter) -> None:
    await add_tasks(ada, "Buy groceries", "Call mom")
    await ada.complete(2)
    turn = await ada.say("Show me all my tasks")
    call = only_call(turn)
    assert (call["name"], call["arguments"]["status"]) == ("list_tasks", "all")
    assert "#1 Buy groceries" in turn["response"]
    assert "#2 Call mom" in turn["response"]


async def test_whats_pending_lists_pending_tasks_only(ada: Chatter) -> None:
    await add_tasks(ada, "Buy groceries", "Call mom")
    await ada.complete(2)
    turn = await ada.say("What's pending?")
    call = only_call(turn)
    assert (call["name"], call["arguments"]["status"]) == ("list_tasks", "pending")
    assert call["result"] == {"count": 1, "task_ids": [1]}
    assert "Buy groceries" in turn["response"]
    assert "Call mom" not in turn["response"]


async def test_mark_task_3_as_complete(ada: Chatter) -> None:
    await add_tasks(ada, "One", "Two", "Water the plants")
    turn = await ada.say("Mark task 3 as complete")
    call = only_call(turn)
    assert (call["name"], call["arguments"]) == ("complete_task", {"task_id": 3})
    assert (await ada.task(3))["status"] == "completed"
    assert [t["status"] for t in await ada.tasks()] == ["pending", "pending", "completed"]


@pytest.mark.both_databases
async def test_delete_the_meeting_task_finds_it_by_title(ada: Chatter) -> None:
    await add_tasks(ada, "Buy groceries", "Team meeting at 10", "Call mom")
    turn = await ada.say("Delete the meeting task")
    assert tool_names(turn) == ["list_tasks", "delete_task"]
    assert turn["tool_calls"][1]["arguments"] == {"task_id": 2}
    assert await ada.titles() == {1: "Buy groceries", 3: "Call mom"}


async def test_change_task_1_renames_it(ada: Chatter) -> None:
    await add_tasks(ada, "Call mom")
    turn = await ada.say("Change task 1 to 'Call mom tonight'")
    call = only_call(turn)
    assert call["name"] == "update_task"
    assert call["arguments"] == {"task_id": 1, "title": "Call mom tonight"}
    assert (await ada.task(1))["title"] == "Call mom tonight"


async def test_i_need_to_remember_to_pay_bills(ada: Chatter) -> None:
    turn = await ada.say("I need to remember to pay bills")
    call = only_call(turn)
    assert (call["name"], call["arguments"]["title"]) == ("add_task", "Pay bills")
    assert await ada.titles() == {1: "Pay bills"}


async def test_what_have_i_completed_lists_completed_tasks(ada: Chatter) -> None:
    await add_tasks(ada, "Buy groceries", "Call mom")
    await ada.complete(1)
    turn = await ada.say("What have I completed?")
    call = only_call(turn)
    assert (call["name"], call["arguments"]["status"]) == ("list_tasks", "completed")
    assert call["result"] == {"count": 1, "task_ids": [1]}
    assert "Buy groceries" in turn["response"]
    assert "Call mom" not in turn["response"]


# Variants --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("Remind me to call the dentist", "Call the dentist"),
        ("Don't let me forget to water the plants", "Water the plants"),
        ("add buy milk", "Buy milk"),
        ("Please add a task called renew passport", "Renew passport"),
    ],
)
async def test_adding_phrasings_create_the_task(ada: Chatter, message: str, title: str) -> None:
    call = only_call(await ada.say(message))
    assert (call["name"], call["arguments"]["title"]) == ("add_task", title)
    assert await ada.titles() == {1: title}


@pytest.mark.parametrize("message", ["I finished task 2", "Task 2 is done", "complete task 2"])
async def test_completing_phrasings_complete_the_numbered_task(ada: Chatter, message: str) -> None:
    await add_tasks(ada, "One", "Two")
    call = only_call(await ada.say(message))
    assert (call["name"], call["arguments"]) == ("complete_task", {"task_id": 2})
    assert [t["status"] for t in await ada.tasks()] == ["pending", "completed"]


@pytest.mark.parametrize("message", ["remove task 5", "cancel task 5", "delete task #5"])
async def test_deleting_phrasings_delete_the_numbered_task(ada: Chatter, message: str) -> None:
    await add_tasks(ada, "One", "Two", "Three", "Four", "Five")
    call = only_call(await ada.say(message))
    assert (call["name"], call["arguments"]) == ("delete_task", {"task_id": 5})
    assert sorted(await ada.titles()) == [1, 2, 3, 4]


async def test_rename_task_2_to_a_new_title(ada: Chatter) -> None:
    await add_tasks(ada, "One", "Call mom")
    call = only_call(await ada.say("rename task 2 to call grandma"))
    assert call["arguments"] == {"task_id": 2, "title": "Call grandma"}
    assert (await ada.task(2))["title"] == "Call grandma"


async def test_set_the_description_of_task_2(ada: Chatter) -> None:
    await add_tasks(ada, "One", "Buy groceries")
    details = "eggs, flour and a bag of apples"
    call = only_call(await ada.say(f"set the description of task 2 to {details}"))
    assert call["name"] == "update_task"
    assert call["arguments"] == {"task_id": 2, "description": details}
    task = await ada.task(2)
    assert (task["title"], task["description"]) == ("Buy groceries", details)


async def test_make_task_5_high_priority(ada: Chatter) -> None:
    await add_tasks(ada, "One", "Two", "Three", "Four", "Five")
    call = only_call(await ada.say("make task 5 high priority"))
    assert (call["name"], call["arguments"]) == ("update_task", {"task_id": 5, "priority": "high"})
    assert [t["priority"] for t in await ada.tasks()] == ["medium"] * 4 + ["high"]


@pytest.mark.both_databases
async def test_the_groceries_task_is_done_completes_it_by_title(ada: Chatter) -> None:
    await add_tasks(ada, "Call mom", "Buy groceries")
    turn = await ada.say("the groceries task is done")
    assert tool_names(turn) == ["list_tasks", "complete_task"]
    assert turn["tool_calls"][1]["arguments"] == {"task_id": 2}
    assert [t["status"] for t in await ada.tasks()] == ["pending", "completed"]


# Due dates, resolved in the user's time zone ---------------------------------------------


@pytest.fixture
async def paris(client: httpx.AsyncClient) -> Chatter:
    return Chatter(client, await register(client, "paris@example.com", timezone="Europe/Paris"))


def paris_today() -> date:
    return datetime.now(UTC).astimezone(PARIS).date()


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS)


async def stored_due(chatter: Chatter, number: int = 1) -> datetime:
    due_at = (await chatter.task(number))["due_at"]
    assert due_at is not None
    return datetime.fromisoformat(due_at)


async def test_add_tomorrow_is_due_at_the_end_of_tomorrow_in_the_users_zone(
    paris: Chatter,
) -> None:
    before = paris_today()
    call = only_call(await paris.say("add buy bread tomorrow"))
    after = paris_today()
    assert call["arguments"]["title"] == "Buy bread"
    due = await stored_due(paris)
    assert due in {end_of(before + timedelta(days=1)), end_of(after + timedelta(days=1))}
    assert due.utcoffset() == due.astimezone(PARIS).utcoffset()  # shown in Paris time


async def test_add_in_3_days_is_due_at_the_end_of_that_day(paris: Chatter) -> None:
    before = paris_today()
    call = only_call(await paris.say("remind me to renew the passport in 3 days"))
    after = paris_today()
    assert call["arguments"]["title"] == "Renew the passport"
    due = await stored_due(paris)
    assert due in {end_of(before + timedelta(days=3)), end_of(after + timedelta(days=3))}


@pytest.mark.both_databases
async def test_add_next_friday_5pm_is_due_that_friday_at_17_in_the_users_zone(
    paris: Chatter,
) -> None:
    call = only_call(await paris.say("add team retro next friday 5pm"))
    assert call["arguments"]["title"] == "Team retro"
    due = (await stored_due(paris)).astimezone(PARIS)
    assert (due.weekday(), due.hour, due.minute) == (4, 17, 0)
    assert 1 <= (due.date() - paris_today()).days <= 14


# Ambiguity -------------------------------------------------------------------------


@pytest.fixture
async def two_grocery_tasks(ada: Chatter) -> Chatter:
    await add_tasks(ada, "Call mom", "Buy groceries", "Put the groceries away")
    return ada


async def test_two_matching_tasks_make_the_agent_ask_and_change_nothing(
    two_grocery_tasks: Chatter,
) -> None:
    ada = two_grocery_tasks
    turn = await ada.say("the groceries task is done")
    assert tool_names(turn) == ["list_tasks"]
    assert "#2" in turn["response"]
    assert "#3" in turn["response"]
    assert "Which one" in turn["response"]
    assert [t["status"] for t in await ada.tasks()] == ["pending"] * 3


@pytest.mark.parametrize(("answer", "chosen"), [("the second one", 3), ("3", 3), ("task 2", 2)])
async def test_the_answer_to_which_one_completes_exactly_that_task(
    two_grocery_tasks: Chatter, answer: str, chosen: int
) -> None:
    ada = two_grocery_tasks
    question = await ada.say("the groceries task is done")
    turn = await ada.say(answer, question["conversation_id"])
    call = only_call(turn)
    assert (call["name"], call["arguments"]) == ("complete_task", {"task_id": chosen})
    completed = [t["id"] for t in await ada.tasks() if t["completed"]]
    assert completed == [chosen]


# Follow-ups and small talk ---------------------------------------------------------------


async def test_mark_it_done_refers_to_the_task_added_in_the_previous_turn(ada: Chatter) -> None:
    await add_tasks(ada, "Call mom")
    first = await ada.say("add buy milk")
    turn = await ada.say("mark it done", first["conversation_id"])
    call = only_call(turn)
    assert (call["name"], call["arguments"]) == ("complete_task", {"task_id": 2})
    assert [t["status"] for t in await ada.tasks()] == ["pending", "completed"]


async def test_it_in_a_new_conversation_is_not_guessed(ada: Chatter) -> None:
    await ada.say("add buy milk")
    turn = await ada.say("mark it done")
    assert turn["tool_calls"] == []
    assert (await ada.task(1))["status"] == "pending"


@pytest.mark.parametrize("message", ["hello", "Good morning!"])
async def test_a_greeting_gets_the_help_text_and_no_tool_call(ada: Chatter, message: str) -> None:
    turn = await ada.say(message)
    assert turn["tool_calls"] == []
    assert replies.HELP in turn["response"]


@pytest.mark.parametrize("message", ["qwzx blorp fnord", "the weather is nice"])
async def test_gibberish_gets_the_help_text_and_no_tool_call(ada: Chatter, message: str) -> None:
    turn = await ada.say(message)
    assert turn["tool_calls"] == []
    assert replies.HELP in turn["response"]
    assert await ada.tasks() == []


async def test_a_bare_task_that_starts_with_a_verb_is_added(ada: Chatter) -> None:
    turn = await ada.say("Buy bread")
    assert tool_names(turn) == ["add_task"]
    assert "“Buy bread”" in turn["response"]
    assert await ada.titles() == {1: "Buy bread"}


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("delete", replies.WHICH_TASK),
        ("mark as done", replies.WHICH_TASK),
        ("add a task", "What should the task say? For example: “add buy milk”."),
        ("rename task 1", "What should the new title be? Say “rename task 2 to …”."),
    ],
)
async def test_a_request_missing_its_task_or_text_asks_for_it(
    ada: Chatter, message: str, question: str
) -> None:
    await add_tasks(ada, "One")
    turn = await ada.say(message)
    assert (turn["tool_calls"], turn["response"]) == ([], question)
    assert await ada.titles() == {1: "One"}
    assert await ada.statuses() == {1: "pending"}


async def test_show_task_2_describes_it(ada: Chatter) -> None:
    await ada.add_task("One")
    await ada.add_task("Finish report", priority="high", description="Q3 numbers")
    turn = await ada.say("show task 2")
    assert tool_names(turn) == ["list_tasks"]
    assert turn["response"] == "Task #2 “Finish report”: pending, high priority.\nNotes: Q3 numbers"


async def test_did_i_finish_answers_from_the_tasks_status(ada: Chatter) -> None:
    await add_tasks(ada, "Buy groceries", "Call mom")
    await ada.complete(1)
    turn = await ada.say("Did I finish the groceries?")
    assert tool_names(turn) == ["list_tasks"]
    assert turn["response"].startswith("Task #1 “Buy groceries”: done")


async def test_remind_me_tomorrow_to_sets_the_due_date(paris: Chatter) -> None:
    turn = await paris.say("remind me tomorrow to call the bank")
    call = only_call(turn)
    assert call["arguments"]["title"] == "Call the bank"
    tomorrow = paris_today() + timedelta(days=1)
    assert datetime.fromisoformat(call["arguments"]["due_date"]).date() == tomorrow


@pytest.mark.parametrize("message", ["delete all my tasks", "complete every task"])
async def test_bulk_requests_are_refused_without_a_tool_call(ada: Chatter, message: str) -> None:
    await add_tasks(ada, "Buy groceries", "Call mom")
    turn = await ada.say(message)
    assert turn["tool_calls"] == []
    assert [(t["title"], t["status"]) for t in await ada.tasks()] == [
        ("Buy groceries", "pending"),
        ("Call mom", "pending"),
    ]


# Replies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["Mark task 3 as complete", "Delete task 3", "Change task 3 to 'Water the roses'"],
)
async def test_replies_name_the_task_and_its_number(ada: Chatter, message: str) -> None:
    await add_tasks(ada, "One", "Two", "Water the plants")
    turn = await ada.say(message)
    assert "#3" in turn["response"]
    title = turn["tool_calls"][-1]["result"]["title"]
    assert title in turn["response"]


async def test_the_reply_to_an_add_names_the_new_number_and_title(ada: Chatter) -> None:
    await add_tasks(ada, "One")
    turn = await ada.say("Add a task to buy groceries")
    assert "#2" in turn["response"]
    assert "Buy groceries" in turn["response"]


async def test_a_missing_task_number_is_reported_not_raised(ada: Chatter) -> None:
    turn = await ada.say("mark task 9 as done")
    call = only_call(turn)
    assert "not found" in call["error"]
    assert turn["response"] == "There is no task #9. Say “show my tasks” to see them."


async def test_tasks_named_by_number_are_completed_together(ada: Chatter) -> None:
    await add_tasks(ada, "One", "Two", "Three")
    turn = await ada.say("Mark tasks 1 and 3 as done")
    assert [call["arguments"] for call in turn["tool_calls"]] == [{"task_id": 1}, {"task_id": 3}]
    assert await ada.statuses() == {1: "completed", 2: "pending", 3: "completed"}


async def test_tasks_named_by_number_are_deleted_together(ada: Chatter) -> None:
    await add_tasks(ada, "One", "Two", "Three")
    turn = await ada.say("delete #1, #2")
    assert tool_names(turn) == ["delete_task", "delete_task"]
    assert await ada.titles() == {3: "Three"}


async def test_more_numbers_than_allowed_change_nothing(ada: Chatter) -> None:
    await add_tasks(ada, "One")
    numbers = ", ".join(str(n) for n in range(1, 13))
    turn = await ada.say(f"delete tasks {numbers}")
    assert turn["tool_calls"] == []
    assert await ada.titles() == {1: "One"}


async def test_a_repeating_task_is_added_with_its_rule(ada: Chatter) -> None:
    turn = await ada.say("water plants every monday")

    call = only_call(turn)
    assert (call["arguments"]["title"], call["arguments"]["repeat"]) == (
        "Water plants",
        "every monday",
    )
    [task] = await ada.tasks()
    assert (task["title"], task["repeats"]) == ("Water plants", "every Monday")
    assert "It repeats every Monday; next due" in turn["response"]


async def test_the_time_said_with_a_repeat_is_its_time(ada: Chatter) -> None:
    await ada.say("remind me to stretch every weekday at 9am")

    [task] = await ada.tasks()
    assert task["repeats"] == "every weekday"
    assert datetime.fromisoformat(task["due_at"]).strftime("%H:%M") == "09:00"


async def test_completing_a_repeating_task_says_when_the_next_one_is(ada: Chatter) -> None:
    await ada.say("pay the rent on the 1st of each month")

    turn = await ada.say("I paid the rent")

    [task] = await ada.tasks()
    assert task["status"] == "pending"
    assert datetime.fromisoformat(task["due_at"]).day == 1
    assert "repeats on day 1 of every month. The next one is" in turn["response"]


async def test_several_tasks_with_a_repeat_are_asked_for_one_at_a_time(ada: Chatter) -> None:
    turn = await ada.say("add water plants and feed the fish every monday")

    assert [c for c in turn["tool_calls"] if c["name"] == "add_task"] == []
    assert "one repeating task at a time" in turn["response"]


async def test_an_unknown_priority_is_asked_about_and_nothing_is_added(ada: Chatter) -> None:
    turn = await ada.say("add call Dad with priority purple")
    assert turn["tool_calls"] == []
    assert "low, medium, high or urgent?" in turn["response"]
    assert await ada.tasks() == []


@pytest.mark.parametrize(
    ("message", "repeats"),
    [
        ("make task 1 repeat every friday", "every Friday"),
        ("task 1 should repeat weekly", "every week"),
        ("set the vitamins to repeat every other day", "every 2 days"),
        ("repeat task 1 every monday at 9am", "every Monday"),
    ],
)
async def test_an_existing_task_is_made_to_repeat(ada: Chatter, message: str, repeats: str) -> None:
    await ada.add_task("Take the vitamins")

    turn = await ada.say(message)

    [task] = await ada.tasks()
    assert task["repeats"] == repeats, turn["response"]
    assert f"now repeats {repeats}" in turn["response"]


@pytest.mark.parametrize(
    "message",
    ["stop repeating task 1", "don't repeat the vitamins anymore", "make task 1 a one-off"],
)
async def test_a_task_stops_repeating(ada: Chatter, message: str) -> None:
    await ada.say("take the vitamins every day")

    turn = await ada.say(message)

    [task] = await ada.tasks()
    assert task["repeats"] is None, turn["response"]
    assert "no longer repeats" in turn["response"]


# Labels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "title", "labels"),
    [
        ("add buy milk #errands tomorrow", "Buy milk", ["errands"]),
        ("remind me to call the plumber @home", "Call the plumber", ["home"]),
        ("add #work finish the slides #q4", "Finish the slides", ["q4", "work"]),
    ],
)
async def test_a_hashtag_in_a_new_task_is_a_label(
    ada: Chatter, message: str, title: str, labels: list[str]
) -> None:
    turn = await ada.say(message)

    [task] = await ada.tasks()
    assert (task["title"], task["labels"]) == (title, labels), turn["response"]
    assert "Labels: #" in turn["response"]


@pytest.mark.parametrize(
    "message",
    [
        "tag task 1 work",
        "label the report as work",
        "tag the report with #work",
        "add the work tag to task 1",
        "put a work label on the report",
    ],
)
async def test_a_task_is_given_a_label(ada: Chatter, message: str) -> None:
    await ada.add_task("Finish the report")
    await ada.say("show task 1")

    turn = await ada.say(message)

    [task] = await ada.tasks()
    assert task["labels"] == ["work"], turn["response"]
    assert "now has #work" in turn["response"]


@pytest.mark.parametrize(
    "message",
    ["remove the work tag from task 1", "untag task 1 work", "take the #work label off the report"],
)
async def test_a_label_is_taken_off(ada: Chatter, message: str) -> None:
    await ada.say("add finish the report #work #q4")

    turn = await ada.say(message)

    [task] = await ada.tasks()
    assert task["labels"] == ["q4"], turn["response"]


@pytest.mark.parametrize(
    "message",
    ["show my work tasks", "what's tagged work?", "list #work", "anything labelled work left?"],
)
async def test_a_listing_by_label_shows_only_those_tasks(ada: Chatter, message: str) -> None:
    await ada.say("add finish the report #work")
    await ada.say("add buy milk #errands")

    turn = await ada.say(message)

    assert "#1 Finish the report" in turn["response"], turn["response"]
    assert "Buy milk" not in turn["response"]
