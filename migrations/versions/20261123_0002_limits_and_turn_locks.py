"""Rate-limit counters and the chat turn lock.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from todochat.models.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_buckets",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("hits", sa.Integer(), server_default="0", nullable=False),
        sa.Column("resets_at", sa.Double(), nullable=False),
        sa.Column("delay", sa.Double(), server_default="0", nullable=False),
        sa.Column("blocked_until", sa.Double(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_buckets")),
    )
    op.create_index(op.f("ix_rate_limit_buckets_resets_at"), "rate_limit_buckets", ["resets_at"])
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("turn_token", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("turn_expires_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("turn_expires_at")
        batch.drop_column("turn_token")
    op.drop_index(op.f("ix_rate_limit_buckets_resets_at"), table_name="rate_limit_buckets")
    op.drop_table("rate_limit_buckets")
