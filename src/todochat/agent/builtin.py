"""The built-in agent: deterministic, offline, no key.

Each turn runs the language pipeline (`agent/language`): normalise → intent → slots
→ reference, then acts through the tool functions and answers from one reply table.
It never stores words it did not understand: it asks. It changes several tasks at
once only when each is named, asks when a description fits more than one task, and
keeps what it showed and asked in the reply's metadata so that "the second one" or
"it" can follow on the next turn.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from todochat.agent.base import (
    AgentEvent,
    AgentReply,
    AgentRequest,
    ReplyDone,
    TextDelta,
    ToolCalled,
)
from todochat.agent.language import guards, memory, replies
from todochat.agent.language.changes import Change, read_change, read_target
from todochat.agent.language.correction import apply_correction
from todochat.agent.language.intent import Intent, IntentScore, command_start, score_intents
from todochat.agent.language.listing import read_list_filter
from todochat.agent.language.normalise import Utterance, normalise
from todochat.agent.language.reference import (
    Reference,
    find_by_some_words,
    find_by_title,
    parse_reference,
)
from todochat.agent.language.slots import read_new_tasks
from todochat.agent.language.when import find_when
from todochat.agent.toolbox import ToolCallRecord
from todochat.services.dates import last_day_of
from todochat.tools import TaskChange, TaskItem, TaskListing

# The most tasks one message may change or add.
MAX_TASKS_AT_ONCE = 10
_ACTION_WORDS = {
    Intent.ADD: "add a task",
    Intent.LIST: "show your tasks",
    Intent.SHOW: "show a task",
    Intent.COMPLETE: "mark a task done",
    Intent.DELETE: "delete a task",
    Intent.UPDATE: "change a task",
    Intent.REOPEN: "reopen a task",
}


@dataclass
class Outcome:
    """What a turn says, plus what to remember with the reply: `about` (the tasks it
    was about, for "it"), `shown` (a list shown, for "the second one") and `awaiting`
    (a question asked, for its answer)."""

    text: str
    about: list[int] = field(default_factory=list)
    shown: list[int] | None = None
    awaiting: dict[str, Any] | None = None
    action: dict[str, Any] | None = None

    def metadata(self) -> dict[str, Any]:
        stored: dict[str, Any] = {}
        if self.action is not None:
            stored["action"] = self.action
        if self.about:
            stored["about"] = self.about
        if self.shown is not None:
            stored["shown"] = self.shown
        if self.awaiting is not None:
            stored["awaiting"] = self.awaiting
        return stored


class BuiltinAgent:
    """The offline agent (see the module docstring)."""

    name = "builtin"
    answers_at_once = True

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))

    async def stream(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        outcome = await _Turn(request, self._clock()).answer()
        for call in request.tools.calls:
            yield ToolCalled(call)
        # The whole answer is known at once; send it in word-sized pieces so that
        # streaming clients behave exactly as with a model.
        for piece in re.findall(r"\S+\s*|\s+", outcome.text):
            yield TextDelta(piece)
        yield ReplyDone(
            AgentReply(
                text=outcome.text,
                tool_calls=list(request.tools.calls),
                metadata=outcome.metadata(),
            )
        )


def _changed(call: ToolCallRecord) -> TaskChange:
    if not isinstance(call.value, TaskChange):
        raise TypeError(f"{call.name} did not return a task change")
    return call.value


def _listed(call: ToolCallRecord) -> list[TaskItem] | None:
    if not call.ok or not isinstance(call.value, TaskListing):
        return None
    return call.value.tasks


class _Turn:
    """One turn: read the message, resolve the task, act, answer."""

    def __init__(self, request: AgentRequest, now: datetime) -> None:
        self.request = request
        self.tools = request.tools
        self.timezone = request.timezone
        self.now = now.astimezone(ZoneInfo(request.timezone))
        said = normalise(request.message)
        corrected = apply_correction(said)
        # Read again only when a correction rewrote the request.
        self.utterance: Utterance = (
            said if corrected.message == said.message else normalise(corrected.message)
        )
        self.unplaced_correction = corrected.unplaced
        self._all_tasks: list[TaskItem] | None = None

    # Reading ---------------------------------------------------------------------

    async def answer(self) -> Outcome:
        awaited = await self._answer_to_question()
        if awaited is not None:
            return awaited
        score = score_intents(self.utterance)
        body = self.utterance.words(command_start(self.utterance))
        if guards.changes_everything(body):
            return Outcome(replies.BULK)
        if score.negated and (score.intent is None or score.scores[score.intent] < 3):
            return Outcome(replies.NOTHING_TO_DO)  # "don't add that", "do NOT mark task 2 done"
        if score.intent in _CHANGES - {Intent.ADD} and guards.is_hypothetical(body):
            return Outcome(replies.HYPOTHETICAL)  # "I was going to delete task 3 but …"
        if score.intent in _CHANGES and self.unplaced_correction:
            return Outcome(replies.SAY_AGAIN)  # "delete task 4, no wait, …"
        if score.intent in _CHANGES and guards.asks_advice(body):
            return Outcome(replies.YOUR_CALL)  # "should I delete task 4?"
        if score.intent in _CHANGES and guards.is_question(self.utterance, body):
            # "did I pay the electricity bill?" asks; it changes nothing.
            listing = score.scores.get(Intent.LIST, 0) >= 2
            return await (self._list() if listing else self._show())
        if score.intent is None:
            return await self._without_intent()
        if score.tied and {score.intent, score.runner_up} not in _COMPATIBLE:
            assert score.runner_up is not None
            return Outcome(
                replies.ask_between(_ACTION_WORDS[score.intent], _ACTION_WORDS[score.runner_up])
            )
        return await self._act(score.intent, score)

    async def _act(self, intent: Intent, score: IntentScore) -> Outcome:
        if intent == Intent.GREET:
            return Outcome(replies.GREETING)
        if intent == Intent.THANK:
            return Outcome(replies.THANKS)
        if intent == Intent.HELP:
            return Outcome(replies.HELP)
        if intent == Intent.REOPEN:
            return Outcome(replies.REOPEN)
        if intent == Intent.ADD:
            return await self._add(score.anchor)
        if intent == Intent.LIST:
            if (
                score.scores.get(Intent.SHOW, 0) >= score.scores[Intent.LIST]
                or (Intent.SHOW in score.scores and self._names_one_task())
                or guards.names_one_task(self.utterance.words(command_start(self.utterance)))
            ):
                return await self._show()
            return await self._list()
        if intent == Intent.SHOW:
            return await self._show()
        if intent == Intent.COMPLETE:
            outcome = await self._change_each("complete", self._complete_one)
        elif intent == Intent.DELETE:
            outcome = await self._change_each("delete", self._delete_one)
        else:
            outcome = await self._update()
        if outcome.action is None:
            outcome.action = {"intent": intent.value, "change": {}}
        return outcome

    def _names_one_task(self) -> bool:
        reference = self._reference("show")
        return bool(reference.numbers) and len(reference.numbers) == 1

    async def _without_intent(self) -> Outcome:
        """No intent cue. A short follow-up, a statement about a task, or nothing
        understood — in that order."""
        body = self.utterance.words(command_start(self.utterance))
        talk = (
            guards.asks_advice(body)
            or guards.is_hypothetical(body)
            or guards.is_question(self.utterance, body)
        )
        readings: list[Callable[[], Awaitable[Outcome | None]]] = [
            self._bare_date_moves_last_task,
            self._number_asked_about,
            *(() if talk else (self._named_task_changed, self._past_tense_done)),
            self._same_change_again,
        ]
        for reading in readings:
            outcome = await reading()
            if outcome is not None:
                return outcome
        return Outcome(replies.NOT_UNDERSTOOD)

    async def _bare_date_moves_last_task(self) -> Outcome | None:
        """ "on sunday", "actually friday instead": the task just talked about moves."""
        whens = find_when(self.utterance, self.timezone, self.now)
        covered = {i for w in whens for i in w.tokens}
        rest = [
            t
            for i, t in enumerate(self.utterance.tokens)
            if i >= command_start(self.utterance)
            and i not in covered
            and t.kind == "word"
            and t.word not in _FOLLOW_UP_FILLER
        ]
        if not whens or rest or whens[0].recurring or whens[0].due is None:
            return None
        number = self._last_task()
        if number is None:
            return None
        return await self._apply_update([number], Change(due=whens[0].due))

    async def _number_asked_about(self) -> Outcome | None:
        """ "task 7?": what is task 7?"""
        reference = self._reference("show")
        asked = self.utterance.message.rstrip().endswith("?")
        if reference.numbers and len(reference.numbers) == 1 and asked:
            return await self._show()
        return None

    async def _named_task_changed(self) -> Outcome | None:
        """ "groceries by tonight", "dentist → friday", "groceries low prio": a task
        named by its title, and a change."""
        change, used = read_change(self.utterance, self.timezone, self.now)
        if change.empty or change.title or change.description:
            return None
        named = self._reference("update", used)
        # "9 prio low": a number and a change is as clear as a title and a change.
        if not (named.words or named.numbers) or named.back or named.positions:
            return None
        targets = await self._targets(named, Intent.UPDATE, _change_json(change))
        if isinstance(targets, Outcome):
            return targets
        return await self._apply_update(targets, change)

    async def _past_tense_done(self) -> Outcome | None:
        """ "emaild the landlrd": a past tense, misspelt, and the words of exactly one
        open task — done."""
        if not guards.sounds_past(self.utterance.words(command_start(self.utterance))):
            return None
        said = self._reference("show")
        if not said.words:
            return None
        fitting = self._matching(said.words, await self._every_task() or [], Intent.COMPLETE)
        if len(fitting) != 1 or fitting[0].completed:
            return None
        return await self._complete_one(fitting[0].id)

    async def _same_change_again(self) -> Outcome | None:
        """ "and task 7 too" after a change, "task 4" after "delete which one?": the
        same change again, for the task now named."""
        previous = self._last_action()
        reference = self._reference("show")
        if previous is None or not (reference.numbers or reference.positions):
            return None
        intent, change = previous
        targets = await self._targets(reference, intent, _change_json(change))
        if isinstance(targets, Outcome):
            return targets
        if intent == Intent.COMPLETE:
            return await self._many(targets, self._complete_one)
        if intent == Intent.DELETE:
            return await self._many(targets, self._delete_one)
        if not change.empty:
            return await self._apply_update(targets, change)
        return None

    def _last_action(self) -> tuple[Intent, Change] | None:
        """What the previous turn changed or asked to change, if anything."""
        action = memory.last_action(self.request.history)
        if action is None:
            return None
        try:
            intent = Intent(str(action.get("intent")))
        except ValueError:
            return None
        change = action.get("change")
        return intent, _change_of(change if isinstance(change, dict) else {})

    # Adding ----------------------------------------------------------------------

    async def _add(self, anchor: tuple[int, int] | None) -> Outcome:
        # "so I was chatting … and realised I should add trim the hedge": the story
        # before the request is not part of it.
        start = None
        opening = command_start(self.utterance)
        for first, last, _ in self.utterance.finditer(guards.REQUEST_AFTER_STORY):
            if first > opening + 1 and last < len(self.utterance.tokens) - 1:
                start = first
                break
        reading = read_new_tasks(self.utterance, self.timezone, self.now, start=start)
        if reading.recurring and len(reading.tasks) > 1:
            example = reading.tasks[0].title.lower()
            return Outcome(replies.REPEAT_ONE_AT_A_TIME.format(example=example))
        if reading.problem and reading.problem.startswith("leftover:"):
            return Outcome(replies.ask_about_leftover(reading.problem.split(":", 1)[1]))
        if reading.problem == "priority":
            return Outcome(replies.WHICH_PRIORITY)
        if not reading.tasks:
            return Outcome(replies.WHAT_TITLE)
        if len(reading.tasks) > MAX_TASKS_AT_ONCE:
            return Outcome(replies.TOO_MANY.format(limit=MAX_TASKS_AT_ONCE))
        lines: list[str] = []
        about: list[int] = []
        for task in reading.tasks:
            arguments: dict[str, Any] = {"title": task.title}
            if task.priority:
                arguments["priority"] = task.priority
            if task.labels:
                arguments["labels"] = list(task.labels)
            if reading.repeat:
                # The day or time said with the repeat belongs to it ("every weekday at
                # 9"): the tool reads them together.
                arguments["repeat"] = reading.repeat
            elif task.due is not None:
                arguments["due_date"] = task.due.isoformat()
            call = await self.tools.call("add_task", arguments)
            if not call.ok:
                lines.append(replies.could_not(call.error))
                continue
            change = _changed(call)
            about.append(change.task_id)
            labelled = replies.labelled(change.task.labels)
            if change.task.repeats:
                lines.append(
                    replies.added(
                        change.task_id, change.title, None, task.priority, self.timezone, self.now
                    )
                    + replies.repeats(
                        change.task.repeats, change.task.due_local, self.timezone, self.now
                    )
                    + labelled
                )
                continue
            lines.append(
                replies.added(
                    change.task_id, change.title, task.due, task.priority, self.timezone, self.now
                )
                + labelled
            )
        return Outcome("\n".join(lines), about=about)

    # Listing ---------------------------------------------------------------------

    async def _list(self) -> Outcome:
        wanted = read_list_filter(self.utterance, self.timezone, self.now)
        arguments: dict[str, Any] = {"status": wanted.status, "limit": 100}
        if wanted.label:
            arguments["label"] = wanted.label
        elif wanted.query:
            arguments["query"] = wanted.query
        call = await self.tools.call("list_tasks", arguments)
        tasks = _listed(call)
        if tasks is None:
            return Outcome(replies.could_not(call.error))
        named = None if wanted.label or wanted.query else self._label_named(tasks)
        if named:
            # "show my work tasks": a word of the request is one of the user's labels.
            wanted = replace(wanted, label=named)
            call = await self.tools.call("list_tasks", {**arguments, "label": named})
            tasks = _listed(call)
            if tasks is None:
                return Outcome(replies.could_not(call.error))
        if wanted.when:
            tasks = self._due_within(tasks, wanted.when)
        if wanted.day is not None:
            zone = ZoneInfo(self.timezone)
            tasks = [
                t for t in tasks if t.due_date and t.due_date.astimezone(zone).date() == wanted.day
            ]
        if wanted.priority:
            tasks = [t for t in tasks if t.priority == wanted.priority]
        shown = [t.id for t in tasks]
        if not tasks:
            return Outcome(replies.nothing_listed(wanted), shown=shown)
        heading = replies.listing_heading(wanted, len(tasks))
        lines = [heading, *(self._line(t, wanted.status) for t in tasks)]
        return Outcome("\n".join(lines), about=shown if len(shown) == 1 else [], shown=shown)

    def _label_named(self, tasks: list[TaskItem]) -> str | None:
        """The first word of the request that is one of the labels these tasks carry."""
        labels = {name.casefold(): name for task in tasks for name in task.labels}
        start = command_start(self.utterance)
        for token in self.utterance.tokens[start:]:
            if token.kind == "word" and token.word in labels:
                return labels[token.word]
        return None

    def _due_within(self, tasks: list[TaskItem], when: str) -> list[TaskItem]:
        zone = ZoneInfo(self.timezone)
        today = self.now.date()
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
            if task.due_date is None or task.completed:
                continue
            moment = task.due_date.astimezone(zone)
            if moment < self.now if when == "overdue" else first <= moment.date() <= last:
                kept.append(task)
        return kept

    def _line(self, task: TaskItem, status: str) -> str:
        return replies.task_line(task, status == "all", self.timezone, self.now)

    # One task --------------------------------------------------------------------

    async def _show(self) -> Outcome:
        targets = await self._targets(self._reference("show"), Intent.SHOW, {})
        if isinstance(targets, Outcome):
            return targets
        tasks = await self._every_task()
        if tasks is None:
            return Outcome(replies.LOOKUP_FAILED)
        lines = []
        for number in targets:
            task = next((t for t in tasks if t.id == number), None)
            if task is None:
                lines.append(replies.no_such_task(number))
                continue
            lines.append(replies.task_details(task, self.timezone, self.now))
        return Outcome("\n".join(lines), about=list(targets))

    def _reference(self, kind: str, skip: set[int] | None = None) -> Reference:
        if skip is None:
            # "emailed the landlord this morning": the time is not part of the name.
            # "finish the 2nd and the 5th": after a list, "the 2nd" is a position.
            skip = {
                i
                for w in find_when(self.utterance, self.timezone, self.now)
                if not _ORDINAL_ALONE.match(self.utterance.words(w.first, w.last))
                for i in w.tokens
            }
        target = read_target(self.utterance, kind, skip)
        return parse_reference(target.words, target.text)

    async def _change_each(self, kind: str, act: Callable[[int], Any]) -> Outcome:
        intent = Intent.COMPLETE if kind == "complete" else Intent.DELETE
        targets = await self._targets(self._reference(kind), intent, {})
        if isinstance(targets, Outcome):
            return targets
        return await self._many(targets, act)

    async def _complete_one(self, number: int) -> Outcome:
        call = await self.tools.call("complete_task", {"task_id": number})
        if not call.ok:
            return Outcome(self._failure(call))
        change = _changed(call)
        if change.task.repeats and not change.task.completed:
            moved = replies.moved_on(
                number,
                change.title,
                change.task.repeats,
                change.task.due_local,
                self.timezone,
                self.now,
            )
            return Outcome(moved, about=[number])
        return Outcome(replies.completed(number, change.title), about=[number])

    async def _delete_one(self, number: int) -> Outcome:
        call = await self.tools.call("delete_task", {"task_id": number})
        if not call.ok:
            return Outcome(self._failure(call))
        return Outcome(replies.deleted(number, _changed(call).title))

    def _failure(self, call: ToolCallRecord) -> str:
        number = call.arguments.get("task_id")
        if isinstance(number, int) and "not found" in (call.error or ""):
            return replies.no_such_task(number)
        return replies.could_not(call.error)

    async def _update(self) -> Outcome:
        change, used = read_change(self.utterance, self.timezone, self.now)
        if change.problem == "title":
            return Outcome("What should the new title be? Say “rename task 2 to …”.")
        if change.problem == "description":
            return Outcome("What should the note say? Say “add a note to task 2: …”.")
        if change.problem == "label":
            return Outcome("Which label? Say “tag task 2 work”.")
        if change.empty:
            return Outcome(
                "What should I change — the title, the due date, the priority or the notes?"
            )
        reference = self._reference("update", used)
        targets = await self._targets(reference, Intent.UPDATE, _change_json(change))
        if isinstance(targets, Outcome):
            targets.action = {"intent": Intent.UPDATE.value, "change": _change_json(change)}
            return targets
        outcome = await self._apply_update(targets, change)
        outcome.action = {"intent": Intent.UPDATE.value, "change": _change_json(change)}
        return outcome

    async def _apply_update(self, targets: list[int], change: Change) -> Outcome:
        lines: list[str] = []
        about: list[int] = []
        for number in targets:
            arguments: dict[str, Any] = {"task_id": number}
            if change.title:
                arguments["title"] = change.title
            if change.priority:
                arguments["priority"] = change.priority
            if change.due_clear:
                arguments["due_date"] = "none"
            elif change.due is not None:
                arguments["due_date"] = change.due.isoformat()
            if change.repeat:
                arguments["repeat"] = change.repeat
            if change.add_labels:
                arguments["add_labels"] = list(change.add_labels)
            if change.remove_labels:
                arguments["remove_labels"] = list(change.remove_labels)
            if change.description:
                arguments["description"] = change.description
                if change.append:
                    tasks = await self._every_task()
                    current = next((t for t in tasks or [] if t.id == number), None)
                    if current is not None and current.description:
                        arguments["description"] = f"{current.description}\n{change.description}"
            call = await self.tools.call("update_task", arguments)
            if not call.ok:
                lines.append(self._failure(call))
                continue
            about.append(number)
            lines.append(replies.updated(_changed(call), change, self.timezone, self.now))
        return Outcome("\n".join(lines), about=about)

    # Which tasks -------------------------------------------------------------------

    async def _targets(
        self, reference: Reference, intent: Intent, pending_change: dict[str, Any]
    ) -> list[int] | Outcome:
        """The task numbers a reference names, or the question to ask instead."""
        if reference.everything:
            return Outcome(replies.BULK)
        if reference.numbers:
            if len(reference.numbers) > MAX_TASKS_AT_ONCE:
                return Outcome(replies.TOO_MANY.format(limit=MAX_TASKS_AT_ONCE))
            return list(reference.numbers)
        if reference.positions:
            shown = memory.last_shown(self.request.history)
            if not shown:
                return Outcome(replies.NO_LISTING)
            chosen = []
            for position in reference.positions:
                index = position - 1 if position > 0 else len(shown) + position
                if not 0 <= index < len(shown):
                    return Outcome(f"The last list had only {replies.count(len(shown), 'task')}.")
                chosen.append(shown[index])
            return list(dict.fromkeys(chosen))
        if reference.back or reference.plural_back:
            about = memory.last_about(self.request.history)
            if not about:
                return Outcome(replies.WHICH_TASK)
            if reference.back and len(about) > 1:
                return Outcome(replies.WHICH_TASK)
            return about
        if not reference.words:
            about = memory.last_about(self.request.history)
            if intent in (Intent.COMPLETE, Intent.UPDATE) and len(about) == 1:
                return about  # "what's task 3?" — "done"
            return Outcome(replies.WHICH_TASK)
        tasks = await self._every_task()
        if tasks is None:
            return Outcome(replies.LOOKUP_FAILED)
        matches = self._matching(reference.words, tasks, intent)
        phrase = " ".join(reference.words)
        if not matches:
            # "I called mom and paid the electricity bill": each part names one task.
            parts = [self._matching(part, tasks, intent) for part in reference.parts]
            if len(parts) > 1 and all(len(found) == 1 for found in parts):
                return list(dict.fromkeys(found[0].id for found in parts))
            guess = find_by_some_words(reference.words, tasks)
            if guess is not None:
                # Some words fit one task and no other: ask, never guess.
                return Outcome(
                    replies.did_you_mean(guess.id, guess.title),
                    awaiting={
                        "intent": intent.value,
                        "candidates": [guess.id],
                        "change": pending_change,
                    },
                )
            return Outcome(replies.no_match(reference.text or phrase))
        if len(matches) > 1:
            options = ", ".join(f"#{t.id} {replies.quoted(t.title)}" for t in matches[:8])
            return Outcome(
                replies.which_of(reference.text or phrase, options),
                shown=[t.id for t in matches[:8]],
                awaiting={
                    "intent": intent.value,
                    "candidates": [t.id for t in matches[:8]],
                    "change": pending_change,
                },
            )
        return [matches[0].id]

    @staticmethod
    def _matching(words: tuple[str, ...], tasks: list[TaskItem], intent: Intent) -> list[TaskItem]:
        matches = find_by_title(words, tasks)
        if intent != Intent.DELETE:
            # "the groceries are done" means the open one, not last week's.
            matches = [t for t in matches if not t.completed] or matches
        return matches

    async def _every_task(self) -> list[TaskItem] | None:
        """All the user's tasks (one list_tasks call per turn at most); None on failure."""
        if self._all_tasks is None:
            listing = await self.tools.call("list_tasks", {"status": "all", "limit": 200})
            self._all_tasks = _listed(listing)
        return self._all_tasks

    # The conversation so far ---------------------------------------------------------

    def _last_task(self) -> int | None:
        about = memory.last_about(self.request.history)
        return about[-1] if len(about) == 1 else None

    async def _answer_to_question(self) -> Outcome | None:
        """If the last reply asked "which one?", a number, "the second one" or words of
        one candidate's title answer it."""
        asked = memory.awaiting(self.request.history)
        if asked is None:
            return None
        asked_intent, candidates, change_json = asked
        score = score_intents(self.utterance)
        target = read_target(self.utterance, "show")
        reference = parse_reference(target.words, target.text)
        chosen: list[int] = []
        if len(candidates) == 1 and guards.is_confirmation(self.utterance.text):
            chosen = candidates  # "Do you mean task #1 …?" — "yes"
        elif reference.numbers:
            chosen = [
                n if n in candidates else candidates[n - 1]
                for n in reference.numbers
                if n in candidates or 1 <= n <= len(candidates)
            ]
        elif reference.positions:
            chosen = [
                candidates[p - 1 if p > 0 else len(candidates) + p]
                for p in reference.positions
                if -len(candidates) <= p <= len(candidates) and p != 0
            ]
        elif reference.words and (score.intent is None or score.intent == Intent.SHOW):
            tasks = await self._every_task() or []
            named = [
                t.id
                for t in find_by_title(reference.words, [t for t in tasks if t.id in candidates])
            ]
            chosen = named if len(named) == 1 else []
        if not chosen:
            return None
        try:
            intent = Intent(asked_intent)
        except ValueError:
            return None
        if intent == Intent.COMPLETE:
            return await self._many(chosen, self._complete_one)
        if intent == Intent.DELETE:
            return await self._many(chosen, self._delete_one)
        if intent == Intent.UPDATE:
            return await self._apply_update(chosen, _change_of(change_json))
        if intent == Intent.SHOW:
            self.utterance = normalise(f"show task {chosen[0]}")
            return await self._show()
        return None

    async def _many(self, numbers: list[int], act: Callable[[int], Any]) -> Outcome:
        outcomes = [await act(n) for n in numbers]
        return Outcome(
            "\n".join(o.text for o in outcomes), about=[n for o in outcomes for n in o.about]
        )


_COMPATIBLE = [{Intent.LIST, Intent.SHOW}]
# Words a short follow-up may hold besides its date: "actually on friday instead".
_FOLLOW_UP_FILLER = frozenset(
    ["it", "for", "to", "due", "make", "then", "instead", "actually", "rather", "no"]
)
_ORDINAL_ALONE = re.compile(r"^(?:and )?the \d{1,2}(?:st|nd|rd|th)$")
_CHANGES = frozenset([Intent.ADD, Intent.COMPLETE, Intent.DELETE, Intent.UPDATE, Intent.REOPEN])


def _change_json(change: Change) -> dict[str, Any]:
    """A change as JSON, kept with a "which one?" question."""
    stored: dict[str, Any] = {}
    if change.title:
        stored["title"] = change.title
    if change.description:
        stored["description"] = change.description
        stored["append"] = change.append
    if change.priority:
        stored["priority"] = change.priority
    if change.due_clear:
        stored["due_clear"] = True
    elif change.due is not None:
        stored["due"] = change.due.isoformat()
    if change.repeat:
        stored["repeat"] = change.repeat
    if change.add_labels:
        stored["add_labels"] = list(change.add_labels)
    if change.remove_labels:
        stored["remove_labels"] = list(change.remove_labels)
    return stored


def _change_of(stored: dict[str, Any]) -> Change:
    due = stored.get("due")
    return Change(
        title=stored.get("title"),
        description=stored.get("description"),
        append=bool(stored.get("append")),
        priority=stored.get("priority"),
        due=datetime.fromisoformat(due) if isinstance(due, str) else None,
        due_clear=bool(stored.get("due_clear")),
        repeat=stored.get("repeat") if isinstance(stored.get("repeat"), str) else None,
        add_labels=tuple(str(n) for n in stored.get("add_labels") or ()),
        remove_labels=tuple(str(n) for n in stored.get("remove_labels") or ()),
    )
