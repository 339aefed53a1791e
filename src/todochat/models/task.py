"""Tasks: the todo items, numbered 1, 2, 3 … per user."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint, false
from sqlmodel import Field

from todochat.models.base import Timestamped, UTCDateTime, metadata_field, string_enum

# The limits the tasks service enforces, beside the columns they guard.
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
RECURRENCE_MAX_LENGTH = 200


class TaskStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class TaskPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class Task(Timestamped, table=True):
    """One todo item. `number` is its public id; the UUID never leaves the server."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        # completed_at is set exactly while the task is completed.
        CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)",
            name="completed_at_matches_status",
        ),
        Index(None, "user_id", "status"),
        Index(None, "user_id", "due_at"),
        Index(None, "user_id", "priority"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=64)
    number: int
    title: str = Field(max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(default=None, sa_type=Text)
    status: TaskStatus = Field(
        default=TaskStatus.PENDING,
        sa_type=string_enum(TaskStatus, "task_status"),
        sa_column_kwargs={"server_default": TaskStatus.PENDING.value},
    )
    priority: TaskPriority = Field(
        default=TaskPriority.MEDIUM,
        sa_type=string_enum(TaskPriority, "task_priority"),
        sa_column_kwargs={"server_default": TaskPriority.MEDIUM.value},
    )
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # An RFC 5545 RRULE ("FREQ=WEEKLY;BYDAY=MO"): completing the task moves it to its
    # next due date instead (services/recurrence.py).
    recurrence: str | None = Field(default=None, max_length=RECURRENCE_MAX_LENGTH)
    # Whether it was given labels (task_labels): a task never labelled costs no label
    # lookup when it is answered. It may stay true after its labels are gone.
    labelled: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    meta: dict[str, Any] = metadata_field()

    @property
    def completed(self) -> bool:
        return self.status == TaskStatus.COMPLETED
