"""Stage 5's words: every reply the built-in agent gives, in one table.

A reply to a change restates what was stored — title, due date in the user's zone,
priority — so that a misunderstanding shows at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from todochat.agent.language.changes import Change
from todochat.agent.language.listing import ListFilter
from todochat.services.dates import describe_due

if TYPE_CHECKING:
    from todochat.tools import TaskChange, TaskItem

HELP = (
    "I can manage your todo list. Try:\n"
    "• “Add buy groceries tomorrow”, “remind me to call mom on friday at 5pm”\n"
    "• “What's left?”, “show completed”, “anything due tomorrow?”\n"
    "• “Task 3 is done”, “I paid the bill”, “delete the dentist one”\n"
    "• “Rename task 1 to call mum”, “make task 2 urgent”, “move task 2 to next friday”\n"
    "• “Add a note to task 4: bring the x-rays”"
)
GREETING = "Hi! " + HELP
THANKS = "You're welcome! Anything else for your list?"
NOT_UNDERSTOOD = "Sorry, I didn't understand that. " + HELP
WHICH_TASK = "Which task do you mean? Tell me its number or a few words of its title."
WHICH_PRIORITY = "Which priority should it have — low, medium, high or urgent?"
WHAT_TITLE = "What should the task say? For example: “add buy milk”."
BULK = (
    "To be safe I change tasks only when each one is named. Tell me which ones, by "
    "number or title — “show my tasks” lists them."
)
REOPEN = (
    "I can't reopen a finished task from the chat yet. Untick it in the task list, or add it again."
)
REPEAT_ONE_AT_A_TIME = (
    "I can make one repeating task at a time: tell me it on its own, for example "
    "“add {example} every monday”."
)
NOTHING_TO_DO = "Okay, I won't change anything."
HYPOTHETICAL = "Okay — I haven't changed anything. Tell me when you want it done."
SAY_AGAIN = "I'm not sure which version you mean — could you say it again in one go?"
YOUR_CALL = (
    "That's your call! If you want me to, say it as a request — for example “delete task 4”."
)
LOOKUP_FAILED = "Sorry, I couldn't look up your tasks just now."
TOO_MANY = "That's a lot at once: name at most {limit} tasks."
NO_LISTING = "Which list do you mean? Say “show my tasks” first, then “the second one”."


def quoted(title: str) -> str:
    return f"“{title}”"


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def due_phrase(due: datetime | None, timezone: str, now: datetime) -> str:
    """ "due tomorrow 17:00", or "overdue since Mon 9 Mar" — never "due overdue"."""
    if due is None:
        return ""
    described = describe_due(due, timezone, now=now)
    if described.startswith(("today", "tomorrow", "yesterday", "overdue since today")):
        # "tomorrow" alone hides which day was stored.
        described += f" ({due.astimezone(ZoneInfo(timezone)):%a %d %b})"
    return described if described.startswith("overdue") else f"due {described}"


def details(due: datetime | None, priority: str | None, timezone: str, now: datetime) -> str:
    parts = [
        p for p in (due_phrase(due, timezone, now), f"{priority} priority" if priority else "") if p
    ]
    return f" ({', '.join(parts)})" if parts else ""


def added(
    number: int,
    title: str,
    due: datetime | None,
    priority: str | None,
    timezone: str,
    now: datetime,
) -> str:
    return f"Added task #{number}: {quoted(title)}{details(due, priority, timezone, now)}."


def completed(number: int, title: str) -> str:
    return f"Nice work! Task #{number} {quoted(title)} is marked as complete."


def labelled(labels: list[str]) -> str:
    """ " Labels: #errands, #home." for a task that has labels."""
    return f" Labels: {', '.join('#' + name for name in labels)}." if labels else ""


def repeats(how: str, due: datetime | None, timezone: str, now: datetime) -> str:
    """ " It repeats every Monday; next: Mon 30 Nov." for a task that repeats."""
    following = due_phrase(due, timezone, now)
    return f" It repeats {how}" + (f"; next {following}." if following else ".")


def moved_on(
    number: int, title: str, how: str, due: datetime | None, timezone: str, now: datetime
) -> str:
    """Completing one occurrence of a repeating task."""
    following = due_phrase(due, timezone, now)
    then = f" The next one is {following}." if following else ""
    return f"Nice work! Done for this time: task #{number} {quoted(title)} repeats {how}.{then}"


def deleted(number: int, title: str) -> str:
    return f"Deleted task #{number}: {quoted(title)}."


def no_such_task(number: int) -> str:
    return f"There is no task #{number}. Say “show my tasks” to see them."


def no_match(words: str) -> str:
    return f"I couldn't find a task matching {quoted(words)}. Say “show my tasks” to see them."


def which_of(words: str, options: str) -> str:
    return f"More than one task matches {quoted(words)}: {options}. Which one do you mean?"


def did_you_mean(number: int, title: str) -> str:
    return f"Do you mean task #{number} {quoted(title)}? Tell me its number to go ahead."


def ask_about_leftover(words: str) -> str:
    return (
        f"I'm not sure what {quoted(words)} means as a date. Could you say it another way "
        "— for example “tomorrow at 5pm” or “on friday”?"
    )


def ask_between(first: str, second: str) -> str:
    return f"Do you want me to {first} or {second}?"


def could_not(error: str | None) -> str:
    return f"Sorry, I couldn't do that: {error}"


def updated(stored: TaskChange, change: Change, timezone: str, now: datetime) -> str:
    """What an update stored, field by field."""
    number, title = stored.task_id, stored.title
    name = f"task #{number} {quoted(title)}"
    facts = []
    if change.repeat and stored.task.repeats:
        following = due_phrase(stored.task.due_local, timezone, now)
        then = f"; next {following}" if following else ""
        facts.append(f"Task #{number} {quoted(title)} now repeats {stored.task.repeats}{then}.")
    elif change.repeat:
        facts.append(f"Task #{number} {quoted(title)} no longer repeats.")
    if change.add_labels or change.remove_labels:
        now_labelled = ", ".join(f"#{name}" for name in stored.task.labels) or "no labels"
        facts.append(f"Task #{number} {quoted(title)} now has {now_labelled}.")
    if change.title:
        facts.append(f"Renamed task #{number} to {quoted(title)}.")
    if change.priority:
        facts.append(f"Task #{number} {quoted(title)} is now {change.priority} priority.")
    if change.due_clear:
        facts.append(f"Removed the due date from {name}.")
    elif change.due is not None:
        facts.append(
            f"Task #{number} {quoted(title)} is now {due_phrase(change.due, timezone, now)}."
        )
    if change.description:
        facts.append(
            f"Added a note to {name}: {change.description}"
            if change.append
            else f"Updated the notes of {name}: {change.description}"
        )
    return " ".join(facts)


def listing_heading(wanted: ListFilter, shown: int) -> str:
    """The line above a list: what was asked for, and how many."""
    number = count(shown, "task")
    if wanted.label:
        return f"Tasks labelled #{wanted.label}: {number}"
    if wanted.query:
        return f"Tasks mentioning {quoted(wanted.query)}:"
    if wanted.when == "overdue":
        return f"You have {number} overdue:"
    if wanted.when:
        return f"Due {wanted.when}: {number}"
    if wanted.day is not None:
        return f"Due {wanted.day:%a %d %b}: {number}"
    if wanted.priority:
        return f"You have {number} at {wanted.priority} priority:"
    return {
        "pending": f"You have {number} pending:",
        "completed": f"You've completed {number}:",
    }.get(wanted.status, f"Your list has {number}:")


def nothing_listed(wanted: ListFilter) -> str:
    """The answer to a listing that finds nothing."""
    if wanted.label:
        return f"No tasks are labelled #{wanted.label}."
    if wanted.day is not None:
        return f"Nothing is due on {wanted.day:%a %d %b}."
    if wanted.query:
        return f"No tasks mention {quoted(wanted.query)}."
    if wanted.when == "overdue":
        return "Nothing is overdue — well done!"
    if wanted.when:
        return f"Nothing is due {wanted.when}."
    if wanted.priority:
        return f"No open tasks at {wanted.priority} priority."
    return {
        "pending": "Nothing left to do — you're all caught up!",
        "completed": "You haven't completed any tasks yet.",
    }.get(wanted.status, "Your list is empty. Try “add buy milk”.")


def task_line(task: TaskItem, mark_done: bool, timezone: str, now: datetime) -> str:
    """One task in a list: "#3 Pay the bill — high priority, due tomorrow (Thu 12 Mar)"."""
    notes = []
    if task.priority in ("high", "urgent", "low"):
        notes.append(f"{task.priority} priority")
    if task.due_date is not None and not task.completed:
        notes.append(due_phrase(task.due_date, timezone, now))
    if task.repeats:
        notes.append(f"repeats {task.repeats}")
    if task.labels:
        notes.append(" ".join(f"#{name}" for name in task.labels))
    mark = "✓ " if task.completed and mark_done else ""
    extra = f" — {', '.join(notes)}" if notes else ""
    return f"{mark}#{task.id} {task.title}{extra}"


def task_details(task: TaskItem, timezone: str, now: datetime) -> str:
    """One task in full, its notes on a line of their own."""
    facts = ["done" if task.completed else "pending", f"{task.priority} priority"]
    if task.due_date is not None:
        facts.append(due_phrase(task.due_date, timezone, now))
    if task.repeats:
        facts.append(f"repeats {task.repeats}")
    if task.labels:
        facts.append("labels " + ", ".join(f"#{name}" for name in task.labels))
    line = f"Task #{task.id} {quoted(task.title)}: {', '.join(facts)}."
    if task.description:
        line += f"\nNotes: {task.description}"
    return line
