"""Every phrasing of the agent's sets, said to the built-in agent over the seed tasks.

The sets (each a module of this folder with a CASES table, all on the contract of
tests/agent/corpus.py): `corpus`, written to develop against; `heldout`, `blind`,
`final`, `untuned`, `spoken` and `fresh`, each written blind by someone else (without the code
or the other sets) and measured before any change was made for it; `adversarial`,
written to probe what the agent must never do. A case the agent does not get right
yet is listed in KNOWN_GAPS with the reason: it runs as a strict xfail, so that it is
reported, and so that fixing it fails the run until it is taken off the list.

Each case gets a fresh database, a user in Europe/Paris and the ten seed tasks, then
says its messages one turn at a time (each turn one unit of work, the conversation so
far as history). Only the last turn is judged: its tool calls (see `judge`) and its
reply. `python -m tests.agent.report` runs the same cases outside pytest and prints
the pass rate of each category.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.agent.corpus import NOW, SEED, TIMEZONE, Call, Case
from todochat import tools
from todochat.agent.base import AgentRequest, HistoryEntry, ReplyDone
from todochat.agent.builtin import BuiltinAgent
from todochat.agent.language import replies
from todochat.agent.toolbox import DirectTools
from todochat.db import Database
from todochat.errors import InvalidInputError
from todochat.models import User
from todochat.services import users
from todochat.services.recurrence import parse_recurrence

PARIS = ZoneInfo(TIMEZONE)
SETS = ("corpus", "heldout", "adversarial", "blind", "final", "untuned", "spoken", "fresh")
# "Sorry, I didn't understand that." is no question about the request.
_NOT_UNDERSTOOD = replies.NOT_UNDERSTOOD.split(".")[0]
# Cases the agent does not get right yet, and why; each fails safely (it asks or
# says it did not understand; it changes nothing).
_TASK_IN_A_STORY = (
    'the task is named only inside a story ("… I got the groceries, tick that off"): '
    'the agent asks "Do you mean task #1 …?" instead of acting'
)
KNOWN_GAPS: dict[str, str] = {
    "heldout-complete-023": _TASK_IN_A_STORY,
    "blind-complete-013": _TASK_IN_A_STORY,
    "blind-delete-008": _TASK_IN_A_STORY,
}
# Arguments compared without regard to case or runs of whitespace.
_TEXT_ARGS = {"title", "description", "query"}


@dataclass(frozen=True)
class Turn:
    """What the agent did on the judged (last) turn."""

    text: str
    calls: tuple[Call, ...]


def case_ids(cases: tuple[Case, ...]) -> list[str]:
    """`add-001`, `add-002` … numbered within each category, in table order."""
    seen: dict[str, int] = {}
    ids = []
    for case in cases:
        seen[case.category] = seen.get(case.category, 0) + 1
        ids.append(f"{case.category}-{seen[case.category]:03d}")
    return ids


async def seed(db: Database) -> User:
    """A user in Europe/Paris with the seed tasks (numbers 1 to 10), made with the
    tool functions directly; the completed ones are completed."""
    async with db.session() as session:
        user = await users.create_user(
            session, email="corpus@example.com", password_hash=None, timezone=TIMEZONE
        )
        for task in SEED:
            await tools.add_task(
                session,
                user,
                title=task.title,
                description=task.description,
                priority=task.priority,
                due_date=task.due,
            )
        for number, task in enumerate(SEED, start=1):
            if task.completed:
                await tools.complete_task(session, user, task_id=number)
    return user


async def converse(db: Database, case: Case) -> Turn:
    """Seed the database, say every message of the case; the last turn."""
    user = await seed(db)
    agent = BuiltinAgent(clock=lambda: NOW)
    history: list[HistoryEntry] = []
    turn = Turn("", ())
    for message in case.say:
        async with db.session() as session:
            request = AgentRequest(
                user_id=user.id,
                timezone=TIMEZONE,
                message=message,
                history=list(history),
                tools=DirectTools(session, user),
            )
            done = [event async for event in agent.stream(request) if isinstance(event, ReplyDone)]
        assert len(done) == 1, f"the turn ended with {len(done)} ReplyDone events"
        reply = done[0].reply
        history.append(HistoryEntry("user", message))
        history.append(
            HistoryEntry(
                "assistant",
                reply.text,
                tool_calls=[call.as_json() for call in reply.tool_calls],
                metadata=reply.metadata,
            )
        )
        turn = Turn(reply.text, tuple(Call(c.name, dict(c.arguments)) for c in reply.tool_calls))
    return turn


def _text(value: Any) -> Any:
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def local_due(value: Any) -> Any:
    """An actual due_date as local wall time in Europe/Paris (`2026-03-12T23:59`):
    "none" stays "none", a date alone is the end of that day, a datetime without an
    offset is read in Europe/Paris; anything else is returned as it is."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.casefold() == "none":
        return "none"
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return f"{date.fromisoformat(text).isoformat()}T23:59"
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def rule_read(value: Any) -> Any:
    """An actual repeat as the rule it reads as, with its time of day if one was said:
    "every weekday at 9" → "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR@09:00"."""
    if not isinstance(value, str):
        return value
    try:
        said = parse_recurrence(value)
    except InvalidInputError:
        return value
    return said.rule + (f"@{said.at:%H:%M}" if said.at else "")


def _same(name: str, expected: Any, actual: Any) -> bool:
    if name == "due_date":
        return expected == local_due(actual)
    if name == "repeat":
        return expected == rule_read(actual)
    if name in _TEXT_ARGS:
        return _text(expected) == _text(actual)
    return bool(expected == actual)


def judge(case: Case, turn: Turn) -> list[str]:
    """What is wrong with the judged turn (nothing: it passes).

    Without an expected list_tasks the actual ones are left out (the agent may look
    tasks up before acting); the names must then be the same, in order, and every
    expected argument present with an equal value (more arguments are fine)."""
    problems: list[str] = []
    actual = list(turn.calls)
    if not any(call.name == "list_tasks" for call in case.expect):
        actual = [call for call in actual if call.name != "list_tasks"]
    if [c.name for c in actual] != [c.name for c in case.expect]:
        problems.append("tool calls differ")
    else:
        for want, got in zip(case.expect, actual, strict=True):
            for key, value in want.args.items():
                if key not in got.args or not _same(key, value, got.args[key]):
                    problems.append(f"{want.name}: {key} is {got.args.get(key)!r}, not {value!r}")
    text = turn.text.casefold()
    problems += [f"the reply lacks {part!r}" for part in case.reply if part.casefold() not in text]
    if case.asks and ("?" not in turn.text or turn.text.startswith(_NOT_UNDERSTOOD)):
        problems.append("the reply asks nothing")
    return problems


_CHANGES = ("complete_task", "delete_task", "update_task")


def harms(case: Case, turn: Turn) -> list[str]:
    """What the turn did that the user did not ask for — worse than not understanding:
    a change to a task the case does not change, a delete the case does not ask for,
    or something stored other than what was said (while the reply reports success)."""
    found: list[str] = []
    expected_changes = {(c.name, c.args.get("task_id")) for c in case.expect if c.name in _CHANGES}
    expected_ids = {task_id for _, task_id in expected_changes}
    expected_adds = [c for c in case.expect if c.name == "add_task"]
    for call in turn.calls:
        if (
            call.name == "delete_task"
            and ("delete_task", call.args.get("task_id")) not in expected_changes
        ):
            found.append(f"unintended delete of task {call.args.get('task_id')}")
        elif call.name in _CHANGES and call.args.get("task_id") not in expected_ids:
            found.append(f"{call.name} on task {call.args.get('task_id')}, not the one meant")
        elif call.name == "update_task":
            want = (
                next(
                    c
                    for c in case.expect
                    if c.name == "update_task" and c.args.get("task_id") == call.args.get("task_id")
                )
                if ("update_task", call.args.get("task_id")) in expected_changes
                else None
            )
            if want is not None and any(
                k in call.args and not _same(k, v, call.args[k]) for k, v in want.args.items()
            ):
                found.append(f"task {call.args.get('task_id')} saved with {call.args}")
    adds = [c for c in turn.calls if c.name == "add_task"]
    if len(adds) > len(expected_adds):
        found.append(f"{len(adds) - len(expected_adds)} task(s) added that were not asked for")
    for want, got in zip(expected_adds, adds, strict=False):
        if any(k in got.args and not _same(k, v, got.args[k]) for k, v in want.args.items()):
            found.append(f"added {got.args}, not {want.args}")
    return found


def describe(case: Case, turn: Turn, problems: list[str]) -> str:
    """A failure, readably: what was said, expected, done and answered."""

    def show(calls: tuple[Call, ...] | list[Call]) -> str:
        return ", ".join(f"{c.name}({c.args})" for c in calls) or "no call"

    lines = [f"said:     {' / '.join(repr(m) for m in case.say)}"]
    lines.append(f"expected: {show(case.expect)}")
    if case.reply or case.asks:
        lines.append(f"          reply with {list(case.reply)}{' and a question' * case.asks}")
    lines.append(f"actual:   {show(turn.calls)}")
    lines.append(f"reply:    {turn.text!r}")
    lines += [f"problem:  {problem}" for problem in problems]
    return "\n".join(lines)


def set_cases(name: str) -> tuple[Case, ...]:
    """The CASES table of one set."""
    cases: tuple[Case, ...] = importlib.import_module(f"tests.agent.{name}").CASES
    return cases


def _params() -> list[Any]:
    params = []
    for name in SETS:
        cases = set_cases(name)
        for case_id, case in zip(case_ids(cases), cases, strict=True):
            full_id = f"{name}-{case_id}"
            marks = []
            if full_id in KNOWN_GAPS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[full_id]))
            params.append(pytest.param(case, id=full_id, marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
async def test_the_agent_does_what_the_request_means(db: Database, case: Case) -> None:
    turn = await converse(db, case)
    problems = judge(case, turn)
    assert not problems, describe(case, turn, problems)


def _gap_params() -> list[Any]:
    return [
        pytest.param(case, id=full_id)
        for name in SETS
        for full_id, case in zip(
            (f"{name}-{i}" for i in case_ids(set_cases(name))), set_cases(name), strict=True
        )
        if full_id in KNOWN_GAPS
    ]


@pytest.mark.parametrize("case", _gap_params())
async def test_a_request_not_yet_understood_changes_nothing_it_should_not(
    db: Database, case: Case
) -> None:
    turn = await converse(db, case)
    found = harms(case, turn)
    assert not found, describe(case, turn, found)
