"""The built-in agent's language work: CPU time per chat turn, next to a baseline.

  python -m bench.agent_language [--quick] [--repeat N]

Every phrasing of the agent's test sets (tests/agent/: corpus, heldout, adversarial,
blind, final, untuned, spoken, fresh) is said to the built-in agent, turn by turn as
in the tests, with the tools answered from memory: what is timed is the agent alone
— reading the message (correction, normalise, intent, guards, slots, reference) and
choosing what to call and say — not the database. The baseline, measured in the same
run on the same messages, is one call of the date library's search mode
(`dateparser.search`), the single step a date-aware reader of free text cannot skip.
Target: under 5 ms of CPU per turn. Figures are process CPU time
(`time.process_time`), so other work on the machine affects them less than wall
time.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dateparser.search import search_dates

from todochat.agent.base import AgentRequest, HistoryEntry, ReplyDone
from todochat.agent.builtin import BuiltinAgent
from todochat.agent.toolbox import ToolCallRecord
from todochat.models import TaskPriority, TaskStatus
from todochat.tools import StoredTask, TaskChange, TaskItem, TaskListing, TasksAdded

SETS = ("corpus", "heldout", "adversarial", "blind", "final", "untuned", "spoken", "fresh")
TARGET_MS = 5.0
RESULTS = Path(__file__).parent / "results"


class MemoryTools:
    """The five tools over a list in memory: instant answers, so that only the agent
    is timed."""

    def __init__(self, tasks: list[TaskItem]) -> None:
        self.tasks = tasks
        self.calls: list[ToolCallRecord] = []

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolCallRecord:
        value: TaskChange | TaskListing
        if name == "list_tasks":
            value = TaskListing(tasks=list(self.tasks), next_cursor=None)
        elif name == "add_task":
            number = max((t.id for t in self.tasks), default=0) + 1
            added = stored(number, arguments["title"])
            value = TasksAdded(
                task_id=number, status="created", title=added.title, task=added, tasks=[added]
            )
        else:
            task = next((t for t in self.tasks if t.id == arguments.get("task_id")), None)
            if task is None:
                record = ToolCallRecord(name, arguments, error="task not found")
                self.calls.append(record)
                return record
            status = {"complete_task": "completed", "delete_task": "deleted"}.get(name, "updated")
            value = TaskChange.model_validate(
                {
                    "task_id": task.id,
                    "status": status,
                    "title": task.title,
                    "task": stored(task.id, task.title),
                }
            )
        record = ToolCallRecord(name, arguments, value=value)
        self.calls.append(record)
        return record


def stored(number: int, title: str) -> StoredTask:
    """A task as a change returns it (only what the agent reads is filled in)."""
    return StoredTask(
        number=number,
        title=title,
        description=None,
        status=TaskStatus.PENDING,
        priority=TaskPriority.MEDIUM,
        completed=False,
        due_at=None,
        due_local=None,
        completed_at=None,
    )


def seed_tasks() -> list[TaskItem]:
    """The test sets' seed list, as list_tasks shows it."""
    corpus = importlib.import_module("tests.agent.corpus")
    zone = corpus.NOW.tzinfo
    tasks = []
    for number, seed in enumerate(corpus.SEED, start=1):
        due = datetime.fromisoformat(seed.due).replace(tzinfo=zone) if seed.due else None
        tasks.append(
            TaskItem(
                id=number,
                title=seed.title,
                description=seed.description,
                completed=seed.completed,
                status="completed" if seed.completed else "pending",
                priority=seed.priority,
                due_date=due,
            )
        )
    return tasks


def conversations() -> list[tuple[str, ...]]:
    """Every case's messages, from every set."""
    said: list[tuple[str, ...]] = []
    for name in SETS:
        module = importlib.import_module(f"tests.agent.{name}")
        said += [case.say for case in module.CASES]
    return said


async def time_turns(said: list[tuple[str, ...]], repeat: int) -> list[float]:
    """CPU milliseconds of every turn (each conversation `repeat` times)."""
    corpus = importlib.import_module("tests.agent.corpus")
    agent = BuiltinAgent(clock=lambda: corpus.NOW)
    timings: list[float] = []
    for _ in range(repeat):
        for messages in said:
            history: list[HistoryEntry] = []
            tools = MemoryTools(seed_tasks())
            for message in messages:
                tools.calls = []
                request = AgentRequest("bench", corpus.TIMEZONE, message, list(history), tools)
                started = time.process_time()
                (reply,) = [e async for e in agent.stream(request) if isinstance(e, ReplyDone)]
                timings.append((time.process_time() - started) * 1000)
                history.append(HistoryEntry("user", message))
                history.append(
                    HistoryEntry(
                        "assistant",
                        reply.reply.text,
                        [c.as_json() for c in reply.reply.tool_calls],
                        reply.reply.metadata,
                    )
                )
    return timings


def time_baseline(messages: list[str], repeat: int) -> list[float]:
    """CPU milliseconds of one `dateparser.search.search_dates` call per message."""
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": datetime(2026, 3, 11, 10, 30)}
    search_dates("warm up tomorrow at 5pm", languages=["en"], settings=settings)
    timings = []
    for _ in range(repeat):
        for message in messages:
            started = time.process_time()
            search_dates(message, languages=["en"], settings=settings)
            timings.append((time.process_time() - started) * 1000)
    return timings


def summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)

    def pick(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "turns": len(ordered),
        "mean_ms": statistics.fmean(ordered),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": ordered[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one pass over 300 conversations")
    parser.add_argument("--repeat", type=int, default=3, help="passes over every phrasing")
    options = parser.parse_args(argv)
    said = conversations()
    repeat = options.repeat
    if options.quick:
        said, repeat = said[:300], 1
    # One pass unmeasured: imports, compiled patterns and caches are start-up costs.
    asyncio.run(time_turns(said[:50], 1))
    agent = summary(asyncio.run(time_turns(said, repeat)))
    baseline = summary(time_baseline([s[-1] for s in said], repeat))
    verdict = "met" if agent["p95_ms"] < TARGET_MS else "NOT met"
    print(f"built-in agent language work, {agent['turns']:.0f} turns, CPU ms per turn")
    print(f"{'':24}{'mean':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for label, row in (("todochat agent turn", agent), ("dateparser search only", baseline)):
        figures = "".join(f"{row[k]:8.2f}" for k in ("mean_ms", "p50_ms", "p95_ms", "p99_ms"))
        print(f"{label:24}{figures}{row['max_ms']:8.2f}")
    print(f"target: p95 < {TARGET_MS:.0f} ms per turn — {verdict}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"agent-language-{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "machine": {"cpus": _cpus(), "python": platform.python_version()},
                "agent": agent,
                "baseline_dateparser_search": baseline,
                "target_p95_ms": TARGET_MS,
            },
            indent=2,
        )
    )
    print(f"written: {path}")
    return 0 if verdict == "met" else 1


def _cpus() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
