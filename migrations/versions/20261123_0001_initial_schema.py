"""Initial schema: users, tasks, conversations, messages.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from todochat.models.base import UTCDateTime, utcnow

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(), server_default=utcnow(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), server_default=utcnow(), nullable=False),
    ]


def string_enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    op.create_table(
        "users",
        *timestamps(),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("task_seq", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("task_seq >= 0", name=op.f("ck_users_task_seq_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "conversations",
        *timestamps(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("message_seq", sa.Integer(), server_default="0", nullable=False),
        sa.Column("metadata", JSON, server_default=sa.text("'{}'"), nullable=False),
        sa.CheckConstraint(
            "message_seq >= 0", name=op.f("ck_conversations_message_seq_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_conversations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("id", "user_id", name=op.f("uq_conversations_id_user_id")),
    )
    op.create_index(
        op.f("ix_conversations_user_id_updated_at"), "conversations", ["user_id", "updated_at"]
    )
    op.create_table(
        "tasks",
        *timestamps(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "status",
            string_enum("task_status", "pending", "in_progress", "completed", "archived"),
            server_default="pending",
            nullable=False,
        ),
        sa.Column(
            "priority",
            string_enum("task_priority", "low", "medium", "high", "urgent"),
            server_default="medium",
            nullable=False,
        ),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("metadata", JSON, server_default=sa.text("'{}'"), nullable=False),
        sa.CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)",
            name=op.f("ck_tasks_completed_at_matches_status"),
        ),
        sa.CheckConstraint("number > 0", name=op.f("ck_tasks_number_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tasks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("user_id", "number", name=op.f("uq_tasks_user_id_number")),
    )
    op.create_index(op.f("ix_tasks_user_id_status"), "tasks", ["user_id", "status"])
    op.create_index(op.f("ix_tasks_user_id_due_at"), "tasks", ["user_id", "due_at"])
    op.create_index(op.f("ix_tasks_user_id_priority"), "tasks", ["user_id", "priority"])
    op.create_table(
        "messages",
        *timestamps(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            string_enum("message_role", "user", "assistant", "system", "tool"),
            nullable=False,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("tool_calls", JSON, nullable=True),
        sa.Column("metadata", JSON, server_default=sa.text("'{}'"), nullable=False),
        sa.CheckConstraint("seq > 0", name=op.f("ck_messages_seq_positive")),
        # A message's user must own its conversation: checked by the database itself.
        sa.ForeignKeyConstraint(
            ["conversation_id", "user_id"],
            ["conversations.id", "conversations.user_id"],
            name=op.f("fk_messages_conversation_id_user_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("conversation_id", "seq", name=op.f("uq_messages_conversation_id_seq")),
    )


def downgrade() -> None:
    op.drop_table("messages")
    op.drop_table("tasks")
    op.drop_table("conversations")
    op.drop_table("users")
