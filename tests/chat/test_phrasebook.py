"""How the built-in agent reads a message: intents and slots, titles of new tasks,
and which task a few words refer to."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from todochat.agent.builtin import split_title, title_matches, understand
from todochat.agent.phrasebook import Intent

# A Wednesday, mid-morning in Paris.
NOW = datetime(2026, 3, 11, 9, 30, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def read(message: str) -> tuple[Intent, dict[str, str]] | None:
    """What the agent makes of `message`: its intent and slots, None if nothing fits."""
    understood = understand(message)
    return None if understood is None else (understood.intent, understood.slots)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("Add a task to buy groceries", Intent.ADD, {"title": "buy groceries"}),
        ("I need to remember to pay bills", Intent.ADD, {"title": "pay bills"}),
        ("Remind me to call mom.", Intent.ADD, {"title": "call mom"}),
        ("Show me all my tasks", Intent.LIST, {}),
        ("What's pending?", Intent.LIST, {"status": "pending"}),
        ("What have I completed?", Intent.LIST, {"status": "completed"}),
        ("Mark task 3 as complete", Intent.COMPLETE, {"ref": "task 3"}),
        ("the groceries task is done!", Intent.COMPLETE, {"ref": "the groceries task"}),
        ("Delete the meeting task", Intent.DELETE, {"ref": "the meeting task"}),
        (
            "Change task 1 to 'Call mom tonight'",
            Intent.RENAME,
            {"ref": "task 1", "value": "'Call mom tonight'"},
        ),
        ("make task 5 high priority", Intent.PRIORITIZE, {"ref": "task 5", "priority": "high"}),
        ("move task 2 to next friday", Intent.RESCHEDULE, {"ref": "task 2", "due": "next friday"}),
        ("delete all my tasks", Intent.BULK, {}),
        ("hello", Intent.GREET, {}),
    ],
)
def test_understand_finds_the_intent_and_its_slots(
    message: str, intent: Intent, slots: dict[str, str]
) -> None:
    assert read(message) == (intent, slots)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("actually delete it", Intent.DELETE, {"ref": "it"}),
        ("ok, mark task 2 as done please", Intent.COMPLETE, {"ref": "task 2"}),
        ("Could you please add milk to my list?", Intent.ADD, {"title": "milk to my list"}),
        ("would you kindly delete task 4", Intent.DELETE, {"ref": "task 4"}),
        ("so what's pending?", Intent.LIST, {"status": "pending"}),
    ],
)
def test_understand_looks_past_filler_words(
    message: str, intent: Intent, slots: dict[str, str]
) -> None:
    assert read(message) == (intent, slots)


def test_filler_words_alone_still_read_as_thanks() -> None:
    understood = understand("ok")
    assert understood is not None
    assert understood.intent == Intent.THANK


@pytest.mark.parametrize(
    "message", ["add a task: finish the slides", "add task - finish the slides"]
)
def test_add_reads_a_title_after_a_colon_or_dash(message: str) -> None:
    assert read(message) == (Intent.ADD, {"title": "finish the slides"})


def test_add_keeps_a_title_that_starts_with_the_word_task() -> None:
    understood = understand("add taskforce meeting notes")
    assert understood is not None
    assert understood.slots == {"title": "taskforce meeting notes"}


@pytest.mark.parametrize("message", ["list everything", "show me everything"])
def test_list_everything_lists_every_status(message: str) -> None:
    assert read(message) == (Intent.LIST, {"status": "all"})


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("Which tasks are completed?", Intent.LIST, {"status": "completed"}),
        ("which todos are still open", Intent.LIST, {"status": "open"}),
        ("What's my next task?", Intent.LIST, {"status": "pending"}),
        ("show all", Intent.LIST, {"status": "all"}),
        (
            "Update task 2 title to Prepare slides",
            Intent.RENAME,
            {"ref": "task 2", "value": "Prepare slides"},
        ),
        (
            "change task 6 description to receipts from October",
            Intent.DESCRIBE,
            {"ref": "task 6", "value": "receipts from October"},
        ),
        ("I want to add a new task: clean the garage", Intent.ADD, {"title": "clean the garage"}),
        ("let's add call the bank", Intent.ADD, {"title": "call the bank"}),
        (
            "remind me tomorrow to call the bank",
            Intent.ADD,
            {"due": "tomorrow", "title": "call the bank"},
        ),
        ("show task 2", Intent.SHOW, {"ref": "task 2"}),
        ("what is #3?", Intent.SHOW, {"ref": "#3"}),
        ("tell me more about the report task", Intent.SHOW, {"ref": "the report task"}),
        (
            "what's pending this week?",
            Intent.LIST,
            {"when": "this week", "status": "pending"},
        ),
        ("show urgent tasks", Intent.LIST, {"priority": "urgent"}),
        ("what did I finish today", Intent.LIST, {"status": "completed"}),
        ("how are you?", Intent.GREET, {}),
    ],
)
def test_understand_common_rephrasings(message: str, intent: Intent, slots: dict[str, str]) -> None:
    assert read(message) == (intent, slots)


@pytest.mark.parametrize(
    "message", ["add make sure the report is done", "remind me to check the oven is off"]
)
def test_a_message_that_asks_to_add_is_never_read_as_a_task_it_names(message: str) -> None:
    understood = read(message)
    assert understood is not None
    assert understood[0] == Intent.ADD


def test_understand_reads_typographic_quotes_as_plain_ones() -> None:
    understood = understand("Change task 1 to \u2018Call mom tonight\u2019")
    assert understood is not None
    assert understood.slots["value"] == "'Call mom tonight'"


@pytest.mark.parametrize("message", ["qwzx blorp fnord", "", "the weather is nice"])
def test_understand_returns_none_when_no_phrasing_fits(message: str) -> None:
    assert understand(message) is None


def test_split_title_takes_out_priority_and_due_date() -> None:
    title, priority, due = split_title("buy milk tomorrow with high priority", "UTC", now=NOW)
    assert (title, priority) == ("Buy milk", "high")
    assert due == datetime(2026, 3, 12, 23, 59, 59, tzinfo=UTC)


def test_split_title_resolves_a_time_in_the_users_zone() -> None:
    title, _, due = split_title("team retro next friday 5pm", "Europe/Paris", now=NOW)
    assert title == "Team retro"
    assert due is not None
    assert (due.astimezone(PARIS).weekday(), due.astimezone(PARIS).hour) == (4, 17)


@pytest.mark.parametrize(
    ("words", "due_day"),
    [
        ("by end of month", 31),  # March 2026
        ("by the end of the week", 15),  # NOW is a Wednesday; the week ends on Sunday
        ("eod", 11),
    ],
)
def test_split_title_reads_the_end_of_a_period(words: str, due_day: int) -> None:
    title, _, due = split_title(f"submit taxes {words}", "UTC", now=NOW)
    assert title == "Submit taxes"
    assert due == datetime(2026, 3, due_day, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["buy milk priority high", "high priority: buy milk", "buy milk, priority: high"]
)
def test_split_title_takes_out_a_priority_before_or_after_the_title(text: str) -> None:
    assert split_title(text, "UTC", now=NOW) == ("Buy milk", "high", None)


def test_split_title_keeps_numbers_that_are_not_dates() -> None:
    assert split_title("buy 2 apples", "UTC", now=NOW) == ("Buy 2 apples", None, None)


def test_split_title_keeps_a_quoted_title_whole() -> None:
    assert split_title("'meet Sam on monday'", "UTC", now=NOW) == ("Meet Sam on monday", None, None)


def test_split_title_reads_asap_as_urgent() -> None:
    assert split_title("fix the leak asap", "UTC", now=NOW) == ("Fix the leak", "urgent", None)


def test_split_title_drops_to_my_list() -> None:
    assert split_title("call the bank to my list", "UTC", now=NOW)[0] == "Call the bank"


@pytest.mark.parametrize(
    ("reference", "title"),
    [
        ("groceries", "Buy groceries"),
        ("the meeting task", "Team meeting at 10"),
        ("the Groceries", "buy GROCERIES"),
        ("grocery", "Buy groceries"),
        ("plants", "Water the plant"),
    ],
)
def test_title_matches_every_meaningful_word(reference: str, title: str) -> None:
    assert title_matches(reference, title)


@pytest.mark.parametrize(
    ("reference", "title"),
    [
        ("meeting", "Buy groceries"),
        ("buy milk", "Buy groceries"),
        ("the task", "Buy groceries"),
        ("", "Buy groceries"),
    ],
)
def test_title_matches_rejects_other_titles_and_empty_references(
    reference: str, title: str
) -> None:
    assert not title_matches(reference, title)
