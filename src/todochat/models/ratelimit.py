"""Rate-limit counters, kept in the database so that every worker and machine shares
them with no extra service.

Times are epoch seconds (double precision) rather than timestamps: the counters need
arithmetic ("now + delay") inside one upsert, and plain numbers add up the same way
on every backend.
"""

from __future__ import annotations

from sqlalchemy import Double, Index
from sqlmodel import Field, SQLModel

KEY_MAX_LENGTH = 400


class RateLimitBucket(SQLModel, table=True):
    """One counter: `hits` events since the window opened, until `resets_at`.

    Login throttling also uses `delay` (the wait imposed after the last failure, which
    doubles with each further one) and `blocked_until`. Rows whose window has passed
    are swept.
    """

    __tablename__ = "rate_limit_buckets"
    __table_args__ = (Index(None, "resets_at"),)

    key: str = Field(primary_key=True, max_length=KEY_MAX_LENGTH)
    hits: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    resets_at: float = Field(sa_type=Double)
    delay: float = Field(default=0.0, sa_type=Double, sa_column_kwargs={"server_default": "0"})
    blocked_until: float = Field(
        default=0.0, sa_type=Double, sa_column_kwargs={"server_default": "0"}
    )
