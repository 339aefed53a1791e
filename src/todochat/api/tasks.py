"""Tasks over HTTP. A task is known by its number (`id` in JSON and paths)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import AliasChoices, BaseModel, Field, StringConstraints
from sqlmodel.ext.asyncio.session import AsyncSession

from todochat.api.deps import PathUser, SessionDep
from todochat.api.idempotency import IdempotencyDep
from todochat.api.schemas import BODY_ERRORS, ERROR_RESPONSES, IDEMPOTENCY_ERRORS, PageOut
from todochat.models import Task, TaskPriority, TaskStatus, User
from todochat.services import labels as label_service
from todochat.services import tasks
from todochat.services.dates import in_timezone, parse_iso_due
from todochat.services.labels import MAX_LABELS_PER_TASK
from todochat.services.recurrence import describe_rule, schedule
from todochat.services.tasks import TASK_SORTS, TaskChanges, TaskSort

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"], responses=ERROR_RESPONSES)

TaskNumber = Annotated[int, Path(alias="id", ge=1, le=2**31 - 1, description="The task number.")]
StatusQuery = Literal["all", "open", "pending", "in_progress", "completed", "archived"]
_DUE_HELP = "ISO date (end of that day in your time zone) or datetime; null clears it."
_REPEAT_HELP = (
    'Plain words ("every monday", "every 2 weeks", "on the 1st of each month", "every '
    'weekday at 9") or an RFC 5545 RRULE; null stops the repeating.'
)


class TaskOut(BaseModel):
    """A task. `completed` mirrors `status == "completed"`."""

    id: int = Field(description="The task number: 1, 2, 3 … per user.")
    title: str
    description: str | None
    status: TaskStatus
    completed: bool
    priority: TaskPriority
    due_at: datetime | None
    completed_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    recurrence: str | None = Field(
        description="An RFC 5545 rule (FREQ=WEEKLY;BYDAY=MO) when the task repeats: "
        "completing it moves it to its next due date."
    )
    repeats: str | None = Field(description='The rule in words: "every Monday".')
    labels: list[str] = Field(description="Its labels, alphabetical.")

    @classmethod
    def of(cls, task: Task, user: User, labels: Sequence[str] = ()) -> TaskOut:
        """The task with its times shown in the user's time zone."""
        zone = user.timezone
        return cls(
            id=task.number,
            title=task.title,
            description=task.description,
            status=task.status,
            completed=task.completed,
            priority=task.priority,
            due_at=in_timezone(task.due_at, zone),
            completed_at=in_timezone(task.completed_at, zone),
            created_at=in_timezone(task.created_at, zone),
            updated_at=in_timezone(task.updated_at, zone),
            recurrence=task.recurrence,
            repeats=describe_rule(task.recurrence) if task.recurrence else None,
            labels=list(labels),
        )


async def _out(session: AsyncSession, task: Task, user: User) -> TaskOut:
    """The task as answered, with its labels."""
    labels = await label_service.labels_of(session, [task])
    return TaskOut.of(task, user, labels[task.id])


class TaskIn(BaseModel):
    title: str = Field(max_length=1000, examples=["Buy groceries"])
    description: str | None = Field(default=None, max_length=10_000)
    priority: TaskPriority = TaskPriority.MEDIUM
    due_at: str | None = Field(
        default=None,
        max_length=64,
        validation_alias=AliasChoices("due_at", "due_date"),
        description=_DUE_HELP,
    )
    recurrence: str | None = Field(
        default=None,
        max_length=200,
        validation_alias=AliasChoices("recurrence", "repeat"),
        description=_REPEAT_HELP,
    )
    labels: list[Annotated[str, StringConstraints(max_length=100)]] | None = Field(
        default=None,
        max_length=MAX_LABELS_PER_TASK,
        description="All of its labels (made if new; '#' and '@' are taken off).",
    )


class TaskReplaceIn(TaskIn):
    """The task's content: omitted description, priority and due date return to their
    defaults; status changes only when `status` or `completed` is sent."""

    status: TaskStatus | None = None
    completed: bool | None = Field(default=None, description="Shortcut for status.")


class TaskPatchIn(BaseModel):
    """Only the fields sent are changed."""

    title: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=10_000)
    status: TaskStatus | None = None
    completed: bool | None = Field(default=None, description="Shortcut for status.")
    priority: TaskPriority | None = None
    due_at: str | None = Field(
        default=None,
        max_length=64,
        validation_alias=AliasChoices("due_at", "due_date"),
        description=_DUE_HELP,
    )
    recurrence: str | None = Field(
        default=None,
        max_length=200,
        validation_alias=AliasChoices("recurrence", "repeat"),
        description=_REPEAT_HELP,
    )
    labels: list[Annotated[str, StringConstraints(max_length=100)]] | None = Field(
        default=None,
        max_length=MAX_LABELS_PER_TASK,
        description="All of its labels (made if new; '#' and '@' are taken off).",
    )


class CompletionIn(BaseModel):
    completed: bool | None = Field(default=None, description="Omit to toggle.")


def _due(value: str | None, user: User) -> datetime | None:
    return parse_iso_due(value, user.timezone) if value is not None else None


def _repeating(
    recurrence: str | None, due_at: datetime | None, user: User
) -> tuple[str | None, datetime | None]:
    """The RRULE the words say and the due date to start from (services/recurrence)."""
    if not recurrence:
        return None, due_at
    return schedule(recurrence, due_at, user.timezone, now=datetime.now(UTC))


def _changes(body: TaskPatchIn | TaskReplaceIn, user: User, fields: set[str]) -> TaskChanges:
    values: dict[str, object] = {}
    for field in fields & {"title", "description", "priority", "status"}:
        values[field] = getattr(body, field)
    if "due_at" in fields:
        values["due_at"] = _due(body.due_at, user)
    if "recurrence" in fields:
        given_due = _due(body.due_at, user) if "due_at" in fields else None
        rule, start = _repeating(body.recurrence, given_due, user)
        values["recurrence"] = rule
        if "due_at" in fields:
            values["due_at"] = start  # at the time of day said with the rule
    if "labels" in fields:
        values["labels"] = body.labels or []
    if "completed" in fields and body.completed is not None and "status" not in fields:
        values["status"] = tasks.status_for(body.completed)
    return TaskChanges.model_validate(values)


@router.get("")
async def list_tasks(
    user: PathUser,
    session: SessionDep,
    status: StatusQuery = "all",
    priority: TaskPriority | None = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in title or description.")
    ] = None,
    due_before: Annotated[str | None, Query(max_length=64)] = None,
    due_after: Annotated[str | None, Query(max_length=64)] = None,
    sort: Annotated[TaskSort, Query(description=f"One of {', '.join(TASK_SORTS)}.")] = "created",
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    label: Annotated[
        list[str] | None,
        Query(
            max_length=MAX_LABELS_PER_TASK,
            description="Only tasks with this label (repeat: all of them).",
        ),
    ] = None,
) -> PageOut[TaskOut]:
    """Your tasks, filtered, sorted, a page at a time."""
    page = await tasks.list_tasks(
        session,
        user.id,
        status=status if status in ("all", "open") else TaskStatus(status),
        priority=priority,
        query=q,
        due_before=_due(due_before, user),
        due_after=_due(due_after, user),
        sort=sort,
        limit=limit,
        cursor=cursor,
        labels=label or (),
    )
    labels = await label_service.labels_of(session, page.items)
    items = [TaskOut.of(t, user, labels[t.id]) for t in page.items]
    return PageOut(items=items, next_cursor=page.next_cursor)


@router.post(
    "",
    status_code=201,
    response_model=TaskOut,
    responses={**BODY_ERRORS, **IDEMPOTENCY_ERRORS},
)
async def create_task(
    body: TaskIn, user: PathUser, session: SessionDep, idempotency: IdempotencyDep
) -> TaskOut | Response:
    """Add a task; it gets your next number. Send an `Idempotency-Key` to make a retry
    safe."""
    if (replay := await idempotency.replay(session, user.id)) is not None:
        return replay
    recurrence, due_at = _repeating(body.recurrence, _due(body.due_at, user), user)
    task = await tasks.create_task(
        session,
        user.id,
        title=body.title,
        description=body.description,
        priority=body.priority,
        due_at=due_at,
        recurrence=recurrence,
        labels=body.labels or (),
    )
    out = await _out(session, task, user)
    await idempotency.record(session, user.id, 201, out)
    return out


@router.get("/{id}")
async def get_task(number: TaskNumber, user: PathUser, session: SessionDep) -> TaskOut:
    """One task."""
    return await _out(session, await tasks.get_task(session, user.id, number), user)


@router.put("/{id}", responses=BODY_ERRORS)
async def replace_task(
    number: TaskNumber, body: TaskReplaceIn, user: PathUser, session: SessionDep
) -> TaskOut:
    """Replace the content of a task."""
    fields = {"title", "description", "priority", "due_at", "recurrence", "labels"}
    fields |= body.model_fields_set & {"status", "completed"}
    task = await tasks.update_task(session, user.id, number, _changes(body, user, fields))
    return await _out(session, task, user)


@router.patch("/{id}", responses=BODY_ERRORS)
async def patch_task(
    number: TaskNumber, body: TaskPatchIn, user: PathUser, session: SessionDep
) -> TaskOut:
    """Change some fields of a task."""
    changes = _changes(body, user, set(body.model_fields_set))
    task = await tasks.update_task(session, user.id, number, changes)
    return await _out(session, task, user)


@router.delete("/{id}", status_code=204)
async def delete_task(number: TaskNumber, user: PathUser, session: SessionDep) -> Response:
    """Delete a task. Its number is not reused."""
    await tasks.delete_task(session, user.id, number)
    return Response(status_code=204)


@router.patch("/{id}/complete", responses=BODY_ERRORS)
async def toggle_completion(
    number: TaskNumber,
    user: PathUser,
    session: SessionDep,
    body: Annotated[CompletionIn | None, Body()] = None,
) -> TaskOut:
    """Toggle completion, or set it with `{"completed": true|false}`."""
    wanted = body.completed if body is not None else None
    task = await tasks.set_task_completed(session, user.id, number, wanted)
    return await _out(session, task, user)
