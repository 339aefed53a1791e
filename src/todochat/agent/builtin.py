"""The built-in agent: deterministic, offline, no key.

It matches the message against the phrasebook, resolves which task is meant (by
number, by words of its title, or "it" from the conversation so far), calls the
tools, and answers with a friendly confirmation. When a description fits several
tasks it asks which one rather than guessing, and remembers the question in the
reply's metadata so that "the second one" can answer it on the next turn.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from todochat.agent import phrasebook as pb
from todochat.agent.base import (
    AgentEvent,
    AgentReply,
    AgentRequest,
    HistoryEntry,
    ReplyDone,
    TextDelta,
    ToolCalled,
)
from todochat.agent.phrasebook import Intent
from todochat.agent.toolbox import ToolCallRecord
from todochat.services.dates import describe_due, last_day_of, parse_natural_due
from todochat.tools import TaskChange, TaskItem

_NUMBER_REF = re.compile(r"^(?:(?:task|todo|item|number|no\.?)\s*)?#?\s*(\d{1,9})$", re.IGNORECASE)
# "tasks 2 and 3", "#4, #5 & #7": several tasks named exactly, by number.
_NUMBER_LIST = re.compile(
    r"^(?:(?:tasks?|todos?|items?|numbers?)\s*)?#?\s*\d{1,9}(?:\s*(?:,|and|&|\+)\s*#?\s*\d{1,9})+$",
    re.IGNORECASE,
)
# The most tasks one message may change by listing their numbers.
MAX_LISTED_TASKS = 10
# Typographic quotes (as phones type them) read as plain ones.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_WORD = re.compile(r"[\w'-]+")


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    slots: dict[str, str]


@dataclass
class _Outcome:
    """What a handler says, plus metadata to keep with the reply."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def normalize(message: str) -> str:
    """One line, typographic quotes made plain, no trailing punctuation."""
    text = " ".join(message.translate(_QUOTES).split())
    return text.rstrip(" .!?;,")


def understand(message: str) -> Understanding | None:
    """The intent and slots of a message, or None if no phrasing fits, as said or
    without the filler words around it ("actually", "could you", "please")."""
    text = normalize(message)
    bare = pb.TRAILING_FILLERS.sub("", pb.LEADING_FILLERS.sub("", text)).strip(" ,")
    for candidate in dict.fromkeys([text, bare]):
        if not candidate:
            continue
        for phrasing in pb.PHRASINGS:
            match = phrasing.pattern.fullmatch(candidate)
            if match:
                slots = {k: v.strip() for k, v in match.groupdict().items() if v and v.strip()}
                return Understanding(phrasing.intent, {**slots, **phrasing.fixed})
    return None


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        return text[1:-1].strip()
    return text


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _stem(word: str) -> str:
    # "grocery" and "groceries" share a stem: consonant + y makes its plural in -ies.
    if len(word) > 3 and word.endswith("y") and word[-2] not in "aeiouy":
        return word[:-1]
    for suffix in ("ies", "es", "s", "ing"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _listed_numbers(reference: str) -> list[int]:
    """The task numbers of "tasks 2 and 3" (in order, once each); [] for anything else."""
    reference = _unquote(reference).strip()
    if not _NUMBER_LIST.match(reference):
        return []
    return list(dict.fromkeys(int(n) for n in re.findall(r"\d+", reference)))


def title_matches(reference: str, title: str) -> bool:
    """Whether every meaningful word of `reference` appears in `title`
    (ignoring case and simple plural or -ing endings)."""
    wanted = [_stem(w) for w in _words(reference) if w not in pb.REF_STOPWORDS]
    if not wanted:
        return False
    have = {_stem(w) for w in _words(title)}
    return all(any(h == w or (len(w) >= 4 and h.startswith(w)) for h in have) for w in wanted)


def split_title(
    text: str, timezone: str, now: datetime | None = None
) -> tuple[str, str | None, datetime | None]:
    """A new task's title, with its priority and due date taken out of it:
    "buy milk tomorrow with high priority" → ("Buy milk", "high", tomorrow)."""
    title = pb.TRAILING_LIST_WORDS.sub("", text.strip())
    if len(title) >= 2 and title[0] in "'\"" and title[-1] == title[0]:
        return _capitalized(title[1:-1].strip()), None, None
    priority: str | None = None
    for pattern, fixed in pb.TITLE_PRIORITY_PATTERNS:
        match = pattern.search(title)
        if match:
            named = match.groupdict().get("p")
            priority = fixed or pb.PRIORITY_WORDS.get((named or "").lower())
            title = (title[: match.start()] + title[match.end() :]).strip(" ,;:-")
            break
    due: datetime | None = None
    for lead in pb.DUE_LEADS.finditer(title):
        candidate = title[lead.start() :]
        if lead.start() == 0 or not pb.DATE_HINTS.search(candidate):
            continue
        parsed = parse_natural_due(pb.DUE_CONNECTORS.sub("", candidate), timezone, now=now)
        if parsed is not None:
            due = parsed
            title = title[: lead.start()].rstrip(" ,;-")
            break
    return _capitalized(_unquote(title)), priority, due


def _changed(call: ToolCallRecord) -> TaskChange:
    """The typed result of a successful add, complete, delete or update call."""
    if not isinstance(call.value, TaskChange):
        raise TypeError(f"{call.name} did not return a task change")
    return call.value


def _listed(call: ToolCallRecord) -> list[TaskItem] | None:
    """The tasks a successful list_tasks call returned; None if it failed."""
    if not call.ok or not isinstance(call.value, list):
        return None
    return call.value


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _quoted(title: str) -> str:
    return f"“{title}”"


class BuiltinAgent:
    """The offline agent (see the module docstring)."""

    name = "builtin"
    answers_at_once = True

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))

    async def stream(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        turn = _Turn(request, self._clock())
        outcome = await turn.answer()
        for call in request.tools.calls:
            yield ToolCalled(call)
        # The whole answer is known at once; send it in word-sized pieces so that
        # streaming clients behave exactly as with a model.
        for piece in re.findall(r"\S+\s*|\s+", outcome.text):
            yield TextDelta(piece)
        yield ReplyDone(
            AgentReply(
                text=outcome.text, tool_calls=list(request.tools.calls), metadata=outcome.metadata
            )
        )


@dataclass
class _Resolved:
    number: int | None = None
    title: str = ""
    outcome: _Outcome | None = None


class _Turn:
    """One turn of the built-in agent."""

    def __init__(self, request: AgentRequest, now: datetime) -> None:
        self.request = request
        self.now = now
        self.tools = request.tools
        self.timezone = request.timezone
        self._all_tasks: list[TaskItem] | None = None
        self._handlers: dict[Intent, Callable[[dict[str, str]], Awaitable[_Outcome]]] = {
            Intent.ADD: self._add,
            Intent.LIST: self._list,
            Intent.SHOW: self._show,
            Intent.COMPLETE: self._complete,
            Intent.DELETE: self._delete,
            Intent.RENAME: self._rename,
            Intent.DESCRIBE: self._describe,
            Intent.PRIORITIZE: self._prioritize,
            Intent.RESCHEDULE: self._reschedule,
        }

    async def answer(self) -> _Outcome:
        resumed = self._answer_to_question()
        understood = resumed or understand(self.request.message)
        if understood is None:
            return _Outcome(pb.NOT_UNDERSTOOD + self._add_suggestion() + pb.HELP_TEXT)
        if understood.intent == Intent.GREET:
            return _Outcome(pb.GREETING)
        if understood.intent == Intent.THANK:
            return _Outcome(pb.THANKS_REPLY)
        if understood.intent == Intent.HELP:
            return _Outcome(pb.HELP_TEXT)
        if understood.intent == Intent.BULK:
            return _Outcome(pb.BULK_REPLY)
        if understood.intent == Intent.REOPEN:
            return _Outcome(pb.REOPEN_REPLY)
        return await self._handlers[understood.intent](understood.slots)

    def _add_suggestion(self) -> str:
        """ "buy bread" alone may be a task to add: say how, for a few plain words."""
        text = normalize(self.request.message)
        if 1 <= len(text.split()) <= 6 and not re.search(r"[?:/@#]", self.request.message):
            return pb.ADD_SUGGESTION.format(text=text[:1].lower() + text[1:])
        return ""

    # Follow-ups ---------------------------------------------------------------

    def _last_assistant(self) -> HistoryEntry | None:
        for entry in reversed(self.request.history):
            if entry.role == "assistant":
                return entry
        return None

    def _answer_to_question(self) -> Understanding | None:
        """If the last reply asked "which one?", a number or "the second one" answers it."""
        last = self._last_assistant()
        awaiting = (last.metadata or {}).get("awaiting") if last else None
        if not isinstance(awaiting, dict):
            return None
        candidates = [int(n) for n in awaiting.get("candidates", []) if isinstance(n, int)]
        text = normalize(self.request.message).lower()
        text = re.sub(r"^(?:the |number |#)", "", text)
        text = re.sub(r"\s+(?:one|task)$", "", text)
        chosen: int | None = None
        if (match := _NUMBER_REF.match(text)) is not None:
            number = int(match.group(1))
            # A small number is a position in the list offered, unless it is a candidate.
            if number in candidates:
                chosen = number
            elif 1 <= number <= len(candidates):
                chosen = candidates[number - 1]
        elif text in pb.ORDINALS and candidates:
            position = pb.ORDINALS[text]
            if position == -1 or position <= len(candidates):
                chosen = candidates[position - 1 if position > 0 else -1]
        if chosen is None:
            return None
        slots = {k: str(v) for k, v in dict(awaiting.get("slots", {})).items()}
        slots["ref"] = f"task {chosen}"
        try:
            return Understanding(Intent(str(awaiting.get("intent"))), slots)
        except ValueError:
            return None

    def _recent_calls(self) -> Iterator[dict[str, Any]]:
        """Tool calls of this turn, then of earlier turns, newest first."""
        for record in reversed(self.tools.calls):
            yield record.as_json()
        for entry in reversed(self.request.history):
            yield from reversed(entry.tool_calls or [])

    def _last_task_number(self) -> int | None:
        """The task the conversation was last about, from the stored tool calls."""
        for call in self._recent_calls():
            result = call.get("result")
            if call.get("name") == "delete_task":
                continue
            if not isinstance(result, dict):
                continue
            if isinstance(result.get("task_id"), int):
                return int(result["task_id"])
            # A listing of exactly one task: {"count": 1, "task_ids": [n]}.
            listed = result.get("task_ids")
            if isinstance(listed, list) and len(listed) == 1 and isinstance(listed[0], int):
                return listed[0]
        return None

    # Which task ---------------------------------------------------------------

    async def _resolve(self, slots: dict[str, str], intent: Intent) -> _Resolved:
        reference = _unquote(slots.get("ref", ""))
        lowered = reference.lower().strip()
        if not lowered:
            return _Resolved(outcome=_Outcome(pb.WHICH_TASK))
        if (match := _NUMBER_REF.match(lowered)) is not None:
            return _Resolved(number=int(match.group(1)))
        if lowered in pb.BACK_REFERENCES:
            number = self._last_task_number()
            if number is None:
                return _Resolved(outcome=_Outcome(pb.WHICH_TASK))
            return _Resolved(number=number)
        tasks = await self._every_task()
        if tasks is None:
            return _Resolved(outcome=_Outcome("Sorry, I couldn't look up your tasks just now."))
        matches = [t for t in tasks if title_matches(reference, t.title)]
        if intent != Intent.DELETE:
            # "the groceries task is done" means the open one, not last week's.
            open_matches = [t for t in matches if not t.completed]
            matches = open_matches or matches
        if not matches:
            return _Resolved(
                outcome=_Outcome(
                    f"I couldn't find a task matching {_quoted(reference)}. "
                    "Say “show my tasks” to see them with their numbers."
                )
            )
        if len(matches) > 1:
            options = ", ".join(f"#{t.id} {_quoted(t.title)}" for t in matches[:8])
            return _Resolved(
                outcome=_Outcome(
                    f"More than one task matches {_quoted(reference)}: {options}. "
                    "Which one do you mean? Tell me the number.",
                    metadata={
                        "awaiting": {
                            "intent": intent.value,
                            "candidates": [t.id for t in matches[:8]],
                            "slots": {k: v for k, v in slots.items() if k != "ref"},
                        }
                    },
                )
            )
        return _Resolved(number=matches[0].id, title=matches[0].title)

    async def _every_task(self) -> list[TaskItem] | None:
        """All the user's tasks (one list_tasks call per turn at most); None on failure."""
        if self._all_tasks is None:
            listing = await self.tools.call("list_tasks", {"status": "all", "limit": 200})
            self._all_tasks = _listed(listing)
        return self._all_tasks

    # Handlers -----------------------------------------------------------------

    def _failure(self, call: ToolCallRecord) -> _Outcome:
        number = call.arguments.get("task_id")
        if isinstance(number, int) and "not found" in (call.error or ""):
            return _Outcome(pb.NO_SUCH_TASK.format(number=number))
        return _Outcome(f"Sorry, I couldn't do that: {call.error}")

    async def _add(self, slots: dict[str, str]) -> _Outcome:
        title, priority, due = split_title(slots.get("title", ""), self.timezone, now=self.now)
        if not title:
            return _Outcome("What should the task say? For example: “add buy milk”.")
        if due is None and slots.get("due"):
            due = parse_natural_due(slots["due"], self.timezone, now=self.now)
        arguments: dict[str, Any] = {"title": title}
        if priority:
            arguments["priority"] = priority
        if due is not None:
            arguments["due_date"] = due.isoformat()
        call = await self.tools.call("add_task", arguments)
        if not call.ok:
            return self._failure(call)
        details = []
        if due is not None:
            details.append(f"due {describe_due(due, self.timezone)}")
        if priority:
            details.append(f"{priority} priority")
        suffix = f" ({', '.join(details)})" if details else ""
        return _Outcome(
            f"Added task #{_changed(call).task_id}: {_quoted(_changed(call).title)}{suffix}."
        )

    async def _list(self, slots: dict[str, str]) -> _Outcome:
        status = pb.STATUS_WORDS.get(slots.get("status", "").lower(), "all")
        arguments: dict[str, Any] = {"status": status, "limit": 200}
        query = _unquote(slots.get("query", ""))
        if query:
            arguments["query"] = query
        call = await self.tools.call("list_tasks", arguments)
        tasks = _listed(call)
        if tasks is None:
            return self._failure(call)
        when = pb.WHEN_WORDS.get(slots.get("when", "").lower())
        if when:
            tasks = self._due_within(tasks, when)
        priority = pb.PRIORITY_WORDS.get(slots.get("priority", "").lower())
        if priority:
            tasks = [t for t in tasks if t.priority == priority]
        if not tasks:
            return _Outcome(self._nothing_listed(status, query, when, priority))
        count = _count(len(tasks), "task")
        if query:
            heading = f"Tasks mentioning {_quoted(query)}:"
        elif when == "overdue":
            heading = f"You have {count} overdue:"
        elif when:
            heading = f"Due {when}: {count}:"
        elif priority:
            heading = f"You have {count} at {priority} priority:"
        else:
            heading = {
                "pending": f"You have {count} pending:",
                "completed": f"You've completed {count}:",
            }.get(status, f"Your list has {count}:")
        return _Outcome("\n".join([heading, *(self._line(t, status) for t in tasks)]))

    async def _show(self, slots: dict[str, str]) -> _Outcome:
        resolved = await self._resolve(slots, Intent.SHOW)
        if resolved.outcome is not None:
            return resolved.outcome
        tasks = await self._every_task()
        if tasks is None:
            return _Outcome("Sorry, I couldn't look up your tasks just now.")
        task = next((t for t in tasks if t.id == resolved.number), None)
        if task is None:
            return _Outcome(pb.NO_SUCH_TASK.format(number=resolved.number))
        facts = ["done" if task.completed else "pending", f"{task.priority} priority"]
        if task.due_date is not None:
            facts.append("due " + describe_due(task.due_date, self.timezone))
        text = f"Task #{task.id} {_quoted(task.title)}: {', '.join(facts)}."
        if task.description:
            text += f"\nNotes: {task.description}"
        return _Outcome(text)

    @staticmethod
    def _nothing_listed(status: str, query: str, when: str | None, priority: str | None) -> str:
        if query:
            return f"No tasks mention {_quoted(query)}."
        if when == "overdue":
            return "Nothing is overdue — well done!"
        if when:
            return f"Nothing is due {when}."
        if priority:
            return f"No open tasks at {priority} priority."
        return {
            "pending": "Nothing pending — you're all caught up!",
            "completed": "You haven't completed any tasks yet.",
        }.get(status, "Your list is empty. Try “add buy milk”.")

    def _due_within(self, tasks: list[TaskItem], when: str) -> list[TaskItem]:
        """The tasks whose due date falls in `when`, in the user's time zone."""
        zone = ZoneInfo(self.timezone)
        now = self.now.astimezone(zone)
        today = now.date()
        week_end = last_day_of("week", today)
        day = timedelta(days=1)
        first, last = {
            "today": (today, today),
            "tomorrow": (today + day, today + day),
            "this week": (today, week_end),
            "next week": (week_end + day, week_end + 7 * day),
        }.get(when, (today, today))
        kept = []
        for task in tasks:
            if task.due_date is None:
                continue
            moment = task.due_date.astimezone(zone)
            if moment < now if when == "overdue" else first <= moment.date() <= last:
                kept.append(task)
        return kept

    def _line(self, task: TaskItem, status: str) -> str:
        notes = []
        if task.priority in ("high", "urgent"):
            notes.append(task.priority)
        if task.due_date is not None and not task.completed:
            notes.append("due " + describe_due(task.due_date, self.timezone))
        mark = "✓ " if task.completed and status == "all" else ""
        extra = f" — {', '.join(notes)}" if notes else ""
        return f"{mark}#{task.id} {task.title}{extra}"

    async def _with_task(
        self,
        slots: dict[str, str],
        intent: Intent,
        act: Callable[[int], Awaitable[_Outcome]],
    ) -> _Outcome:
        listed = _listed_numbers(slots.get("ref", ""))
        if len(listed) > MAX_LISTED_TASKS:
            return _Outcome(f"That's a lot at once: name at most {MAX_LISTED_TASKS} tasks.")
        if listed:
            # Several tasks, each named by its number: exactly what was asked for.
            outcomes = [await act(number) for number in listed]
            return _Outcome("\n".join(outcome.text for outcome in outcomes))
        resolved = await self._resolve(slots, intent)
        if resolved.outcome is not None:
            return resolved.outcome
        assert resolved.number is not None
        return await act(resolved.number)

    async def _complete(self, slots: dict[str, str]) -> _Outcome:
        async def act(number: int) -> _Outcome:
            call = await self.tools.call("complete_task", {"task_id": number})
            if not call.ok:
                return self._failure(call)
            return _Outcome(
                f"Nice work! Task #{number} {_quoted(_changed(call).title)} is marked as complete."
            )

        return await self._with_task(slots, Intent.COMPLETE, act)

    async def _delete(self, slots: dict[str, str]) -> _Outcome:
        async def act(number: int) -> _Outcome:
            call = await self.tools.call("delete_task", {"task_id": number})
            if not call.ok:
                return self._failure(call)
            return _Outcome(f"Deleted task #{number}: {_quoted(_changed(call).title)}.")

        return await self._with_task(slots, Intent.DELETE, act)

    async def _update(
        self, slots: dict[str, str], intent: Intent, changes: dict[str, Any], done: str
    ) -> _Outcome:
        async def act(number: int) -> _Outcome:
            call = await self.tools.call("update_task", {"task_id": number, **changes})
            if not call.ok:
                return self._failure(call)
            return _Outcome(done.format(number=number, title=_quoted(_changed(call).title)))

        return await self._with_task(slots, intent, act)

    async def _rename(self, slots: dict[str, str]) -> _Outcome:
        value = slots.get("value", "")
        if not value:
            reference = _unquote(slots.get("ref", "")) or "the task"
            return _Outcome(f"What should {reference} be called? Say “rename {reference} to …”.")
        # "change task 3 to high priority" / "… to tomorrow" are not new titles.
        priority = pb.PRIORITY_WORDS.get(re.sub(r"\s*priority$", "", value.lower()).strip())
        if priority and value.lower().endswith("priority"):
            return await self._prioritize({**slots, "priority": priority})
        new_title = _capitalized(_unquote(value))
        return await self._update(
            slots, Intent.RENAME, {"title": new_title}, "Renamed task #{number} to {title}."
        )

    async def _describe(self, slots: dict[str, str]) -> _Outcome:
        return await self._update(
            slots,
            Intent.DESCRIBE,
            {"description": _unquote(slots["value"])},
            "Updated the description of task #{number} {title}.",
        )

    async def _prioritize(self, slots: dict[str, str]) -> _Outcome:
        priority = pb.PRIORITY_WORDS.get(slots.get("priority", "").lower(), "high")
        return await self._update(
            slots,
            Intent.PRIORITIZE,
            {"priority": priority},
            f"Task #{{number}} {{title}} is now {priority} priority.",
        )

    async def _reschedule(self, slots: dict[str, str]) -> _Outcome:
        due_text = pb.DUE_CONNECTORS.sub("", slots["due"])
        if due_text.lower() in ("none", "no date", "nothing"):
            return await self._update(
                slots,
                Intent.RESCHEDULE,
                {"due_date": "none"},
                "Removed the due date from task #{number} {title}.",
            )
        due = parse_natural_due(due_text, self.timezone, now=self.now)
        if due is None:
            return _Outcome(
                f"I couldn't understand the date {_quoted(due_text)}. "
                "Try “tomorrow”, “next friday 5pm” or “2026-12-01”."
            )
        when = describe_due(due, self.timezone)
        return await self._update(
            slots,
            Intent.RESCHEDULE,
            {"due_date": due.isoformat()},
            f"Task #{{number}} {{title}} is now due {when}.",
        )
