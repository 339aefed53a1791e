"""Due dates: what users type, resolved in their time zone, stored in UTC."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from todochat.errors import InvalidInputError

END_OF_DAY = time(23, 59, 59)


def parse_iso_due(value: str, timezone: str, field: str = "due_at") -> datetime:
    """An ISO date or datetime as an aware datetime.

    A date alone means the end of that day in the user's time zone; a datetime
    without an offset is read in the user's time zone too.
    """
    text = value.strip()
    zone = ZoneInfo(timezone)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), END_OF_DAY, tzinfo=zone)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise InvalidInputError(
            f"{field} must be an ISO date (2026-12-01) or datetime (2026-12-01T17:00)", field
        ) from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def in_timezone(value: datetime | None, timezone: str) -> datetime | None:
    """The instant shown in the user's time zone."""
    return value.astimezone(ZoneInfo(timezone)) if value is not None else None
